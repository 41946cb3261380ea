"""`caremap episodes rotate-linkage-secret --area NAME`: replace an area's
linkage secret, as after a suspected leak, and key every episode in the area
again under the new one (see docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from caremap.episodes import actions
from caremap.organisations.models import Area
from caremap.privacy.audit import audit_context


class Command(BaseCommand):
    help = "Look after episodes' linkage keys."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        rotate = commands.add_parser(
            "rotate-linkage-secret",
            help="Replace an area's linkage secret and recompute its episodes' keys.",
        )
        rotate.add_argument("--area", required=True, help="The area's name.")

    def handle(self, *args, action, area, **options):
        try:
            chosen = Area.objects.get(name=area)
        except Area.DoesNotExist:
            names = ", ".join(
                Area.objects.order_by("name").values_list("name", flat=True)
            )
            raise CommandError(
                f"There is no area called {area!r}. The areas are: {names or 'none yet'}."
            ) from None
        with audit_context(source="cli"):
            keyed = actions.rotate_linkage_secret(chosen, by=None)
        if keyed is None:
            self.stdout.write(
                f"{chosen.name} has no linkage secret yet (one is made with its first "
                "episode), so there was nothing to replace."
            )
            return
        self.stdout.write(
            f"Replaced the linkage secret of {chosen.name} and recomputed the key of "
            f"{keyed:,} episode{'' if keyed == 1 else 's'} from each person's current "
            "details. Keys made under the old secret, in exports taken before now, "
            "no longer match."
        )
