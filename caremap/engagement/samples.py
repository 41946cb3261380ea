"""Made-up contacts, check-ups and check-ins for the demo: most people in
regular touch, some drifting away, check-ups after exits at different
stages. Recorded through the same actions the pages use."""

import datetime

from django.utils import timezone

from caremap.engagement import actions, alerting
from caremap.engagement.models import CheckUp

DAY = datetime.timedelta(days=1)
METHODS = ["in_person", "phone", "in_person", "video", "text", "group"]


def _at(day, hour=11):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def contacts(person, *, by, since, last, number, drifting=False):
    """Contacts about weekly from `since` to `last`; someone drifting away
    was last reached over a month ago and has not answered since."""
    made = 0
    day = since
    if drifting:
        last = last - (32 + number % 8) * DAY
    while day <= last:
        actions.record_contact(
            person,
            by=by,
            happened_at=_at(day),
            method=METHODS[(number + made) % len(METHODS)],
            outcome="reached",
            minutes=20 + 10 * ((number + made) % 4),
        )
        made += 1
        day += (6 + (number + made) % 3) * DAY
    if drifting:
        for attempt in range(2 + number % 2):
            actions.record_contact(
                person,
                by=by,
                happened_at=_at(last + (9 + 7 * attempt) * DAY, 15),
                method="phone",
                outcome="no_answer",
            )
            made += 1
    return made


def check_ups(episode, *, by, today):
    """Check-ups for a completed exit: the ones due long enough ago done
    (mostly well), except that every third person's latest was missed, so
    an alert follows."""
    alerting.schedule_check_ups(episode)
    done = 0
    due = list(episode.check_ups.filter(due_on__lte=today).order_by("due_on"))
    for index, check_up in enumerate(due):
        missed = index == len(due) - 1 and episode.pk % 3 == 0
        if missed:
            continue
        outcome = (
            CheckUp.Outcome.STRUGGLING
            if (episode.pk + index) % 4 == 0
            else CheckUp.Outcome.DOING_WELL
        )
        actions.record_check_up(
            check_up,
            by=by,
            done_on=min(check_up.due_on + 3 * DAY, today),
            outcome=outcome,
        )
        done += 1
    return done


def groups(person, *, by, area_id, number, today):
    """A weekly mutual-aid or peer-led group for the person, with the last
    eight weeks' sessions; every fourth person missed the last two."""
    from caremap.directory.models import Listing

    listings = list(
        Listing.objects.in_area(area_id)
        .findable(today)
        .filter(kind__in=[Listing.Kind.MUTUAL_AID, Listing.Kind.PEER_LED])
        .select_related("service")
        .order_by("pk")
    )
    if not listings:
        return 0
    service = listings[number % len(listings)].service
    started = today - 70 * DAY
    membership = actions.add_group_membership(
        person,
        by=by,
        service=service,
        on_register=number % 2 == 0,
        started_on=started,
        today=started,
    )
    missing = number % 4 == 1
    made = 0
    for week in range(8, 0, -1):
        on = today - (7 * week - 3) * DAY
        went = not (missing and week <= 2) and (number + week) % 5 != 0
        actions.record_attendance(
            membership, on=on, attended=went, source="self", by=by
        )
        made += 1
    return made
