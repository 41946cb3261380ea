"""Audited changes to the directory. Views, commands and tests all call these."""

import secrets
import uuid

from django.conf.locale import LANG_INFO
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caremap.directory import demo, importing
from caremap.directory.models import (
    Accessibility,
    Address,
    ApiToken,
    AreaDirectory,
    CostOption,
    Editor,
    Language,
    Listing,
    ListingTag,
    Location,
    Organization,
    Phone,
    Place,
    Relationship,
    Schedule,
    Service,
    ServiceAtLocation,
)
from caremap.directory.places import normalise
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


@transaction.atomic
def import_directory(
    *, document=None, rows=None, source, by=None, area=None, skip_invalid=False
):
    """Import an HSDS document (or tabular rows) and, with `area`, list every
    imported service in that area's directory (services already listed keep
    their listing). All or nothing: a report with problems saves nothing."""
    if (document is None) == (rows is None):
        raise ValueError("Give either document or rows.")
    if document is not None:
        report = importing.import_document(
            document, source=source, skip_invalid=skip_invalid
        )
    else:
        report = importing.import_rows(rows, source=source, skip_invalid=skip_invalid)
    if not report.ok:
        return report
    listed = 0
    if area is not None and report.service_ids:
        already = set(
            Listing.objects.filter(service_id__in=report.service_ids).values_list(
                "service_id", flat=True
            )
        )
        new = [
            Listing(service_id=service_id, area=area)
            for service_id in report.service_ids
            if service_id not in already
        ]
        Listing.objects.bulk_create(new)
        listed = len(new)
    if report.saved:
        summary = f"Imported {report.saved} directory rows from {source}"
        if report.skipped:
            summary += f", skipped {len(report.skipped)}"
        if listed:
            summary += f", listed {listed} services in {area}"
        record(
            AuditEvent.Action.UPDATE, by=by, record_type="directory", summary=summary
        )
    report.listed = listed
    return report


def mark_checked(listing, *, by, now=None):
    """Record that `by` has checked the listing is still right."""
    listing.last_checked_at = now or timezone.now()
    listing.last_checked_by = by
    listing.save(update_fields=["last_checked_at", "last_checked_by"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=listing,
        summary=f"Checked directory entry {listing.service.name}",
    )


@transaction.atomic
def load_demo_directory(area, *, relationships=(), by=None, checked_by=None):
    """Load the made-up Afon Valley directory into `area`: HSDS services,
    their listings and tags, and `relationships` (organisation, service name)
    pairs. Safe to run again: entries are updated, not duplicated."""
    report = import_directory(
        document=demo.demo_document(), source="demo directory", by=by, area=area
    )
    if not report.ok:  # pragma: no cover - the demo data is tested to import
        raise ValueError("; ".join(str(p) for p in report.problems))
    facts = demo.demo_listings()
    listings = {
        listing.service_id: listing
        for listing in Listing.objects.filter(service_id__in=facts)
    }
    now = timezone.now()
    tags = []
    for index, (service_id, fact) in enumerate(facts.items()):
        listing = listings[service_id]
        listing.area = area
        listing.kind = fact["kind"]
        listing.peer_led = fact["peer_led"]
        listing.independent = fact["independent"]
        listing.started_on = fact["started_on"]
        listing.ended_on = fact["ended_on"]
        # Most entries were checked recently; every seventh is overdue, so
        # the review list has something to show.
        days_ago = 240 + index if index % 7 == 3 else 5 + 3 * index
        listing.last_checked_at = now - timezone.timedelta(days=days_ago)
        listing.last_checked_by = checked_by
        for kind, values in fact["tags"].items():
            tags += [ListingTag(listing=listing, kind=kind, value=v) for v in values]
    Listing.objects.bulk_update(
        listings.values(),
        [
            "area",
            "kind",
            "peer_led",
            "independent",
            "started_on",
            "ended_on",
            "last_checked_at",
            "last_checked_by",
        ],
    )
    ListingTag.objects.filter(listing__in=listings.values()).delete()
    ListingTag.objects.bulk_create(tags)
    for organisation, service_name in relationships:
        Relationship.objects.get_or_create(
            organisation=organisation,
            listing=listings[demo.service_id_for(service_name)],
        )
    return Service.objects.filter(pk__in=facts).count()


@transaction.atomic
def load_places(rows, *, source, by=None):
    """Add or update gazetteer places from rows with name, latitude,
    longitude and optionally kind and key (the key defaults to the name,
    normalised). Returns (added, updated)."""
    places = {}
    for row in rows:
        key = row.get("key") or normalise(row["name"])
        places[key] = Place(
            key=key,
            name=row["name"],
            kind=row.get("kind") or Place.Kind.PLACE,
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
        )
    before = set(Place.objects.filter(key__in=places).values_list("key", flat=True))
    Place.objects.bulk_create(
        places.values(),
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["name", "kind", "latitude", "longitude"],
    )
    added, updated = len(set(places) - before), len(before)
    if places:
        record(
            AuditEvent.Action.UPDATE,
            by=by,
            record_type="directory.place",
            summary=f"Loaded {len(places)} places from {source}",
        )
    return added, updated


# Keeping an area's directory: editors, settings and API tokens ----------


class AlreadyAnEditor(ValueError):
    pass


def appoint_editor(area, user, *, by):
    """Make `user` an editor of `area`'s directory. Raises AlreadyAnEditor
    rather than silently keeping the first appointment, so the commissioner
    learns nothing changed."""
    if Editor.objects.filter(area=area, user=user).exists():
        raise AlreadyAnEditor(f"{user} already edits the directory for {area}")
    editor = Editor.objects.create(area=area, user=user, appointed_by=by)
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=editor,
        summary=f"Appointed {user.email} to edit the directory for {area}",
    )
    return editor


def remove_editor(editor, *, by):
    # The event is written first because it needs the row's id.
    record(
        AuditEvent.Action.DELETE,
        by=by,
        record=editor,
        summary=f"Removed {editor.user.email} as an editor of the directory "
        f"for {editor.area}",
    )
    editor.delete()


@transaction.atomic
def save_directory_settings(area, *, public, review_after_days, by):
    """Save an area's directory settings, creating them on first use (an
    area without a row uses the defaults)."""
    settings, created = AreaDirectory.objects.select_for_update().get_or_create(
        area=area
    )
    before = {
        "public": settings.public,
        "review_after_days": settings.review_after_days,
    }
    settings.public = public
    settings.review_after_days = review_after_days
    settings.save()
    after = {"public": public, "review_after_days": review_after_days}
    changes = {
        name: [before[name], after[name]]
        for name in after
        if created or before[name] != after[name]
    }
    record(
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        by=by,
        record=settings,
        summary=f"Saved directory settings for {area}",
        changes=changes,
    )
    return settings


def create_api_token(area, *, name, by):
    """A new HSDS API token for `area`. Returns (ApiToken, token): the token
    itself exists only in the return value, because only its hash is
    stored."""
    token = secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        area=area, name=name, token_hash=ApiToken.hash(token), created_by=by
    )
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=api_token,
        summary=f"Created HSDS API token {name!r} for {area}",
    )
    return api_token, token


def revoke_api_token(api_token, *, by, now=None):
    """Stop a token working. Revoking twice keeps the first time."""
    if api_token.revoked_at is not None:
        return api_token
    api_token.revoked_at = now or timezone.now()
    api_token.save(update_fields=["revoked_at"])
    record(
        AuditEvent.Action.UPDATE,
        by=by,
        record=api_token,
        summary=f"Revoked HSDS API token {api_token.name!r} for {api_token.area}",
    )
    return api_token


# The directory keeper's page: adding and editing one entry at a time ------


def describe_schedule(freq, interval, byday, opens_at, closes_at, note=None):
    """A regular opening time in words, in the active language, for example
    "Every Tuesday, 19:30 to 21:00"."""
    day_names = {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }
    # Whole sentences per week, not an ordinal slotted in: other languages
    # place and inflect ordinals differently.
    monthly_patterns = {
        "1": _("The first %(days)s of the month"),
        "2": _("The second %(days)s of the month"),
        "3": _("The third %(days)s of the month"),
        "4": _("The fourth %(days)s of the month"),
        "-1": _("The last %(days)s of the month"),
    }
    parts = [p for p in (byday or "").split(",") if p]
    names = [day_names.get(p[-2:], p[-2:]) for p in parts]
    if len(names) > 1:
        days = _("%(first)s and %(last)s") % {
            "first": ", ".join(names[:-1]),
            "last": names[-1],
        }
    else:
        days = names[0] if names else ""
    if freq == "MONTHLY":
        week = parts[0][:-2] if parts else ""
        pattern = monthly_patterns.get(week, _("Monthly on %(days)s"))
        when = pattern % {"days": days}
    elif interval and int(interval) == 2:
        when = _("Every other %(days)s") % {"days": days}
    else:
        when = _("Every %(days)s") % {"days": days}
    text = _("%(when)s, %(opens)s to %(closes)s") % {
        "when": when,
        "opens": opens_at,
        "closes": closes_at,
    }
    if note:
        text = _("%(text)s. %(note)s") % {"text": text, "note": note}
    return text


def first_service_at_location(service):
    """The place the keeper's page edits: the service's first location by id.
    Sorted in Python so a prefetched set costs no query."""
    links = [s for s in service.service_at_locations.all() if s.location_id]
    return min(links, key=lambda s: s.id) if links else None


def _first(rows):
    rows = list(rows)
    return min(rows, key=lambda r: r.id) if rows else None


def _text(value):
    # HSDS tells "not given" (NULL) from "given as blank"; a blank box on the
    # page means not given.
    value = (value or "").strip() if isinstance(value, str) else value
    return value if value not in ("", None) else None


@transaction.atomic
def save_service(listing, data, *, by, area=None, now=None):
    """Add (listing None, in `area`) or change a directory entry from the
    keeper's page, as one audited change. Saving also marks the entry
    checked: whoever edits it has just read all of it.

    `data` holds the form's cleaned values (see `editing.service_data`):
    service fields, where it happens, `schedules` (HSDS rows, with `id` for
    existing ones) and `removed_schedules`, cost, languages, Caremap's facts,
    and `tags` / `works_with` as (chosen, offered) pairs, so only what the
    page offered is added or taken away."""

    def new_id():
        return str(uuid.uuid4())

    now = now or timezone.now()
    creating = listing is None

    if _text(data.get("new_organisation")):
        organization = Organization.objects.create(
            id=new_id(),
            name=_text(data["new_organisation"]),
            # HSDS requires an organisation description and the column is
            # NOT NULL; the keeper can write one later.
            description="",
        )
    else:
        organization = Organization.objects.get(pk=data["organisation"])

    service = Service(id=new_id()) if creating else listing.service
    service.organization = organization
    service.name = data["name"].strip()
    service.description = _text(data.get("description"))
    service.url = _text(data.get("url"))
    service.email = _text(data.get("email"))
    service.status = data["status"]
    service.eligibility_description = _text(data.get("eligibility"))
    service.alert = _text(data.get("alert"))
    service.last_modified = now.isoformat()
    service.save()

    if creating:
        listing = Listing(service=service, area=area)
    listing.kind = data["kind"]
    listing.peer_led = bool(data.get("peer_led"))
    listing.independent = bool(data.get("independent"))
    listing.started_on = data.get("started_on")
    listing.ended_on = data.get("ended_on")
    listing.last_checked_at = now
    listing.last_checked_by = by
    listing.save()

    # Phone: the first of the service's own numbers.
    phone = _first(service.phones.all()) if not creating else None
    number = _text(data.get("phone"))
    if number and phone:
        phone.number = number
        phone.save(update_fields=["number"])
    elif number:
        Phone.objects.create(id=new_id(), service=service, number=number, type="voice")
    elif phone:
        phone.delete()

    # Where.
    where = {
        key: _text(data.get(key))
        for key in ("venue", "address", "town", "postcode", "accessibility")
    }
    latitude, longitude = data.get("latitude"), data.get("longitude")
    given = any(where.values()) or latitude is not None
    link = None if creating else first_service_at_location(service)
    location = link.location if link else None
    if location is None and given:
        location = Location.objects.create(
            id=new_id(), location_type="physical", organization=organization
        )
        link = ServiceAtLocation.objects.create(
            id=new_id(), service=service, location=location
        )
    if location is not None:
        location.name = where["venue"]
        location.latitude = latitude
        location.longitude = longitude
        location.save(update_fields=["name", "latitude", "longitude"])
        address = _first(location.addresss.all())
        if where["address"]:
            if address is None:
                # Not asked on the page, but required by HSDS: Caremap
                # serves the UK, and a region can be added by import.
                address = Address(
                    id=new_id(),
                    location=location,
                    state_province="",
                    country="GB",
                    address_type="physical",
                )
            address.address_1 = where["address"]
            address.city = where["town"] or ""
            address.postal_code = where["postcode"] or ""
            address.save()
        elif address is not None:
            address.delete()
        access = _first(location.accessibilitys.all())
        if where["accessibility"] and access:
            access.description = where["accessibility"]
            access.save(update_fields=["description"])
        elif where["accessibility"]:
            Accessibility.objects.create(
                id=new_id(), location=location, description=where["accessibility"]
            )
        elif access:
            access.delete()

    # When. Rows hang off the place when there is one, as HSDS prefers.
    editable = {
        s.id: s
        for s in Schedule.objects.filter(service=service)
        | (
            Schedule.objects.filter(service_at_location=link)
            if link
            else Schedule.objects.none()
        )
    }
    Schedule.objects.filter(
        pk__in=[i for i in data.get("removed_schedules", ()) if i in editable]
    ).delete()
    for row in data.get("schedules", ()):
        schedule = editable.get(row.get("id") or "")
        if schedule is None:
            schedule = Schedule(id=new_id())
            if link:
                schedule.service_at_location = link
            else:
                schedule.service = service
        schedule.freq = row["freq"]
        schedule.interval = row["interval"]
        schedule.byday = row["byday"]
        schedule.opens_at = row["opens_at"]
        schedule.closes_at = row["closes_at"]
        schedule.notes = _text(row.get("note"))
        # HSDS holds one language per field, and the directory's data is
        # shared in English (other directories and the HSDS API read it), so
        # the stored words are English whatever language the keeper uses.
        # Pages build the same words in the reader's language from the rule.
        with translation.override("en"):
            schedule.description = describe_schedule(
                row["freq"],
                row["interval"],
                row["byday"],
                row["opens_at"],
                row["closes_at"],
                schedule.notes,
            )
        schedule.save()

    # Cost: the first cost option; any others (concessions) are left alone.
    cost = _first(service.cost_options.all()) if not creating else None
    if data.get("cost"):
        cost = cost or CostOption(id=new_id(), service=service)
        free = data["cost"] == "free"
        cost.option = "Free" if free else None
        cost.amount = 0 if free else float(data["amount"])
        cost.currency = "GBP"
        cost.amount_description = _text(data.get("cost_note"))
        cost.save()
    elif cost is not None:
        cost.delete()

    # Languages spoken at the service itself (not at a place or on a phone).
    # Rows without a code were imported by name only; the page cannot show
    # them, so it keeps them.
    wanted = list(dict.fromkeys(data.get("languages", [])))
    current = {
        row.code: row
        for row in service.languages.filter(
            location__isnull=True, phone__isnull=True, code__isnull=False
        )
    }
    Language.objects.filter(
        pk__in=[row.pk for code, row in current.items() if code not in wanted]
    ).delete()
    Language.objects.bulk_create(
        [
            Language(id=new_id(), service=service, code=code, name=_language_name(code))
            for code in wanted
            if code not in current
        ]
    )

    # Tags: only values the page offered change, so a tag from an older
    # instrument version survives an edit.
    existing = set(listing.tags.values_list("kind", "value")) if not creating else set()
    for kind, (chosen, offered) in data.get("tags", {}).items():
        chosen, offered = set(chosen), set(offered)
        ListingTag.objects.filter(
            listing=listing, kind=kind, value__in=offered - chosen
        ).delete()
        ListingTag.objects.bulk_create(
            [
                ListingTag(listing=listing, kind=kind, value=value)
                for value in sorted(chosen & offered)
                if (kind, value) not in existing
            ]
        )

    if "works_with" in data:
        chosen, offered = data["works_with"]
        note = (data.get("relationship_note") or "").strip()
        chosen = {int(pk) for pk in chosen}
        offered = {int(pk) for pk in offered}
        Relationship.objects.filter(
            listing=listing, organisation_id__in=offered - chosen
        ).delete()
        for organisation_id in chosen & offered:
            relationship, made = Relationship.objects.get_or_create(
                listing=listing,
                organisation_id=organisation_id,
                defaults={"note": note, "since": timezone.localdate(now)},
            )
            if not made and relationship.note != note:
                relationship.note = note
                relationship.save(update_fields=["note"])

    verb = "Added" if creating else "Changed"
    record(
        AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
        by=by,
        record=listing,
        summary=f"{verb} directory entry {service.name}",
        changes={"fields": sorted(data.get("changed", ()))},
    )
    return listing


def _language_name(code):
    info = LANG_INFO.get(code) or {}
    return info.get("name")
