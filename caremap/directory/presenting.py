"""A directory entry as people read it: when it next meets, where it is and
how to get there, what it costs and how to get in touch. Built from
prefetched rows, so showing a page of entries costs no further queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.directory import schedules
from caremap.directory.models import Listing, ListingTag
from caremap.directory.search import Result, all_schedules


def distance_text(distance, unit):
    """ "1.2 miles away", or "" when there is no distance."""
    if distance is None:
        return ""
    if unit == "mi":
        return _("%(distance).1f miles away") % {"distance": distance}
    return _("%(distance).1f km away") % {"distance": distance}


CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@dataclass
class Address:
    lines: list[str]
    accessibility: list[str]
    map_url: str | None
    name: str | None


@dataclass
class Entry:
    listing: Listing
    next_meeting: schedules.Meeting | None
    distance: float | None
    unit: str
    works_with_us: bool
    nearest_location: str | None
    titles: dict = field(repr=False)

    @classmethod
    def from_result(cls, result: Result, *, unit, titles):
        return cls(
            listing=result.listing,
            next_meeting=result.next_meeting,
            distance=result.distance,
            unit=unit,
            works_with_us=result.works_with_us,
            nearest_location=result.nearest_location,
            titles=titles,
        )

    @classmethod
    def for_listing(cls, listing, *, unit, titles, now, works_with_us=False):
        return cls(
            listing=listing,
            next_meeting=schedules.next_meeting(
                all_schedules(listing.service),
                now,
                timezone.get_current_timezone(),
            ),
            distance=None,
            unit=unit,
            works_with_us=works_with_us,
            nearest_location=None,
            titles=titles,
        )

    @property
    def service(self):
        return self.listing.service

    @property
    def meeting_in_progress(self):
        meeting = self.next_meeting
        return bool(meeting and not meeting.all_day and meeting.start <= timezone.now())

    @property
    def schedule_descriptions(self):
        return [s.description for s in all_schedules(self.service) if s.description]

    def upcoming(self, now, count=4):
        """The next few meetings, for a service's page."""
        found = schedules.meetings_between(
            all_schedules(self.service),
            now,
            now + datetime.timedelta(days=62),
            timezone.get_current_timezone(),
        )
        return found[:count]

    @property
    def distance_text(self):
        return distance_text(self.distance, self.unit)

    @property
    def addresses(self) -> list[Address]:
        """Each place the service runs, the nearest to the search first."""
        at_locations = list(self.service.service_at_locations.all())
        if self.nearest_location:
            at_locations.sort(key=lambda s: s.location_id != self.nearest_location)
        found = []
        for at_location in at_locations:
            location = at_location.location
            if location is None:
                continue
            lines = []
            for address in location.addresss.all():
                lines += [
                    part
                    for part in (
                        address.address_1,
                        address.address_2,
                        address.city,
                        address.postal_code,
                    )
                    if part
                ]
            map_url = None
            if location.latitude is not None and location.longitude is not None:
                map_url = "https://www.openstreetmap.org/?" + urlencode(
                    {
                        "mlat": f"{location.latitude:.5f}",
                        "mlon": f"{location.longitude:.5f}",
                        "zoom": 17,
                    }
                )
            found.append(
                Address(
                    lines=lines,
                    accessibility=[
                        a.description or a.details
                        for a in location.accessibilitys.all()
                        if a.description or a.details
                    ],
                    map_url=map_url,
                    name=location.name,
                )
            )
        return found

    @property
    def address(self) -> Address | None:
        found = self.addresses
        return found[0] if found else None

    @property
    def costs(self) -> list[str]:
        texts = []
        for option in self.service.cost_options.all():
            if option.amount:
                currency = (option.currency or "").upper()
                symbol = CURRENCY_SYMBOLS.get(currency)
                amount = (
                    f"{symbol}{option.amount:,.2f}"
                    if symbol
                    else f"{option.amount:,.2f} {currency}".strip()
                )
                text = f"{option.option or ''} {amount}".strip()
            elif option.amount == 0:
                text = _("Free")
            else:
                text = option.option or ""
            note = (option.amount_description or "").strip()
            if note:
                # A note usually says it all ("Free. Members may…"); the
                # label goes first only when the note does not repeat it.
                text = (
                    note
                    if not text or note.casefold().startswith(text.casefold())
                    else f"{text}. {note}"
                )
            if text:
                texts.append(text)
        return texts

    @property
    def free(self) -> bool:
        options = list(self.service.cost_options.all())
        return bool(options) and all(o.amount == 0 for o in options)

    @property
    def phones(self):
        return list(self.service.phones.all())

    @property
    def languages(self):
        return [
            language.name or language.code for language in self.service.languages.all()
        ]

    def tags_of(self, kind):
        return [
            self.titles.get((kind, tag.value), tag.value)
            for tag in self.listing.tags.all()
            if tag.kind == kind
        ]

    @property
    def domains(self):
        return self.tags_of(ListingTag.Kind.DOMAIN)

    @property
    def needs(self):
        return self.tags_of(ListingTag.Kind.NEED)

    @property
    def pathways(self):
        return self.tags_of(ListingTag.Kind.PATHWAY)
