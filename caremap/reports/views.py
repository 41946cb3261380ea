"""The outcome dashboards: an area's for its commissioners (small counts
hidden, no names anywhere), an organisation's for its managers (in full),
and, for those managers only, the people behind each number."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from caremap.directory.rules import commissioner_area_ids
from caremap.http import allow
from caremap.organisations.models import Area, Organisation
from caremap.organisations.permissions import get_organisation_for_user
from caremap.organisations.rules import managed_organisation_ids
from caremap.people.models import Person
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.reports import downloads
from caremap.reports.dimensions import DIMENSIONS
from caremap.reports.forms import FilterForm
from caremap.reports.tables import RATE_TITLES, SECTIONS, Builder

FILTER_NAMES = ("period", "organisation", "substance_group", "stance", "pathway")


@allow("GET")
@login_required
def reports_home(request):
    """Where the Reports link lands: the one dashboard a user has, or a
    choice when they have several."""
    areas = Area.objects.filter(pk__in=commissioner_area_ids(request.user))
    organisations = Organisation.objects.filter(
        pk__in=managed_organisation_ids(request.user)
    )
    if not areas and not organisations:
        raise PermissionDenied
    if len(areas) + len(organisations) == 1:
        if areas:
            return redirect("reports:area", areas[0].pk)
        return redirect("reports:organisation", organisations[0].pk)
    return render(
        request,
        "reports/home.html",
        {
            "areas": areas.order_by("name"),
            "organisations": organisations.order_by("name"),
        },
    )


@allow("GET")
@login_required
def area_dashboard(request, pk):
    area = get_object_or_404(Area, pk=pk)
    if not request.user.has_perm("reports.view_area", area):
        raise PermissionDenied
    form = FilterForm(request.GET or None, today=timezone.localdate(), area=area)
    filters = form.filters()
    builder = Builder(filters, protect=True)
    return _dashboard(request, form, filters, builder, area=area, name=area.name)


@allow("GET")
@login_required
def organisation_dashboard(request, pk):
    organisation = get_organisation_for_user(request, pk)
    form = FilterForm(
        request.GET or None, today=timezone.localdate(), organisation=organisation
    )
    filters = form.filters()

    def link(measure, part, group, dimension, value):
        query = {key: request.GET[key] for key in FILTER_NAMES if request.GET.get(key)}
        query.update({"measure": measure, "part": part})
        if group:
            query["substance_group"] = group
        if dimension:
            query.update({"dimension": dimension, "value": value})
        return f"{reverse('reports:people', args=[organisation.pk])}?{urlencode(query)}"

    builder = Builder(filters, protect=False, link=link)
    return _dashboard(
        request,
        form,
        filters,
        builder,
        organisation=organisation,
        name=organisation.name,
    )


def _dashboard(request, form, filters, builder, *, name, area=None, organisation=None):
    section = request.GET.get("section", "treatment")
    if section not in SECTIONS:
        raise Http404
    tables = builder.section(section)
    subject = area or organisation
    notes = [
        name,
        _("From %(start)s to %(end)s")
        % {"start": filters.period.start, "end": filters.period.end},
    ]
    if area is not None:
        notes.append(
            _(
                "[c]: hidden so that no one can be identified (a count from 1 to 4, "
                "or a count that would let one be worked out)."
            )
        )
    wanted = request.GET.get("download")
    if wanted:
        table = next((t for t in tables if t.id == wanted), None)
        fmt = request.GET.get("format", "csv")
        if table is None or fmt not in downloads.FORMATS:
            raise Http404
        record(
            AuditEvent.Action.EXPORT,
            by=request.user,
            record=subject,
            organisation=organisation,
            summary=f"Downloaded the report table {table.id} as {fmt}",
        )
        return downloads.response(
            table, fmt, name=name, period=filters.period, notes=notes
        )
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=subject,
        organisation=organisation,
        summary=f"Viewed the outcome dashboard ({section})",
    )
    query = {key: value for key, value in request.GET.items() if key in form.fields}
    sections = [
        (key, title, f"?{urlencode({**query, 'section': key})}", key == section)
        for key, title in SECTIONS.items()
    ]
    for table in tables:
        table.downloads = [
            (
                fmt.upper(),
                # The section too: a table is only found among its own
                # section's, and the default section is the first.
                "?"
                + urlencode(
                    {**query, "section": section, "download": table.id, "format": fmt}
                ),
            )
            for fmt in downloads.FORMATS
        ]
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "tables": tables,
            "area": area,
            "organisation": organisation,
            "name": name,
            "protected": area is not None,
            "section": section,
            "section_title": SECTIONS[section],
            "sections": sections,
        },
    )


@allow("GET")
@login_required
def people_behind(request, pk):
    """The people counted in one number of an organisation's dashboard, for
    its managers: the numerator or the denominator of a measure, for the
    same filters, optionally one row of a breakdown."""
    organisation = get_organisation_for_user(request, pk)
    measure = request.GET.get("measure", "")
    part = request.GET.get("part", "")
    dimension = request.GET.get("dimension", "")
    if measure not in RATE_TITLES or part not in ("numerator", "denominator"):
        raise Http404
    if dimension and dimension not in DIMENSIONS:
        raise Http404
    form = FilterForm(
        request.GET or None, today=timezone.localdate(), organisation=organisation
    )
    filters = form.filters()
    parts = filters.parts(measure)
    rows = getattr(parts, part)
    if dimension:
        expression = DIMENSIONS[dimension].expression(parts.person, filters.period.end)
        rows = rows.annotate(category=expression).filter(
            category=request.GET.get("value", "")
        )
    people = (
        Person.objects.filter(organisation=organisation)
        .filter(Q(pk__in=rows.values(f"{parts.person}pk")))
        .select_related("navigator")
        .order_by("family_name", "given_name", "pk")
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record=organisation,
        organisation=organisation,
        summary=f"Listed the people behind a report figure ({measure}, {part})",
    )
    return render(
        request,
        "reports/people.html",
        {
            "organisation": organisation,
            "page": page,
            "measure_title": RATE_TITLES[measure],
            "part": part,
            "filters": filters,
            "back_url": reverse("reports:organisation", args=[organisation.pk])
            + "?"
            + urlencode(
                {k: request.GET[k] for k in FILTER_NAMES if request.GET.get(k)}
            ),
        },
    )
