"""Finding help in an area's directory.

Filters that the database can answer (words, needs, taxonomy terms,
pathway, language, accessibility, kind) narrow the listings in SQL. What
only Python can answer — when each service next meets, and how far away it
is — is worked out for the remaining candidates from two narrow queries
(their schedules and their coordinates), so the number of queries stays the
same however large the directory grows. Only the page of results shown is
then loaded in full.
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.directory import places, schedules
from caremap.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Language,
    Listing,
    ListingTag,
    Relationship,
    Schedule,
    ServiceAtLocation,
    TaxonomyTerm,
)
from caremap.forms import Form as GovukForm

PAGE_SIZE = 20
KM_PER_UNIT = {"mi": places.KM_PER_MILE, "km": 1.0}
DISTANCES = (1, 2, 5, 10, 25)


class SearchForm(GovukForm):
    # Every filter is optional; saying so beside each would only be noise.
    all_optional = True

    q = forms.CharField(
        label=_("Words to look for"),
        help_text=_("For example, a service's name, 'walking' or 'debt'."),
        required=False,
        max_length=200,
    )
    need = forms.ChoiceField(label=_("What help is needed"), required=False)
    near = forms.CharField(
        label=_("Near"),
        help_text=_("A postcode or ZIP code, a town, or a latitude and longitude."),
        required=False,
        max_length=100,
    )
    within = forms.TypedChoiceField(
        label=_("Within"), required=False, coerce=int, empty_value=None
    )
    when = forms.ChoiceField(
        label=_("When it meets"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("today", _("Today")),
            ("week", _("In the next 7 days")),
        ],
    )
    pathway = forms.ChoiceField(label=_("Suits this recovery pathway"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Kind of service"), required=False)
    peer_led = forms.BooleanField(
        label=_("Only groups run by people with lived experience"), required=False
    )
    accessible = forms.BooleanField(
        label=_("Only venues with access information"), required=False
    )
    works_with_us = forms.BooleanField(
        label=_("Only services our organisation works with"), required=False
    )

    def __init__(
        self, *args, vocabulary, unit="mi", languages=(), terms=(), staff=False, **kw
    ):
        super().__init__(*args, **kw)
        self.unit = unit
        needs = [
            (
                _("Recovery-capital domains"),
                _prefixed("domain", vocabulary.domains),
            ),
            (_("Unmet needs"), _prefixed("need", vocabulary.needs)),
        ]
        if terms:
            needs.append(
                (_("Categories"), [(f"term:{pk}", name) for pk, name in terms])
            )
        self.fields["need"].choices = [("", _("Any"))] + needs
        unit_label = _("miles") if unit == "mi" else _("km")
        self.fields["within"].choices = [("", _("Any distance"))] + [
            (d, f"{d} {unit_label}") for d in DISTANCES
        ]
        self.fields["pathway"].choices = [("", _("Any"))] + vocabulary.pathways
        self.fields["language"].choices = [("", _("Any"))] + list(languages)
        self.fields["kind"].choices = [("", _("Any"))] + list(Listing.Kind.choices)
        if not staff:
            del self.fields["works_with_us"]

    def clean(self):
        data = super().clean()
        near = (data.get("near") or "").strip()
        data["point"] = None
        if near:
            point = places.locate(near)
            if point is None:
                self.add_error(
                    "near",
                    _(
                        "We could not find “%(place)s”. Try a full postcode, a "
                        "town in the area, or a latitude and longitude such as "
                        "51.70, -3.40."
                    )
                    % {"place": near},
                )
            data["point"] = point
        elif data.get("within"):
            self.add_error(
                "near",
                _("Enter a postcode, town or place to search within a distance."),
            )
        return data


def _prefixed(kind, choices):
    return [(f"{kind}:{value}", title) for value, title in choices]


@dataclass
class Result:
    listing: Listing
    next_meeting: schedules.Meeting | None = None
    distance: float | None = None  # in the search's unit
    works_with_us: bool = False
    nearest_location: str | None = None


@dataclass
class Search:
    results: list[Result]
    total: int
    unit: str
    point: places.Point | None
    page: int = 1


def language_choices(area):
    """Languages the area's services offer, by code, English and Welsh first."""
    rows = (
        Language.objects.filter(service__listing__area=area, code__isnull=False)
        .values_list("code", "name")
        .distinct()
    )
    names = {}
    for code, name in rows:
        names.setdefault(code.lower(), name or code)
    order = {"en": 0, "cy": 1}
    return sorted(names.items(), key=lambda item: (order.get(item[0], 2), item[1]))


# Attributes are matched by `link_id` alone: ids are unique across HSDS
# tables, and published data does not always fill `link_entity` in properly.
def term_choices(area):
    return list(
        TaxonomyTerm.objects.filter(
            Exists(
                Attribute.objects.filter(
                    taxonomy_term=OuterRef("pk"),
                    link_id__in=Listing.objects.filter(area=area).values("service_id"),
                )
            )
        )
        .order_by("name")
        .values_list("pk", "name")
    )


def _filtered(area, data, organisation_ids, today):
    listings = Listing.objects.filter(area=area).findable(today)
    words = (data.get("q") or "").strip()
    for word in words.split()[:8]:
        listings = listings.filter(
            Q(service__name__icontains=word)
            | Q(service__description__icontains=word)
            | Q(service__organization__name__icontains=word)
            | Q(service__alternate_name__icontains=word)
            | Exists(
                Address.objects.filter(
                    location__service_at_locations__service_id=OuterRef("service_id")
                ).filter(Q(city__icontains=word) | Q(postal_code__icontains=word))
            )
        )
    need = data.get("need") or ""
    if ":" in need:
        kind, value = need.split(":", 1)
        if kind == "term":
            listings = listings.filter(
                Exists(
                    Attribute.objects.filter(
                        link_id=OuterRef("service_id"),
                        taxonomy_term_id=value,
                    )
                )
            )
        else:
            listings = listings.filter(
                Exists(
                    ListingTag.objects.filter(
                        listing=OuterRef("pk"), kind=kind, value=value
                    )
                )
            )
    if data.get("pathway"):
        listings = listings.filter(
            Exists(
                ListingTag.objects.filter(
                    listing=OuterRef("pk"),
                    kind=ListingTag.Kind.PATHWAY,
                    value=data["pathway"],
                )
            )
        )
    if data.get("language"):
        listings = listings.filter(
            Exists(
                Language.objects.filter(
                    service_id=OuterRef("service_id"), code__iexact=data["language"]
                )
            )
        )
    if data.get("accessible"):
        listings = listings.filter(
            Exists(
                Accessibility.objects.filter(
                    location__service_at_locations__service_id=OuterRef("service_id")
                )
            )
        )
    if data.get("kind"):
        listings = listings.filter(kind=data["kind"])
    if data.get("peer_led"):
        listings = listings.filter(peer_led=True)
    if data.get("works_with_us"):
        listings = listings.filter(
            Exists(
                Relationship.objects.filter(
                    listing=OuterRef("pk"), organisation_id__in=organisation_ids
                )
            )
        )
    return listings


def run(area, data, *, page=1, organisation_ids=(), now=None, unit="mi"):
    """Search `area` with a valid form's cleaned data. Returns the page of
    results and the total."""
    now = timezone.localtime(now or timezone.now())
    tz = timezone.get_current_timezone()
    today = now.date()
    listings = _filtered(area, data, organisation_ids, today)
    candidates = list(listings.values_list("pk", "service_id", "service__name"))
    by_service = {service_id: pk for pk, service_id, _name in candidates}
    names = {pk: name.casefold() for pk, _sid, name in candidates}

    ours = (
        set(
            Relationship.objects.filter(
                listing__in=listings, organisation_id__in=organisation_ids
            ).values_list("listing_id", flat=True)
        )
        if organisation_ids
        else set()
    )

    when = data.get("when")
    point = data.get("point")
    within = data.get("within")

    # Next meetings for every candidate only when the search is about when;
    # otherwise only the page shown needs them.
    meetings = {}
    if when and candidates:
        if when == "today":
            end = datetime.datetime.combine(
                today + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
            )
        else:
            end = now + datetime.timedelta(days=7)
        meetings = next_meetings(listings, by_service, now, end)

    distances, nearest = {}, {}
    if point and candidates:
        distances, nearest = distances_from(point, listings, by_service, unit)

    keep = []
    for pk, _service_id, _name in candidates:
        if when and pk not in meetings:
            continue
        # Without a distance limit, services with no place (by phone,
        # online) stay in the list, after the ones with a distance.
        if point and within and (pk not in distances or distances[pk] > within):
            continue
        keep.append(pk)

    far = float("inf")
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)

    def soonest(pk):
        meeting = meetings.get(pk)
        return meeting.start if meeting else never

    if point:
        keep.sort(key=lambda pk: (distances.get(pk, far), names[pk]))
    elif when:
        keep.sort(key=lambda pk: (soonest(pk), names[pk]))
    else:
        keep.sort(key=lambda pk: (pk not in ours, names[pk]))

    # Past the last page shows the last page, as the paginator does.
    page = max(1, min(page, -(-len(keep) // PAGE_SIZE)))
    start = (page - 1) * PAGE_SIZE
    shown = keep[start : start + PAGE_SIZE]
    loaded = {
        listing.pk: listing
        for listing in detailed(Listing.objects.filter(pk__in=shown))
    }
    results = [
        Result(
            listing=loaded[pk],
            next_meeting=meetings.get(pk),
            distance=distances.get(pk),
            works_with_us=pk in ours,
            nearest_location=nearest.get(pk),
        )
        for pk in shown
    ]
    if not when:
        _add_meetings(results, now, tz)
    return Search(results=results, total=len(keep), unit=unit, point=point, page=page)


def next_meetings(listings, by_service, now, end, *, only=None):
    """{listing pk: its next meeting before `end`} for the `listings`
    queryset, in two queries; `by_service` maps service id to listing pk.
    With `only` (listing pks), the others' meetings are not worked out."""
    tz = timezone.get_current_timezone()
    meetings = {}
    # Many services keep the same timetable (every Tuesday at 19:00), and
    # working out a meeting costs far more than comparing rows.
    known = {}
    for service_id, service_schedules in _schedules_by_service(listings).items():
        pk = by_service.get(service_id)
        if pk is None or (only is not None and pk not in only):
            continue
        timetable = tuple(map(_schedule_fields, service_schedules))
        if timetable not in known:
            known[timetable] = schedules.next_meeting(
                service_schedules, now, tz, horizon=end - now
            )
        found = known[timetable]
        if found and found.start < end:
            meetings[pk] = found
    return meetings


def _schedules_by_service(listings):
    """{service id: its schedule rows} for the `listings` queryset."""
    grouped: dict[str, list] = {}
    for row in Schedule.objects.filter(
        Q(service__listing__in=listings)
        | Q(service_at_location__service__listing__in=listings)
    ).values("service_id", "service_at_location__service_id", *SCHEDULE_FIELDS):
        owner = row["service_id"] or row["service_at_location__service_id"]
        grouped.setdefault(owner, []).append(row)
    # A location's own opening times apply to every service held there.
    for row in Schedule.objects.filter(
        location__service_at_locations__service__listing__in=listings
    ).values("location__service_at_locations__service_id", *SCHEDULE_FIELDS):
        owner = row["location__service_at_locations__service_id"]
        grouped.setdefault(owner, []).append(row)
    return grouped


def distances_from(point, listings, by_service, unit):
    """({listing pk: distance in `unit` to its nearest place}, {listing pk:
    that location's id}) for the `listings` queryset, in one query."""
    distances, nearest = {}, {}
    located = ServiceAtLocation.objects.filter(
        service__listing__in=listings,
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    ).values_list(
        "service_id", "location_id", "location__latitude", "location__longitude"
    )
    for service_id, location_id, lat, lon in located:
        distance = places.distance_km(point, places.Point(lat, lon)) / KM_PER_UNIT[unit]
        pk = by_service[service_id]
        if pk not in distances or distance < distances[pk]:
            distances[pk] = distance
            nearest[pk] = location_id
    return distances, nearest


SCHEDULE_FIELDS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "dtstart",
    "until",
    "count",
    "wkst",
    "valid_from",
    "valid_to",
    "opens_at",
    "closes_at",
)
_schedule_fields = operator.itemgetter(*SCHEDULE_FIELDS)


def detailed(listings):
    """Listings with everything a result or a service page shows, in a fixed
    number of queries."""
    return listings.select_related(
        "service__organization", "last_checked_by", "area__directory"
    ).prefetch_related(
        "tags",
        "service__phones",
        "service__cost_options",
        "service__languages",
        "service__schedules",
        Prefetch(
            "service__service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by(
                "id"
            ),
        ),
        "service__service_at_locations__schedules",
        "service__service_at_locations__location__addresss",
        "service__service_at_locations__location__accessibilitys",
        "service__service_at_locations__location__schedules",
    )


def all_schedules(service):
    """A service's schedules: its own, those for it at each location, and
    each location's own opening times, from prefetched rows."""
    found = list(service.schedules.all())
    for at_location in service.service_at_locations.all():
        found.extend(at_location.schedules.all())
        if at_location.location is not None:
            found.extend(at_location.location.schedules.all())
    return found


def _add_meetings(results, now, tz):
    for result in results:
        result.next_meeting = schedules.next_meeting(
            all_schedules(result.listing.service), now, tz
        )


def distance_unit():
    return settings.DIRECTORY_DISTANCE_UNIT
