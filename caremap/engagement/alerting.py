"""Noticing when someone drifts away, and following up after an exit.

`run(today)` is what `caremap alerts run` does: it schedules any missing
post-exit check-ups, then looks for each rule's events and raises an alert
for each one not already raised. Every event has a key (the rule, what it is
about and the date it dates from), stored unique per organisation, so the
same event never raises a second alert however often, or however many at
once, the rules run. A new event (in touch again, then out of touch again)
has a new key.

The default rules, each an organisation setting (`EngagementSettings`):

- not in touch: no contact that reached the person for 21 days, counted from
  the last one (or from when they were added, if never), for people in
  support (an open episode, or none recorded: after an exit, check-ups
  follow the person instead);
- missed group: the last 2 sessions recorded for a regular group were
  missed;
- worrying check-in: a check-in in the last fortnight says the person's use
  has worried them;
- check-up not reached: a post-exit check-up is 14 days past its date and not
  done, or was recorded as not reached.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from caremap.assessments.models import Assessment
from caremap.days import start_of
from caremap.engagement.models import (
    Alert,
    Attendance,
    CheckUp,
    EngagementSettings,
)
from caremap.episodes.models import Episode
from caremap.organisations.models import Organisation
from caremap.people.models import Person
from caremap.privacy.audit import audit_context, record
from caremap.privacy.models import AuditEvent

CHECK_IN_INSTRUMENT = "check-in"
WORRYING_ANSWER = "checkin-use-worry"
# Check-ins older than this when the rules first see them are history, not news.
CHECK_INS_WITHIN = datetime.timedelta(days=14)
# Recovery check-ups follow a planned, completed exit. Anyone who left
# another way is followed by outreach (or by the service they moved to).
CHECK_UPS_AFTER = Episode.COMPLETED


@dataclass(frozen=True)
class Finding:
    person_id: int
    organisation_id: int
    rule: str
    key: str
    facts: dict


# Check-ups.


def schedule_check_ups(episode, *, settings=None):
    """The check-ups an exit calls for, made if missing. Returns how many
    were made."""
    if episode.ended_on is None or episode.exit_reason not in CHECK_UPS_AFTER:
        return 0
    settings = settings or EngagementSettings.for_organisation(episode.organisation_id)
    made = 0
    for months in settings.months():
        _check_up, created = CheckUp.objects.get_or_create(
            episode=episode,
            months=months,
            defaults={"due_on": episode.ended_on + relativedelta(months=months)},
        )
        made += created
    return made


def _schedule_all(settings_by_org):
    made = 0
    ended = (
        Episode.objects.filter(ended_on__isnull=False)
        .filter(exit_reason__in=CHECK_UPS_AFTER)
        .filter(organisation_id__in=settings_by_org)
    )
    for episode in ended.exclude(pk__in=CheckUp.objects.values("episode_id")):
        made += schedule_check_ups(
            episode, settings=settings_by_org[episode.organisation_id]
        )
    return made


# The rules: each returns the events it sees today.


def not_in_touch(today, settings_by_org):
    findings = []
    # Someone whose support has ended is followed up by check-ups, not by
    # this rule: it watches people with an open episode, or none recorded.
    episodes = Episode.objects.filter(person=OuterRef("pk"))
    people = (
        Person.objects.active()
        .filter(organisation_id__in=settings_by_org)
        .filter(~Exists(episodes) | Exists(episodes.filter(ended_on__isnull=True)))
        .annotate(
            last_reached=Max(
                "contacts__happened_at", filter=Q(contacts__outcome="reached")
            )
        )
    )
    for organisation_id, settings in settings_by_org.items():
        # In touch on or after this day means not yet due.
        cutoff = start_of(today - datetime.timedelta(days=settings.no_contact_days - 1))
        lapsed = people.filter(organisation_id=organisation_id).filter(
            Q(last_reached__lt=cutoff)
            | Q(last_reached__isnull=True, created_at__lt=cutoff)
        )
        for person in lapsed.only("pk", "organisation_id", "created_at"):
            reached = person.last_reached is not None
            since = timezone.localdate(
                person.last_reached if reached else person.created_at
            )
            findings.append(
                Finding(
                    person.pk,
                    organisation_id,
                    Alert.Rule.NO_CONTACT,
                    f"no-contact:{person.pk}:{since.isoformat()}",
                    {"since": since.isoformat(), "reached": reached},
                )
            )
    return findings


def missed_groups(today, settings_by_org):
    findings = []
    longest = max(s.missed_in_a_row for s in settings_by_org.values())
    recent = (
        Attendance.objects.filter(
            membership__regular=True,
            membership__ended_on__isnull=True,
            membership__person__status=Person.Status.ACTIVE,
            membership__person__organisation_id__in=settings_by_org,
            on__lte=today,
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("membership_id")],
                order_by=[F("on").desc(), F("pk").desc()],
            )
        )
        .filter(newest__lte=longest)
        .values_list(
            "membership_id",
            "membership__person_id",
            "membership__person__organisation_id",
            "membership__name",
            "on",
            "attended",
            "newest",
        )
    )
    by_membership = {}
    for row in recent:
        by_membership.setdefault(row[0], []).append(row)
    for membership_id, rows in by_membership.items():
        rows.sort(key=lambda row: row[6])
        _id, person_id, organisation_id, name, last_on, _went, _n = rows[0]
        needed = settings_by_org[organisation_id].missed_in_a_row
        latest = rows[:needed]
        if len(latest) == needed and not any(row[5] for row in latest):
            findings.append(
                Finding(
                    person_id,
                    organisation_id,
                    Alert.Rule.MISSED_GROUP,
                    f"missed-group:{membership_id}:{last_on.isoformat()}",
                    {"count": needed, "group": name, "last": last_on.isoformat()},
                )
            )
    return findings


def worrying_check_ins(today, settings_by_org):
    wanted = [pk for pk, s in settings_by_org.items() if s.worrying_check_in]
    since = start_of(today) - CHECK_INS_WITHIN
    check_ins = Assessment.objects.submitted().filter(
        instrument__key=CHECK_IN_INSTRUMENT,
        submitted_at__gte=since,
        person__organisation_id__in=wanted,
        person__status=Person.Status.ACTIVE,
    )
    findings = []
    for pk, person_id, organisation_id, scores, submitted in check_ins.values_list(
        "pk", "person_id", "person__organisation_id", "scores", "submitted_at"
    ):
        if WORRYING_ANSWER in (scores or {}).get("barriers", []):
            findings.append(
                Finding(
                    person_id,
                    organisation_id,
                    Alert.Rule.WORRYING_CHECK_IN,
                    f"check-in:{pk}",
                    {"on": timezone.localdate(submitted).isoformat()},
                )
            )
    return findings


def unreached_check_ups(today, settings_by_org):
    findings = []
    for organisation_id, settings in settings_by_org.items():
        late = today - datetime.timedelta(days=settings.check_up_grace_days)
        check_ups = CheckUp.objects.filter(
            episode__organisation_id=organisation_id
        ).filter(
            Q(done_on__isnull=True, due_on__lt=late)
            | Q(outcome=CheckUp.Outcome.NOT_REACHED)
        )
        for pk, person_id, months, due_on in check_ups.values_list(
            "pk", "episode__person_id", "months", "due_on"
        ):
            findings.append(
                Finding(
                    person_id,
                    organisation_id,
                    Alert.Rule.CHECK_UP_NOT_REACHED,
                    f"check-up:{pk}",
                    {"months": months, "due": due_on.isoformat()},
                )
            )
    return findings


RULES = [not_in_touch, missed_groups, worrying_check_ins, unreached_check_ups]


# Raising.


def raise_alerts(findings, *, now):
    """An alert for each finding not already raised; returns the new ones."""
    keys = {(f.organisation_id, f.key) for f in findings}
    known = set(
        Alert.objects.filter(
            organisation_id__in={org for org, _key in keys},
            key__in={key for _org, key in keys},
        ).values_list("organisation_id", "key")
    )
    raised = []
    for finding in findings:
        if (finding.organisation_id, finding.key) in known:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    person_id=finding.person_id,
                    organisation_id=finding.organisation_id,
                    rule=finding.rule,
                    key=finding.key,
                    facts=finding.facts,
                    raised_at=now,
                )
                record(
                    AuditEvent.Action.CREATE,
                    by=None,
                    record=alert,
                    person=alert.person,
                    summary=f"Alert raised: {alert.describe()}"[:200],
                )
        except IntegrityError:
            # Another run raised it a moment ago.
            continue
        known.add((finding.organisation_id, finding.key))
        raised.append(alert)
    return raised


def run(today=None):
    """Schedule missing check-ups and raise new alerts. Returns counts."""
    today = today or timezone.localdate()
    now = timezone.now()
    settings_by_org = {
        organisation.pk: EngagementSettings.for_organisation(organisation.pk)
        for organisation in Organisation.objects.all()
    }
    counts = Counter()
    if not settings_by_org:
        return counts
    with audit_context(source="alerts"):
        counts["check-up"] = _schedule_all(settings_by_org)
        findings = [f for rule in RULES for f in rule(today, settings_by_org)]
        for alert in raise_alerts(findings, now=now):
            counts[alert.rule] += 1
    counts["seen"] = len(findings)
    return counts
