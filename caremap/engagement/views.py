"""Contacts with a person: the list, the full form, and the one-tap record
of a call that was not answered."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.engagement import actions
from caremap.engagement.forms import ContactForm
from caremap.engagement.models import Contact, OutreachTask
from caremap.http import allow
from caremap.people.permissions import CHANGE, get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

PAGE_SIZE = 25


@allow("GET")
@login_required
def person_contacts(request, person_pk):
    person = get_person_for_user(request, person_pk)
    contacts = Contact.objects.filter(
        person=person, organisation_id=person.organisation_id
    ).select_related("by")
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=person,
        person=person,
        summary="Looked at the person's contacts",
    )
    return render(
        request,
        "engagement/person_contacts.html",
        {
            "person": person,
            "page": page,
            "can_record": request.user.has_perm(CHANGE, person),
            "quick_token": uuid.uuid4(),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def contact_create(request, person_pk):
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    task = _open_task(person, request.GET.get("task") or request.POST.get("task"))
    form = ContactForm(drafts.form_data(request))
    if request.method == "POST" and form.is_valid():
        contact, new = actions.record_contact(
            person,
            by=request.user,
            token=form.cleaned_data["token"],
            task=task,
            **form.contact_fields(),
        )
        if new:
            messages.success(
                request, _("Contact recorded: %(contact)s.") % {"contact": contact}
            )
        else:
            messages.info(request, _("That contact was already recorded."))
        return redirect(task.alert if task else person)
    back = task.alert.get_absolute_url() if task else person.get_absolute_url()
    return render(
        request,
        "engagement/contact_form.html",
        {"form": form, "person": person, "back_url": back, "task": task},
    )


def _open_task(person, pk):
    """The open outreach task `pk` for this person, if that is what the
    contact is an attempt for."""
    if not str(pk or "").isdigit():
        return None
    return (
        OutreachTask.objects.select_related("alert")
        .filter(pk=pk, alert__person=person, closed_at__isnull=True)
        .first()
    )


@allow("POST")
@login_required
def no_answer(request, person_pk):
    """One tap: a phone call just now that was not answered."""
    person = get_person_for_user(request, person_pk, perm=CHANGE)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = None
    _contact, new = actions.record_contact(
        person,
        by=request.user,
        token=token,
        method=Contact.Method.PHONE,
        outcome=Contact.Outcome.NO_ANSWER,
    )
    if new:
        messages.success(request, _("Recorded: a phone call, no answer."))
    else:
        messages.info(request, _("That call was already recorded."))
    return redirect(person)
