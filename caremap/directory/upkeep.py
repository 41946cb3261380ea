"""Keeping an area's directory: the review list, editors, the area's
settings and API tokens, and the recovery-community view.

Each page works on one area. Someone who works in several picks one with
`?area=<pk>` (the pages link to the others); with one area there is nothing
to pick.
"""

import csv
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caremap.concurrency import guarded
from caremap.directory import actions, rules
from caremap.directory.models import (
    REVIEW_AFTER_DAYS_DEFAULT,
    ApiToken,
    AreaDirectory,
    Editor,
    Listing,
    ListingTag,
)
from caremap.directory.upkeep_forms import (
    ApiTokenForm,
    AppointEditorForm,
    CommunityPeriodForm,
    DirectorySettingsForm,
)
from caremap.http import allow
from caremap.organisations.models import Area
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.spreadsheets import neutralise_row

PAGE_SIZE = 25
SHOW_ONCE_SESSION_KEY = "directory_new_api_token"


# Choosing the area -------------------------------------------------------


@dataclass
class AreaChoice:
    area: Area
    areas: list
    url_name: str

    @property
    def others(self):
        """(area, url) for each other area, for the switching links."""
        url = reverse(f"directory:{self.url_name}")
        return [
            (area, f"{url}?{urlencode({'area': area.pk})}")
            for area in self.areas
            if area.pk != self.area.pk
        ]

    @property
    def query(self):
        """The query string that keeps this area on links and forms, empty
        when there is only one area to be in."""
        if len(self.areas) < 2:
            return ""
        return urlencode({"area": self.area.pk})


def _choose_area(request, area_ids, permission, url_name):
    """The area the page is about, from the areas the user may use it for.
    Refuses (403) an area outside them, and anyone with none."""
    if not area_ids:
        raise PermissionDenied
    areas = list(Area.objects.filter(pk__in=area_ids).order_by("name"))
    wanted = request.GET.get("area")
    if wanted:
        area = next((a for a in areas if str(a.pk) == wanted), None)
        if area is None:
            raise PermissionDenied
    elif areas:
        area = areas[0]
    else:
        raise PermissionDenied
    # The rules decide; the id sets above only narrow the choice.
    if not request.user.has_perm(permission, area):
        raise PermissionDenied
    return AreaChoice(area=area, areas=areas, url_name=url_name)


def _with_area(url, choice):
    return f"{url}?{choice.query}" if choice.query else url


def _review_after_days(area):
    days = (
        AreaDirectory.objects.filter(area=area)
        .values_list("review_after_days", flat=True)
        .first()
    )
    return days or REVIEW_AFTER_DAYS_DEFAULT


# Review list -------------------------------------------------------------


def _due_for_review(area, now):
    after_days = _review_after_days(area)
    listings = Listing.objects.in_area(area).due_for_review(
        now=now, after_days=after_days
    )
    return listings, after_days


@allow("GET")
@login_required
def review(request):
    choice = _choose_area(
        request, rules.keeper_area_ids(request.user), "directory.keep_area", "review"
    )
    now = timezone.now()
    listings, after_days = _due_for_review(choice.area, now)
    listings = listings.select_related("service", "last_checked_by").order_by(
        F("last_checked_at").asc(nulls_first=True), "service__name", "pk"
    )
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for listing in page.object_list:
        overdue_days = None
        if listing.last_checked_at is not None:
            overdue_days = (now - listing.last_checked_at).days - after_days
        rows.append({"listing": listing, "overdue_days": overdue_days})
    return render(
        request,
        "directory/upkeep/review.html",
        {
            "choice": choice,
            "page": page,
            "rows": rows,
            "after_days": after_days,
        },
    )


# Editors -----------------------------------------------------------------


@allow("GET", "POST")
@login_required
@guarded
def editors(request):
    choice = _choose_area(
        request,
        rules.commissioner_area_ids(request.user),
        "directory.appoint_editors",
        "editors",
    )
    area = choice.area
    form = AppointEditorForm(
        request.POST if request.method == "POST" else None, area=area
    )
    if request.method == "POST" and form.is_valid():
        try:
            editor = actions.appoint_editor(area, form.user, by=request.user)
        except actions.AlreadyAnEditor:
            # Someone appointed them between the check and the save.
            form.add_error("email", _("They are already an editor of this directory"))
        else:
            messages.success(
                request,
                _("%(name)s can now keep the directory for %(area)s.")
                % {"name": editor.user.full_name or editor.user.email, "area": area},
            )
            return redirect(_with_area(reverse("directory:editors"), choice))
    area_editors = (
        Editor.objects.filter(area=area)
        .select_related("user", "appointed_by")
        .order_by("user__full_name", "user__email")
    )
    return render(
        request,
        "directory/upkeep/editors.html",
        {"choice": choice, "form": form, "editors": area_editors},
    )


@allow("GET", "POST")
@login_required
def editor_remove(request, pk):
    editor = get_object_or_404(
        Editor.objects.select_related("user", "area", "appointed_by"), pk=pk
    )
    if not request.user.has_perm("directory.appoint_editors", editor.area):
        raise PermissionDenied
    choice = AreaChoice(
        area=editor.area,
        areas=list(
            Area.objects.filter(
                pk__in=rules.commissioner_area_ids(request.user)
            ).order_by("name")
        ),
        url_name="editors",
    )
    back_url = _with_area(reverse("directory:editors"), choice)
    if request.method == "POST":
        name = editor.user.full_name or editor.user.email
        actions.remove_editor(editor, by=request.user)
        messages.success(
            request,
            _("%(name)s is no longer an editor of the directory for %(area)s.")
            % {"name": name, "area": editor.area},
        )
        return redirect(back_url)
    return render(
        request,
        "directory/upkeep/editor_remove.html",
        {"editor": editor, "back_url": back_url},
    )


# Settings and API tokens -------------------------------------------------


def _settings_choice(request):
    return _choose_area(
        request,
        rules.commissioner_area_ids(request.user),
        "directory.appoint_editors",
        "settings",
    )


def _settings_of(area):
    current = AreaDirectory.objects.filter(area=area).first()
    return [
        ("public", current.public if current else False),
        (
            "review_after_days",
            current.review_after_days if current else REVIEW_AFTER_DAYS_DEFAULT,
        ),
    ]


@allow("GET", "POST")
@login_required
@guarded
def directory_settings(request):
    choice = _settings_choice(request)
    area = choice.area
    current = AreaDirectory.objects.filter(area=area).first()
    initial = {
        "public": current.public if current else False,
        "review_after_days": (
            current.review_after_days if current else REVIEW_AFTER_DAYS_DEFAULT
        ),
    }
    form = DirectorySettingsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        # The area, since its settings may have no row yet.
        record=area,
        fingerprint=_settings_of,
    )
    if request.method == "POST" and form.is_valid():
        actions.save_directory_settings(
            area,
            public=form.cleaned_data["public"],
            review_after_days=form.cleaned_data["review_after_days"],
            by=request.user,
        )
        messages.success(request, _("The directory settings have been saved."))
        return redirect(_with_area(reverse("directory:settings"), choice))
    tokens = (
        ApiToken.objects.filter(area=area)
        .select_related("created_by")
        .order_by("revoked_at", "-created_at", "pk")
    )
    return render(
        request,
        "directory/upkeep/settings.html",
        {
            "choice": choice,
            "form": form,
            "token_form": ApiTokenForm(),
            "tokens": tokens,
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def token_create(request):
    choice = _settings_choice(request)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        api_token, token = actions.create_api_token(
            choice.area, name=form.cleaned_data["name"], by=request.user
        )
        # Kept in the session only until the next page shows it, so the
        # token never appears in a URL, a log or a later page.
        request.session[SHOW_ONCE_SESSION_KEY] = {
            "pk": api_token.pk,
            "token": token,
        }
        return redirect("directory:token-created", pk=api_token.pk)
    return render(
        request,
        "directory/upkeep/token_create.html",
        {
            "choice": choice,
            "form": form,
            "back_url": _with_area(reverse("directory:settings"), choice),
        },
    )


def _token_for_commissioner(request, pk):
    api_token = get_object_or_404(
        ApiToken.objects.select_related("area", "created_by"), pk=pk
    )
    if not request.user.has_perm("directory.appoint_editors", api_token.area):
        raise PermissionDenied
    return api_token


def _settings_url_for(request, area):
    several = len(rules.commissioner_area_ids(request.user)) > 1
    url = reverse("directory:settings")
    return f"{url}?{urlencode({'area': area.pk})}" if several else url


@allow("GET")
@login_required
def token_created(request, pk):
    api_token = _token_for_commissioner(request, pk)
    shown = request.session.get(SHOW_ONCE_SESSION_KEY) or {}
    token = None
    if shown.get("pk") == api_token.pk:
        token = shown["token"]
        del request.session[SHOW_ONCE_SESSION_KEY]
    response = render(
        request,
        "directory/upkeep/token_created.html",
        {
            "api_token": api_token,
            "token": token,
            "back_url": _settings_url_for(request, api_token.area),
        },
    )
    # The page holds a secret: no browser or proxy should keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@allow("POST")
@login_required
def token_revoke(request, pk):
    api_token = _token_for_commissioner(request, pk)
    if api_token.revoked_at is None:
        actions.revoke_api_token(api_token, by=request.user)
        messages.success(
            request,
            _("The token for %(name)s has been revoked. It no longer works.")
            % {"name": api_token.name},
        )
    return redirect(_settings_url_for(request, api_token.area))


# Recovery-community view -------------------------------------------------


@dataclass
class Table:
    """One table of the community view, shared by the page and its CSV so
    that the two always agree."""

    slug: str
    caption: str
    summary: str
    headers: list
    rows: list = field(default_factory=list)
    # Columns holding counts, aligned right so digits line up; the first
    # column always names the row and is marked up as its header.
    numeric: tuple = (1,)


def _titles():
    """Titles of recovery-capital domains and unmet needs by id, in the
    default instrument's order; empty when it is not installed, and then the
    tag values stand for themselves."""
    from caremap.instruments.models import InstrumentVersion

    version = InstrumentVersion.objects.current_version(settings.DEFAULT_INSTRUMENT)
    if version is None:
        return {}, {}
    instrument = version.instrument
    domains = {d.id: str(d.title) for d in instrument.domains}
    needs = {n.id: str(n.title) for n in instrument.needs}
    return domains, needs


def _day(day):
    return date_format(day, "j F Y")


def community_tables(area, start, end, *, today, now):
    """The community view's tables for `area` over start..end (inclusive),
    "now" being `today`. A fixed number of queries, whatever the number of
    services: each table is one aggregate query."""
    in_area = Listing.objects.in_area(area)
    running = in_area.running_on(today)
    period = {"start": _day(start), "end": _day(end)}

    by_kind = dict(
        running.values("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )
    kind_rows = [
        [label, by_kind.get(value, 0)] for value, label in Listing.Kind.choices
    ]
    running_total = sum(by_kind.values())
    kinds = Table(
        slug="kinds",
        caption=_("Services running now, by kind"),
        summary=ngettext(
            "%(count)s service is running today.",
            "%(count)s services are running today.",
            running_total,
        )
        % {"count": running_total},
        headers=[_("Kind of service"), _("Services")],
        rows=kind_rows,
    )

    tag_counts = {ListingTag.Kind.DOMAIN: {}, ListingTag.Kind.NEED: {}}
    for kind, value, n in (
        ListingTag.objects.filter(
            listing__in=running.values("pk"),
            kind__in=[ListingTag.Kind.DOMAIN, ListingTag.Kind.NEED],
        )
        .values("kind", "value")
        .annotate(n=Count("listing", distinct=True))
        .order_by()
        .values_list("kind", "value", "n")
    ):
        tag_counts[kind][value] = n
    domain_titles, need_titles = _titles()

    def tag_rows(counts, titles):
        # Every domain or need the instrument knows, so a gap shows as a 0,
        # then any tag the instrument does not know, under its own name.
        rows = [[title, counts.get(value, 0)] for value, title in titles.items()]
        rows += [
            [value, n] for value, n in sorted(counts.items()) if value not in titles
        ]
        return rows

    domain_rows = tag_rows(tag_counts[ListingTag.Kind.DOMAIN], domain_titles)
    covered = sum(1 for _row, n in domain_rows if n)
    domains = Table(
        slug="domains",
        caption=_("Services running now, by recovery-capital domain"),
        summary=ngettext(
            "Services running today help with %(count)s recovery-capital domain.",
            "Services running today help with %(count)s recovery-capital domains.",
            covered,
        )
        % {"count": covered},
        headers=[_("Recovery-capital domain"), _("Services")],
        rows=domain_rows,
    )
    need_rows = tag_rows(tag_counts[ListingTag.Kind.NEED], need_titles)
    uncovered = sum(1 for _row, n in need_rows if not n)
    needs = Table(
        slug="needs",
        caption=_("Services running now, by unmet need"),
        summary=ngettext(
            "%(count)s kind of unmet need has no service running today.",
            "%(count)s kinds of unmet need have no service running today.",
            uncovered,
        )
        % {"count": uncovered},
        headers=[_("Unmet need"), _("Services")],
        rows=need_rows,
    )

    groups = in_area.peer_led_groups()
    started_in_period = Q(started_on__gte=start, started_on__lte=end)
    # Active on some day of the period: started by its end and not ended
    # before its start (an end date is the first day it no longer runs).
    active_in_period = (Q(started_on__isnull=True) | Q(started_on__lte=end)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=start)
    )
    running_today = (Q(started_on__isnull=True) | Q(started_on__lte=today)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    counts = groups.aggregate(
        now=Count("pk", filter=running_today),
        period=Count("pk", filter=active_in_period),
        new=Count("pk", filter=started_in_period),
    )
    peer_led = Table(
        slug="peer-led",
        caption=_("Independent peer-led groups"),
        summary=ngettext(
            "%(count)s independent peer-led group was active at some time "
            "between %(start)s and %(end)s.",
            "%(count)s independent peer-led groups were active at some time "
            "between %(start)s and %(end)s.",
            counts["period"],
        )
        % {"count": counts["period"], **period},
        headers=[_("Independent peer-led groups"), _("Groups")],
        rows=[
            [_("Active today"), counts["now"]],
            [_("Active at any time in the period"), counts["period"]],
            [_("Newly started in the period"), counts["new"]],
        ],
    )

    new_groups = (
        groups.filter(started_in_period)
        .select_related("service")
        .order_by("started_on", "service__name", "pk")
    )
    new_rows = [
        [listing.service.name, listing.get_kind_display(), listing.started_on]
        for listing in new_groups
    ]
    new = Table(
        slug="new-peer-led",
        caption=_("Peer-led groups started in the period"),
        summary=ngettext(
            "%(count)s new peer-led group started between %(start)s and %(end)s.",
            "%(count)s new peer-led groups started between %(start)s and %(end)s.",
            len(new_rows),
        )
        % {"count": len(new_rows), **period},
        headers=[_("Name"), _("Kind"), _("Started")],
        rows=new_rows,
        numeric=(),
    )

    due, after_days = _due_for_review(area, now)
    due_count = due.count()
    review_table = Table(
        slug="review",
        caption=_("Entries due for review"),
        summary=ngettext(
            "%(count)s directory entry has not been checked in the last %(days)s days.",
            "%(count)s directory entries have not been checked in the last %(days)s days.",
            due_count,
        )
        % {"count": due_count, "days": after_days},
        headers=[_("Entries"), _("Number")],
        rows=[[_("Due for review"), due_count]],
    )
    return [kinds, domains, needs, peer_led, new, review_table]


def _community_choice(request):
    return _choose_area(
        request,
        rules.overseer_area_ids(request.user),
        "directory.view_community",
        "community",
    )


def _period_form(request, today):
    # Bound only when the reader asked for a period, so the first visit
    # shows the default period rather than "enter a date" errors.
    asked = any(key.startswith(("start_", "end_")) for key in request.GET)
    return CommunityPeriodForm(request.GET if asked else None, today=today)


@allow("GET")
@login_required
def community(request):
    choice = _community_choice(request)
    now = timezone.now()
    today = timezone.localdate(now)
    form = _period_form(request, today)
    tables = []
    start = end = None
    if not form.is_bound or form.is_valid():
        start, end = form.period()
        tables = community_tables(choice.area, start, end, today=today, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/upkeep/community.html",
        {
            "choice": choice,
            "form": form,
            "tables": tables,
            "start": start,
            "end": end,
            "today": today,
            "csv_query": query.urlencode(),
            "can_review": request.user.has_perm("directory.keep_area", choice.area),
            "review_url": _with_area(reverse("directory:review"), choice),
        },
    )


@allow("GET")
@login_required
def community_csv(request, table):
    choice = _community_choice(request)
    now = timezone.now()
    today = timezone.localdate(now)
    form = _period_form(request, today)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("The period is not valid."))
    start, end = form.period()
    tables = {
        t.slug: t
        for t in community_tables(choice.area, start, end, today=today, now=now)
    }
    if table not in tables:
        raise Http404
    chosen = tables[table]
    filename = f"{table}-{start.isoformat()}-to-{end.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(neutralise_row(chosen.headers))
    for row in chosen.rows:
        # Entries' names are typed by many people: none may run as a formula.
        writer.writerow(
            neutralise_row(
                cell.isoformat() if hasattr(cell, "isoformat") else cell for cell in row
            )
        )
    record(
        AuditEvent.Action.EXPORT,
        by=request.user,
        record_type="directory.community",
        summary=f"Community view table {table} for {choice.area}, "
        f"{start.isoformat()} to {end.isoformat()}, as CSV",
    )
    return response
