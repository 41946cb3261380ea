"""Finding help in the directory: the search page and a service's page.

Staff search the directories of the areas they work in; anyone may search
an area whose directory is public, without signing in.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.directory import search as directory_search
from caremap.directory import vocabulary
from caremap.directory.models import Listing, Relationship
from caremap.directory.presenting import Entry
from caremap.directory.rules import staff_area_ids
from caremap.http import allow
from caremap.organisations.models import Area
from caremap.organisations.rules import person_level_organisation_ids
from caremap.referrals.models import Referral


def _areas(user):
    return list(
        Area.objects.filter(
            Q(pk__in=staff_area_ids(user)) | Q(directory__public=True)
        ).order_by("name")
    )


def _refuse(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _chosen_area(request, areas):
    wanted = request.GET.get("area")
    if wanted:
        for area in areas:
            if str(area.pk) == wanted:
                return area
        raise Http404
    mine = staff_area_ids(request.user)
    return next((a for a in areas if a.pk in mine), areas[0])


@allow("GET")
def search(request):
    areas = _areas(request.user)
    if not areas:
        return _refuse(request)
    area = _chosen_area(request, areas)
    staff = area.pk in staff_area_ids(request.user)
    unit = directory_search.distance_unit()
    words = vocabulary.load()
    form = directory_search.SearchForm(
        request.GET or None,
        vocabulary=words,
        unit=unit,
        languages=directory_search.language_choices(area),
        terms=directory_search.term_choices(area),
        staff=staff,
    )
    # An empty search lists everything; an invalid one lists nothing and
    # shows the errors.
    data = {} if not form.is_bound else (form.is_valid() and form.cleaned_data)
    found = page = None
    if data is not False:
        number = _page_number(request)
        found = directory_search.run(
            area,
            data,
            page=number,
            organisation_ids=(
                person_level_organisation_ids(request.user) if staff else ()
            ),
            unit=unit,
        )
        page = Paginator(range(found.total), directory_search.PAGE_SIZE).get_page(
            found.page
        )
    titles = words.titles()
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "area": area,
            "areas": areas,
            "staff": staff,
            "entries": [
                Entry.from_result(result, unit=unit, titles=titles)
                for result in (found.results if found else [])
            ],
            "total": found.total if found else 0,
            "page": page,
            "links": _keeper_links(request.user, area, len(areas) > 1),
        },
    )


def _keeper_links(user, area, several_areas):
    """Links to the pages for keeping and overseeing the area's directory,
    as far as `user` may use them."""
    suffix = f"?area={area.pk}" if several_areas else ""
    links = []
    if user.has_perm("directory.keep_area", area):
        links += [
            (_("Add a service"), reverse("directory:service-add") + suffix),
            (_("Entries due for review"), reverse("directory:review") + suffix),
        ]
    if user.has_perm("directory.view_community", area):
        links.append((_("Recovery community"), reverse("directory:community") + suffix))
    if user.has_perm("directory.appoint_editors", area):
        links += [
            (_("Directory editors"), reverse("directory:editors") + suffix),
            (_("Directory settings"), reverse("directory:settings") + suffix),
        ]
    return links


def _page_number(request):
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


@allow("GET")
def service_detail(request, service_id):
    listing = (
        directory_search.detailed(Listing.objects.filter(service_id=service_id))
        .select_related("area")
        .first()
    )
    if listing is None:
        raise Http404
    user = request.user
    if not user.has_perm("directory.search_area", listing.area):
        return _refuse(request)
    staff = listing.area_id in staff_area_ids(user)
    organisation_ids = person_level_organisation_ids(user) if staff else set()
    relationships = list(
        Relationship.objects.filter(
            listing=listing, organisation_id__in=organisation_ids
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    now = timezone.now()
    entry = Entry.for_listing(
        listing,
        unit=directory_search.distance_unit(),
        titles=vocabulary.load().titles(),
        now=now,
        works_with_us=bool(relationships),
    )
    settings_ = getattr(listing.area, "directory", None)
    review_after = settings_.review_after_days if settings_ else None
    return render(
        request,
        "directory/service.html",
        {
            "entry": entry,
            "listing": listing,
            "service": listing.service,
            "staff": staff,
            "relationships": relationships,
            "upcoming": entry.upcoming(now, count=4),
            "review_due": listing.review_due(now=now, after_days=review_after)
            if review_after
            else listing.review_due(now=now),
            "can_edit": user.has_perm("directory.change_listing", listing),
            "can_refer": staff and bool(person_level_organisation_ids(user)),
            "ratings": _ratings(listing) if staff else None,
        },
    )


def _ratings(listing):
    return Referral.objects.rating_summary([listing.service_id])[listing.service_id]
