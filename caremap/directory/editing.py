"""Adding, editing and checking directory entries: the keeper's pages.

Managers of an area's organisations and the editors its commissioners
appoint keep the directory (see rules.py). Each entry is one ordinary form
page, so it works without JavaScript and on a small phone.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.directory import actions
from caremap.directory.forms import (
    CHARGE,
    FREE,
    ScheduleFormSet,
    ServiceForm,
    schedule_initial,
)
from caremap.directory.models import Listing, ListingTag, ServiceAtLocation
from caremap.directory.rules import keeper_area_ids
from caremap.http import allow
from caremap.instruments.models import InstrumentVersion
from caremap.organisations.models import Area, Membership

TEMPLATE = "directory/edit/service_form.html"


def _listing_for_editing(service_id):
    """The listing with everything the page shows, in a fixed number of
    queries however many rows hang off the service."""
    places = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "location__addresss", "location__accessibilitys", "schedules"
    )
    queryset = Listing.objects.select_related(
        "area", "service__organization"
    ).prefetch_related(
        "service__phones",
        "service__cost_options",
        "service__schedules",
        "service__languages",
        Prefetch("service__service_at_locations", queryset=places),
        "tags",
        "relationships",
    )
    return get_object_or_404(queryset, service_id=service_id)


def _current_instrument():
    version = InstrumentVersion.objects.current_version(settings.DEFAULT_INSTRUMENT)
    return version.instrument if version else None


def _organisation_choices(areas):
    """HSDS organisations with a service listed in `areas`, with the areas
    they are listed in: (organisation, area ids) pairs, by name."""
    rows = (
        Listing.objects.filter(area__in=areas, service__organization__isnull=False)
        .values_list(
            "service__organization_id", "service__organization__name", "area_id"
        )
        .distinct()
    )
    found = {}
    for org_id, name, area_id in rows:
        org, area_ids = found.setdefault(
            org_id, (SimpleNamespace(pk=org_id, name=name), set())
        )
        area_ids.add(area_id)
    return sorted(found.values(), key=lambda pair: (pair[0].name or "").lower())


def _managed_organisations(user, areas):
    area_ids = {area.pk for area in areas}
    return [
        m.organisation
        for m in user.active_memberships
        if m.role == Membership.Role.MANAGER and m.organisation.area_id in area_ids
    ]


def _initial(listing):
    """The form's starting values from the stored entry."""
    service = listing.service
    link = actions.first_service_at_location(service)
    location = link.location if link else None
    address = actions._first(location.addresss.all()) if location else None
    access = actions._first(location.accessibilitys.all()) if location else None
    phone = actions._first(service.phones.all())
    cost = actions._first(service.cost_options.all())
    initial = {
        "name": service.name,
        "description": service.description,
        "organisation": service.organization_id,
        "url": service.url,
        "email": service.email,
        "phone": phone.number if phone else None,
        "status": service.status,
        "eligibility": service.eligibility_description,
        "alert": service.alert,
        "venue": location.name if location else None,
        "address": address.address_1 if address else None,
        "town": address.city if address else None,
        "postcode": address.postal_code if address else None,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "accessibility": access.description if access else None,
        "languages": [],
        "other_languages": "",
        "kind": listing.kind,
        "peer_led": listing.peer_led,
        "independent": listing.independent,
        "started_on": listing.started_on,
        "ended_on": listing.ended_on,
        "domains": [],
        "needs": [],
        "pathways": [],
    }
    if cost is not None:
        free = cost.amount == 0 or (cost.amount is None and cost.option == "Free")
        initial["cost"] = FREE if free else CHARGE
        initial["amount"] = None if free else cost.amount
        initial["cost_note"] = cost.amount_description
    others = []
    for language in service.languages.all():
        if language.location_id or language.phone_id or not language.code:
            continue
        if language.code in ("en", "cy"):
            initial["languages"].append(language.code)
        else:
            others.append(language.code)
    initial["other_languages"] = ", ".join(sorted(others))
    field_for_kind = {
        ListingTag.Kind.DOMAIN: "domains",
        ListingTag.Kind.NEED: "needs",
        ListingTag.Kind.PATHWAY: "pathways",
    }
    for tag in listing.tags.all():
        if tag.kind in field_for_kind:
            initial[field_for_kind[tag.kind]].append(tag.value)
    relationships = list(listing.relationships.all())
    initial["works_with"] = [str(r.organisation_id) for r in relationships]
    initial["relationship_note"] = relationships[0].note if relationships else ""
    return initial


def _schedules(listing):
    """(rows the form can show, schedules it cannot and leaves alone)."""
    if listing is None:
        return [], []
    service = listing.service
    link = actions.first_service_at_location(service)
    stored = list(service.schedules.all())
    if link:
        stored += list(link.schedules.all())
    rows, others = [], []
    for schedule in sorted(stored, key=lambda s: s.id):
        initial = schedule_initial(schedule)
        if initial is None:
            others.append(schedule)
        else:
            rows.append(initial)
    return rows, others


def _as_shown(listing):
    """The entry as its edit page shows it, to tell whether it changed."""
    return [*sorted(_initial(listing).items()), ("schedules", _schedules(listing)[0])]


def service_data(form, formset, *, managed):
    """What `actions.save_service` needs, from the valid form and formset."""
    data = dict(form.cleaned_data)
    data["organisation"] = data.get("organisation") or None
    data["languages"] = list(data.get("languages", [])) + [
        code for code in data.pop("other_languages", []) if code not in ("en", "cy")
    ]
    data["schedules"], data["removed_schedules"] = formset.schedules()
    data["tags"] = {}
    for kind, name in (
        (ListingTag.Kind.DOMAIN, "domains"),
        (ListingTag.Kind.NEED, "needs"),
        (ListingTag.Kind.PATHWAY, "pathways"),
    ):
        if name in form.fields:
            offered = [value for value, _label in form.fields[name].choices]
            data["tags"][kind] = (data.get(name, []), offered)
    if "works_with" in form.fields:
        area = form.chosen_area
        offered = [str(org.pk) for org in managed if org.area_id == area.pk]
        data["works_with"] = (
            [pk for pk in data.get("works_with", []) if pk in offered],
            offered,
        )
    data["changed"] = list(form.changed_data) + (
        ["schedules"] if formset.has_changed() else []
    )
    return data


def _error_summary(form, formset):
    items = list(form.error_summary())
    for error in formset.non_form_errors():
        items.append((str(error), "#"))
    for index, row in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(row):
            continue
        for message, link in row.error_summary():
            label = _("Time %(number)s") % {"number": index + 1}
            items.append((f"{label}: {message}", link))
    return items


def _edit_page(request, listing, areas):
    instrument = _current_instrument()
    managed = _managed_organisations(request.user, areas)
    data = drafts.form_data(request)
    form = ServiceForm(
        data,
        initial=_initial(listing) if listing else {"status": "active"},
        areas=areas,
        organisations=_organisation_choices(areas),
        instrument=instrument,
        managed_organisations=managed,
        record=listing,
        fingerprint=_as_shown,
    )
    rows, other_schedules = _schedules(listing)
    formset = ScheduleFormSet(data, initial=rows, prefix="schedules")
    if request.method == "POST":
        form_ok = form.is_valid()
        if form_ok and formset.is_valid():
            saved = actions.save_service(
                listing,
                service_data(form, formset, managed=managed),
                by=request.user,
                area=form.chosen_area,
            )
            messages.success(
                request,
                _("%(name)s has been saved and marked as checked today.")
                % {"name": saved.service.name},
            )
            return redirect("directory:service", service_id=saved.service_id)
    place_count, shared_with = 0, 0
    if listing is not None:
        links = [s for s in listing.service.service_at_locations.all() if s.location_id]
        place_count = len(links)
        first = actions.first_service_at_location(listing.service)
        if first is not None:
            shared_with = (
                ServiceAtLocation.objects.filter(location_id=first.location_id)
                .exclude(service_id=listing.service_id)
                .values("service_id")
                .distinct()
                .count()
            )
    errors = _error_summary(form, formset) if form.is_bound else []
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "formset": formset,
            "errors": errors,
            "listing": listing,
            "service": listing.service if listing else None,
            "area": listing.area if listing else None,
            "other_schedules": other_schedules,
            "place_count": place_count,
            "shared_with": shared_with,
            "back_url": (
                reverse("directory:service", args=[listing.service_id])
                if listing
                else reverse("directory:search")
            ),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def service_add(request):
    area_ids = keeper_area_ids(request.user)
    areas = [
        area
        for area in Area.objects.filter(pk__in=area_ids).order_by("name")
        if request.user.has_perm("directory.keep_area", area)
    ]
    if not areas:
        raise PermissionDenied
    return _edit_page(request, None, areas)


@allow("GET", "POST")
@login_required
@guarded
def service_edit(request, service_id):
    listing = _listing_for_editing(service_id)
    if not request.user.has_perm("directory.change_listing", listing):
        raise PermissionDenied
    return _edit_page(request, listing, [listing.area])


@allow("POST")
@login_required
def service_check(request, service_id):
    listing = get_object_or_404(
        Listing.objects.select_related("service"), service_id=service_id
    )
    if not request.user.has_perm("directory.change_listing", listing):
        raise PermissionDenied
    actions.mark_checked(listing, by=request.user)
    messages.success(
        request,
        _("%(name)s has been marked as checked today.")
        % {"name": listing.service.name},
    )
    return redirect("directory:service", service_id=service_id)
