"""Referring and signposting people to services, and following up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.concurrency import guarded
from caremap.directory.models import Listing
from caremap.http import allow
from caremap.people.models import Person
from caremap.people.permissions import get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.referrals import actions
from caremap.referrals.forms import (
    RatingForm,
    ReferralForm,
    SearchForm,
    StatusUpdateForm,
)
from caremap.referrals.models import (
    AWAITING_UPDATE_AFTER_DAYS,
    Rating,
    Referral,
    ReferralUpdate,
)
from caremap.referrals.permissions import get_referral_for_user

PAGE_SIZE = 25


def _listings_for(area_id):
    """The services a person in `area` can be referred to today."""
    return (
        Listing.objects.filter(area_id=area_id)
        .findable(timezone.localdate())
        .select_related("service")
    )


def _search_listings(listings, text):
    text = (text or "").strip()
    if not text:
        return listings
    words = Q()
    for word in text.split():
        words &= (
            Q(service__name__icontains=word)
            | Q(service__description__icontains=word)
            | Q(service__organization__name__icontains=word)
        )
    return listings.filter(words)


def _rating_of(referral):
    try:
        return referral.rating
    except Rating.DoesNotExist:
        return None


@allow("GET")
@login_required
def person_referrals(request, person_pk):
    person = get_person_for_user(request, person_pk, perm="referrals.view_referrals")
    referrals = (
        Referral.objects.filter(person=person)
        .select_related("service", "created_by", "rating")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/person_referrals.html",
        {
            "person": person,
            "page": page,
            "can_refer": request.user.has_perm("referrals.make_referral", person),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def referral_create(request, person_pk):
    person = get_person_for_user(request, person_pk, perm="referrals.make_referral")
    listings = _listings_for(person.organisation.area_id)
    service_id = request.GET.get("service")
    if not service_id:
        return _service_picker(request, person, listings)
    listing = listings.filter(service_id=service_id).first()
    if listing is None:
        raise Http404
    referral = Referral(person=person, service=listing.service)
    form = ReferralForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        actions.create_referral(form.save(commit=False), by=request.user)
        messages.success(
            request,
            _("The referral to %(service)s has been recorded.")
            % {"service": listing.service.name},
        )
        return redirect(referral)
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "person": person,
            "service": listing.service,
            "back_url": reverse("referrals:create", args=[person.pk]),
        },
    )


def _service_picker(request, person, listings):
    form = SearchForm(request.GET or None, label=_("Search services"))
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        listings = _search_listings(listings, query)
    listings = listings.order_by("service__name", "pk")
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    ratings = Referral.objects.rating_summary(
        listing.service_id for listing in page.object_list
    )
    rows = [(listing, ratings[listing.service_id]) for listing in page.object_list]
    return render(
        request,
        "referrals/service_picker.html",
        {"person": person, "form": form, "page": page, "rows": rows, "query": query},
    )


@allow("GET")
@login_required
def choose_person(request, service_id):
    if not request.user.has_perm("people.list_people"):
        raise PermissionDenied
    listing = (
        Listing.objects.findable(timezone.localdate())
        .select_related("service")
        .filter(service_id=service_id)
        .first()
    )
    if listing is None:
        raise Http404
    form = SearchForm(request.GET or None, label=_("Search by name or reference"))
    people = (
        Person.objects.visible_to(request.user)
        .active()
        .filter(organisation__area_id=listing.area_id)
    )
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        people = people.search(query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="people.person",
        summary=f"People to refer to service {service_id}, page {page.number}"
        + (f", search {query!r}" if query else ""),
    )
    return render(
        request,
        "referrals/choose_person.html",
        {"service": listing.service, "form": form, "page": page, "query": query},
    )


@allow("GET")
@login_required
def referral_detail(request, pk):
    referral = get_referral_for_user(request, pk)
    person = referral.person
    can_change = request.user.has_perm("referrals.update_referral", person)
    summary = Referral.objects.rating_summary([referral.service_id])[
        referral.service_id
    ]
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "person": person,
            "updates": ReferralUpdate.objects.filter(referral=referral).select_related(
                "by"
            ),
            "rating": Rating.objects.filter(referral=referral)
            .select_related("entered_by")
            .first(),
            "summary": summary,
            "can_update": can_change and bool(referral.next_statuses),
            "can_rate": request.user.has_perm("referrals.rate_referral", person),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def referral_update(request, pk):
    referral = get_referral_for_user(request, pk, perm="referrals.update_referral")
    if request.method == "POST" and request.POST.get("to_status") == referral.status:
        return _already_recorded(request, referral)
    if not referral.next_statuses:
        messages.info(request, _("This referral is closed, so it cannot change."))
        return redirect(referral)
    form = StatusUpdateForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_referral_status(
                referral,
                form.cleaned_data["to_status"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except actions.InvalidTransition as error:
            if error.code == "already":
                return _already_recorded(request, referral)
            form.add_error("to_status", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The referral is now marked as %(status)s.")
                % {"status": referral.get_status_display().lower()},
            )
            return redirect(referral)
    return render(
        request,
        "referrals/update_form.html",
        {
            "form": form,
            "referral": referral,
            "person": referral.person,
            "back_url": referral.get_absolute_url(),
        },
    )


def _already_recorded(request, referral):
    messages.info(
        request,
        _("This referral was already marked as %(status)s.")
        % {"status": referral.get_status_display().lower()},
    )
    return redirect(referral)


@allow("GET", "POST")
@login_required
@guarded
def referral_rate(request, pk):
    referral = get_referral_for_user(request, pk, perm="referrals.rate_referral")
    existing = _rating_of(referral)
    form = RatingForm(
        request.POST or None, instance=existing or Rating(referral=referral)
    )
    if request.method == "POST" and form.is_valid():
        actions.rate_referral(
            referral,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            given_by_person=form.cleaned_data["given_by_person"],
            by=request.user,
        )
        messages.success(request, _("The rating has been saved."))
        return redirect(referral)
    return render(
        request,
        "referrals/rate_form.html",
        {
            "form": form,
            "referral": referral,
            "person": referral.person,
            "rerating": existing is not None,
            "back_url": referral.get_absolute_url(),
        },
    )


@allow("GET")
@login_required
def awaiting(request):
    if not request.user.has_perm("people.list_people"):
        raise PermissionDenied
    referrals = (
        Referral.objects.visible_to(request.user)
        .awaiting_update()
        .select_related("person", "service")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="referrals.referral",
        summary=f"Referrals awaiting an update, page {page.number}",
    )
    return render(
        request,
        "referrals/awaiting.html",
        {"page": page, "days": AWAITING_UPDATE_AFTER_DAYS},
    )
