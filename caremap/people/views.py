import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.engagement.attendance import groups_card
from caremap.engagement.models import Contact
from caremap.episodes.models import Episode
from caremap.http import allow
from caremap.organisations.models import Membership
from caremap.people import actions
from caremap.people.forms import (
    AssignNavigatorForm,
    PersonForm,
    PersonSearchForm,
    PersonStatusForm,
    StanceForm,
)
from caremap.people.models import Person
from caremap.people.permissions import get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.referrals.models import Referral

PAGE_SIZE = 25


@allow("GET")
@login_required
def person_list(request):
    if not request.user.has_perm("people.list_people"):
        raise PermissionDenied
    form = PersonSearchForm(request.GET or None)
    people = Person.objects.visible_to(request.user).select_related(
        "navigator", "organisation"
    )
    query = ""
    filters = {}
    if form.is_valid():
        query = form.cleaned_data["q"]
        filters = {
            name: form.cleaned_data[name]
            for name in ("status", "stance", "pathway", "mine")
            if form.cleaned_data[name]
        }
        people = form.filter(people, user=request.user)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="people.person",
        summary=f"People list, page {page.number}"
        + (f", search {query!r}" if query else "")
        + "".join(f", {name} {value}" for name, value in filters.items()),
    )
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "status": filters.get("status", ""),
            "filtered": bool(query or filters),
        },
    )


def _membership_for_new_person(user):
    """The membership under which a new person is added: the user's own
    organisation (one per user is the norm; with several, the first by
    name), preferring a navigator role so the person joins their caseload."""
    memberships = [
        m
        for m in user.active_memberships
        if m.role in (Membership.Role.NAVIGATOR, Membership.Role.MANAGER)
    ]
    memberships.sort(
        key=lambda m: (m.organisation.name, m.role != Membership.Role.NAVIGATOR)
    )
    return memberships[0]


@allow("GET", "POST")
@login_required
@guarded
def person_create(request):
    if not request.user.has_perm("people.add_person"):
        raise PermissionDenied
    membership = _membership_for_new_person(request.user)
    organisation = membership.organisation
    data = drafts.form_data(request)
    form = PersonForm(data, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.organisation = organisation
        if membership.role == Membership.Role.NAVIGATOR:
            person.navigator = request.user
        try:
            actions.create_person(person, by=request.user)
        except IntegrityError:
            form.add_error(
                "reference",
                _("Another person in your organisation already has this reference"),
            )
        else:
            messages.success(
                request, _("%(name)s has been added.") % {"name": person.display_name}
            )
            return redirect(person)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": None, "back_url": reverse("people:person-list")},
    )


@allow("GET")
@login_required
def person_detail(request, pk):
    person = get_person_for_user(request, pk)
    can_change = request.user.has_perm("people.change_person", person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "can_assign": request.user.has_perm("people.assign_navigator", person),
            "can_view_audit": request.user.has_perm("people.view_person_audit", person),
            "can_record_stance": can_change,
            "latest_assessment": person.assessments.submitted()
            .select_related("instrument")
            .order_by("-submitted_at")
            .first(),
            **_referrals_card(person),
            "current_episode": Episode.objects.filter(
                person=person, organisation_id=person.organisation_id
            ).first(),
            **_contacts_card(person, can_change=can_change),
            **groups_card(request, person, can_record=can_change),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def person_stance(request, pk):
    """The person's stance now and its history; and, for those who may
    change the record, a form to add to it."""
    perm = "people.change_person" if request.method == "POST" else "people.view_person"
    person = get_person_for_user(request, pk, perm=perm)
    can_record = request.method == "POST" or request.user.has_perm(
        "people.change_person", person
    )
    form = None
    if can_record:
        data = drafts.form_data(request)
        form = StanceForm(data, initial={"recorded_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            entry = actions.record_stance(
                person,
                stance=form.cleaned_data["stance"],
                recorded_on=form.cleaned_data["recorded_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            if person.stance_recorded_on > entry.recorded_on:
                messages.success(
                    request,
                    _(
                        "The stance has been added to the history. The current "
                        "stance is still the one from %(date)s, which is later."
                    )
                    % {"date": formats.date_format(person.stance_recorded_on, "j F Y")},
                )
            else:
                messages.success(request, _("The stance has been recorded."))
            return redirect(person)
    history = person.stances.latest_first().select_related("by")
    return render(
        request,
        "people/person_stance.html",
        {
            "form": form,
            "person": person,
            "history": history,
            "back_url": person.get_absolute_url(),
        },
    )


def _contacts_card(person, *, can_change):
    contacts = Contact.objects.filter(
        person=person, organisation_id=person.organisation_id
    )
    return {
        "last_contact": contacts.first(),
        "last_reached": contacts.reached().first(),
        "can_record_contact": can_change,
        "quick_token": uuid.uuid4(),
    }


def _referrals_card(person):
    """What the person page's referrals card needs, in two queries however
    many referrals the person has."""
    referrals = Referral.objects.filter(person=person)
    return {
        "referral_counts": referrals.aggregate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(status__in=Referral.WAITING_STATUSES)),
        ),
        "recent_referrals": list(
            referrals.select_related("service").order_by("-created_at", "-pk")[:3]
        ),
    }


@allow("GET", "POST")
@login_required
@guarded
def person_edit(request, pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    data = drafts.form_data(request)
    form = PersonForm(data, instance=person, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(form.save(commit=False), by=request.user)
        except IntegrityError:
            form.add_error(
                "reference",
                _("Another person in your organisation already has this reference"),
            )
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(person)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "back_url": person.get_absolute_url()},
    )


@allow("GET", "POST")
@login_required
@guarded
def person_status(request, pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    data = drafts.form_data(request)
    form = PersonStatusForm(data, instance=person)
    if request.method == "POST" and form.is_valid():
        actions.update_person(form.save(commit=False), by=request.user)
        messages.success(request, _("Your changes have been saved."))
        return redirect(person)
    return render(
        request,
        "people/person_status_form.html",
        {"form": form, "person": person, "back_url": person.get_absolute_url()},
    )


@allow("GET", "POST")
@login_required
@guarded
def person_navigator(request, pk):
    person = get_person_for_user(request, pk, perm="people.assign_navigator")
    data = drafts.form_data(request)
    form = AssignNavigatorForm(
        data,
        organisation=person.organisation,
        initial={"navigator": person.navigator},
        record=person,
    )
    if request.method == "POST" and form.is_valid():
        actions.assign_navigator(
            person, form.cleaned_data["navigator"], by=request.user
        )
        messages.success(request, _("The navigator has been changed."))
        return redirect(person)
    return render(
        request,
        "people/person_navigator_form.html",
        {"form": form, "person": person, "back_url": person.get_absolute_url()},
    )


@allow("GET")
@login_required
def person_audit(request, pk):
    person = get_person_for_user(request, pk, perm="people.view_person_audit")
    events = AuditEvent.objects.for_person(person).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "people/person_audit.html", {"person": person, "page": page})
