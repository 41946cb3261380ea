"""`caremap alerts run`: schedule post-exit check-ups and raise alerts.

Safe to run every few minutes from cron or a scheduler: an event already
raised is never raised again, and runs that overlap cannot both raise it.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from caremap.engagement import alerting
from caremap.engagement.models import Alert

LABELS = {
    Alert.Rule.NO_CONTACT: "not in touch",
    Alert.Rule.MISSED_GROUP: "missed group",
    Alert.Rule.WORRYING_CHECK_IN: "worrying check-in",
    Alert.Rule.CHECK_UP_NOT_REACHED: "check-up not reached",
}


class Command(BaseCommand):
    help = "Schedule post-exit check-ups and raise disengagement alerts."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        run = commands.add_parser(
            "run", help="Apply every organisation's rules once, as of today."
        )
        run.add_argument(
            "--today",
            help="Apply the rules as of this date (YYYY-MM-DD), for catching up.",
        )

    def handle(self, *args, action, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(
                    f"--today must be a date like 2026-11-28: {error}"
                ) from error
        counts = alerting.run(day)
        raised = [
            f"{counts[rule]} {label}" for rule, label in LABELS.items() if counts[rule]
        ]
        self.stdout.write(
            f"Alerts raised: {', '.join(raised) if raised else 'none'}. "
            f"Events seen: {counts['seen']}. "
            f"Check-ups scheduled: {counts['check-up']}."
        )
