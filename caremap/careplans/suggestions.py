"""Suggested goals for an assessment, with the local resources that could
help with each: the pivot (`pivot.py`, pure) joined to the database and the
community directory.

Resources for a suggestion are the area's running services tagged with the
template's needs or domains, or of its kinds. Those the person's
organisation works with come first, then the nearest to the person's
postcode (when the gazetteer knows it), then the soonest to meet. The whole
page costs a fixed number of queries however big the directory is.
"""

from __future__ import annotations

import datetime
import heapq
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from caremap.careplans import pivot, sources, validation
from caremap.careplans.goals import TemplatePack
from caremap.directory import places
from caremap.directory.models import Listing, ListingTag, Relationship
from caremap.directory.presenting import distance_text
from caremap.directory.schedules import Meeting
from caremap.directory.search import distances_from, next_meetings

RESOURCES_PER_SUGGESTION = 3
# Far enough ahead to find a monthly meeting.
MEETINGS_WITHIN = datetime.timedelta(days=35)


@dataclass
class LocalResource:
    listing: Listing
    works_with_us: bool
    distance: float | None
    next_meeting: Meeting | None
    unit: str = "mi"

    @property
    def distance_text(self):
        return distance_text(self.distance, self.unit)


@dataclass
class Offer:
    suggestion: pivot.Suggestion
    resources: list[LocalResource] = field(default_factory=list)


# Parsed and checked packs by (file, its modification time, instrument
# version): checking is the slow part, and these change only on deploy.
_packs: dict[tuple, TemplatePack] = {}


def templates_for(version) -> list:
    """The shipped templates written for `version`'s instrument."""
    found = []
    for path in sources.shipped_paths():
        key = (str(path), path.stat().st_mtime_ns, version.checksum)
        if key not in _packs:
            data, problems = validation.read_file(path)
            if problems:
                raise validation.InvalidTemplates(problems)
            _packs[key] = (
                validation.load(data, str(path), version.instrument)
                if data.get("instrument") == version.key
                else None
            )
        if _packs[key] is not None:
            found.extend(_packs[key].templates)
    return found


def for_assessment(assessment, *, organisation_ids=(), now=None) -> list[Offer]:
    version = assessment.instrument
    instrument = version.instrument
    facts = pivot.facts_from(
        instrument, assessment.scores, assessment.answers, get_language()
    )
    offers = [Offer(s) for s in pivot.suggest(templates_for(version), facts)]
    person = assessment.person
    point = places.locate(person.postcode) if person.postcode else None
    _add_resources(
        offers,
        person.organisation.area,
        organisation_ids,
        point,
        now or timezone.now(),
    )
    return offers


def _add_resources(offers, area, organisation_ids, point, now):
    if not offers:
        return
    listings = _candidates(offers, area, now)
    rows = list(listings.values_list("pk", "service_id", "kind", "service__name"))
    if not rows:
        return
    by_service = {service_id: pk for pk, service_id, _kind, _name in rows}
    ours = set(
        Relationship.objects.filter(
            listing__in=listings, organisation_id__in=organisation_ids
        ).values_list("listing_id", flat=True)
    )
    unit = settings.DIRECTORY_DISTANCE_UNIT
    distances = distances_from(point, listings, by_service, unit)[0] if point else {}
    placed = {
        pk: (pk not in ours, distances.get(pk, float("inf")))
        for pk, _service_id, _kind, _name in rows
    }
    contenders = [_contenders(pks, placed) for pks in _matches(offers, rows, listings)]
    wanted = set().union(*contenders)
    meetings = next_meetings(
        listings, by_service, now, now + MEETINGS_WITHIN, only=wanted
    )
    names = {pk: name for pk, _service_id, _kind, name in rows}
    rank = _ranks(wanted, placed, meetings, names)
    chosen = [
        heapq.nsmallest(RESOURCES_PER_SUGGESTION, pks, key=rank.__getitem__)
        for pks in contenders
    ]
    loaded = {
        listing.pk: listing
        for listing in Listing.objects.filter(
            pk__in={pk for pks in chosen for pk in pks}
        ).select_related("service")
    }
    for offer, pks in zip(offers, chosen, strict=True):
        offer.resources = [
            LocalResource(
                listing=loaded[pk],
                works_with_us=pk in ours,
                distance=distances.get(pk),
                next_meeting=meetings.get(pk),
                unit=unit,
            )
            for pk in pks
        ]


def _candidates(offers, area, now):
    """The area's findable listings that could help with any of `offers`."""
    needs = {n for o in offers for n in o.suggestion.template.directory.needs}
    domains = {d for o in offers for d in o.suggestion.template.directory.domains}
    kinds = {k for o in offers for k in o.suggestion.template.directory.kinds}
    return (
        Listing.objects.in_area(area)
        .findable(timezone.localdate(now))
        .filter(
            Q(tags__kind=ListingTag.Kind.NEED, tags__value__in=needs)
            | Q(tags__kind=ListingTag.Kind.DOMAIN, tags__value__in=domains)
            | Q(kind__in=kinds)
        )
        .distinct()
    )


def _matches(offers, rows, listings):
    """For each offer, the pks of the candidate `rows` of one of its kinds or
    tagged with one of its needs or domains."""
    of_kind: dict[str, set] = {}
    for pk, _service_id, kind, _name in rows:
        of_kind.setdefault(kind, set()).add(pk)
    tagged: dict[tuple, set] = {}
    for listing_id, kind, value in ListingTag.objects.filter(
        listing__in=listings, kind__in=[ListingTag.Kind.NEED, ListingTag.Kind.DOMAIN]
    ).values_list("listing_id", "kind", "value"):
        tagged.setdefault((kind, value), set()).add(listing_id)
    matches = []
    for offer in offers:
        links = offer.suggestion.template.directory
        groups = [of_kind.get(kind, ()) for kind in links.kinds]
        groups += [tagged.get((ListingTag.Kind.NEED, n), ()) for n in links.needs]
        groups += [tagged.get((ListingTag.Kind.DOMAIN, d), ()) for d in links.domains]
        matches.append(set().union(*groups))
    return matches


def _contenders(pks, placed):
    """Those of `pks` that could be among the first RESOURCES_PER_SUGGESTION.

    Working with us and distance come before the next meeting in the
    ranking, so only candidates placed no worse than the last of the first
    few need their meetings worked out: with a postcode, that is usually
    just the nearest few.
    """
    best = heapq.nsmallest(RESOURCES_PER_SUGGESTION, (placed[pk] for pk in pks))
    return [pk for pk in pks if best and placed[pk] <= best[-1]]


def _ranks(pks, placed, meetings, names):
    """Sort keys for `pks`: those we work with, then the nearest, then the
    soonest to meet, then by name."""
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return {
        pk: (
            *placed[pk],
            meetings[pk].start if pk in meetings else never,
            names[pk].casefold(),
            pk,
        )
        for pk in pks
    }
