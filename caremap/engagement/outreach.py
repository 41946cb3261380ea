"""Alerts and the outreach that follows them, and recording post-exit
check-ups. Every change goes through actions.py."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.assessments.models import Assessment
from caremap.concurrency import guarded
from caremap.engagement import actions, alerting
from caremap.engagement.models import Alert, CheckUp, Contact, EngagementSettings
from caremap.engagement.outreach_forms import CheckUpForm, CloseForm, SettingsForm
from caremap.http import allow
from caremap.organisations.permissions import get_organisation_for_user
from caremap.people.models import Person
from caremap.people.permissions import CHANGE, VIEW, get_person_for_user, refuse_missing
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

PAGE_SIZE = 25


def get_alert_for_user(request, pk, *, perm=VIEW):
    alert = Alert.objects.select_related("task__assigned_to").filter(pk=pk).first()
    if alert is None:
        refuse_missing(request)
    alert.person = get_person_for_user(request, alert.person_id, perm=perm)
    return alert


def get_check_up_for_user(request, pk, *, perm=VIEW):
    check_up = CheckUp.objects.select_related("episode").filter(pk=pk).first()
    if check_up is None:
        refuse_missing(request)
    check_up.episode.person = get_person_for_user(
        request, check_up.episode.person_id, perm=perm
    )
    return check_up


@allow("GET")
@login_required
def alert_list(request):
    if not request.user.has_perm("people.list_people"):
        raise PermissionDenied
    alerts = (
        Alert.objects.open()
        .filter(person__in=Person.objects.visible_to(request.user))
        .select_related("person", "task__assigned_to")
        .order_by("-raised_at", "-pk")
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="engagement.alert",
        summary=f"Open alerts, page {page.number}",
    )
    return render(request, "engagement/outreach/alert_list.html", {"page": page})


@allow("GET")
@login_required
def alert_detail(request, pk):
    alert = get_alert_for_user(request, pk)
    task = getattr(alert, "task", None)
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=alert,
        person=alert.person,
        summary="Looked at an alert",
    )
    return render(
        request,
        "engagement/outreach/alert_detail.html",
        {
            "alert": alert,
            "person": alert.person,
            "task": task,
            "attempts": list(task.attempts.select_related("by")) if task else [],
            "recent_contacts": list(
                Contact.objects.filter(person=alert.person).select_related("by")[:5]
            ),
            "can_act": request.user.has_perm(CHANGE, alert.person)
            and alert.closed_at is None,
        },
    )


@allow("POST")
@login_required
def outreach_start(request, pk):
    alert = get_alert_for_user(request, pk, perm=CHANGE)
    if alert.person.do_not_contact:
        messages.info(
            request,
            _("The person has asked not to be contacted, so no outreach is started."),
        )
        return redirect("engagement:alert", pk=alert.pk)
    _task, created = actions.start_outreach(alert, by=request.user)
    if created:
        messages.success(request, _("Outreach started. Record each attempt here."))
    return redirect("engagement:alert", pk=alert.pk)


@allow("GET", "POST")
@login_required
@guarded
def alert_close(request, pk):
    alert = get_alert_for_user(request, pk, perm=CHANGE)
    if alert.closed_at is not None:
        messages.info(request, _("That alert was already closed."))
        return redirect("engagement:alert", pk=alert.pk)
    form = CloseForm(drafts.form_data(request), person=alert.person, record=alert)
    if request.method == "POST" and form.is_valid():
        actions.close_alert(
            alert,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The alert is closed."))
        return redirect(alert.person)
    return render(
        request,
        "engagement/outreach/close_form.html",
        {
            "form": form,
            "alert": alert,
            "person": alert.person,
            "back_url": alert.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def check_up_record(request, pk):
    check_up = get_check_up_for_user(request, pk, perm=CHANGE)
    person = check_up.episode.person
    since = timezone.make_aware(
        datetime.datetime.combine(check_up.episode.ended_on, datetime.time.min)
    )
    form = CheckUpForm(
        drafts.form_data(request),
        instance=check_up,
        contacts=Contact.objects.filter(person=person, happened_at__gte=since)[:20],
        check_ins=Assessment.objects.submitted()
        .filter(
            person=person,
            instrument__key=alerting.CHECK_IN_INSTRUMENT,
            submitted_at__gte=since,
        )
        .order_by("-submitted_at")[:10],
    )
    if request.method == "POST" and form.is_valid():
        actions.record_check_up(
            check_up,
            by=request.user,
            done_on=form.cleaned_data["done_on"],
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            **form.linked(),
        )
        messages.success(request, _("The check-up has been recorded."))
        return redirect(check_up.episode)
    return render(
        request,
        "engagement/outreach/check_up_form.html",
        {
            "form": form,
            "check_up": check_up,
            "person": person,
            "back_url": check_up.episode.get_absolute_url(),
        },
    )


def _settings_of(organisation):
    current = EngagementSettings.for_organisation(organisation.pk)
    return [(name, getattr(current, name)) for name in actions.FIELDS]


@allow("GET", "POST")
@login_required
@guarded
def engagement_settings(request, pk):
    """A manager sets the organisation's rules for staying connected."""
    organisation = get_organisation_for_user(request, pk)
    current = EngagementSettings.for_organisation(organisation.pk)
    form = SettingsForm(
        drafts.form_data(request),
        instance=current,
        # The organisation, since its settings may have no row yet.
        record=organisation,
        fingerprint=_settings_of,
    )
    if request.method == "POST" and form.is_valid():
        actions.save_settings(
            organisation,
            by=request.user,
            **{name: form.cleaned_data[name] for name in actions.FIELDS},
        )
        messages.success(request, _("The rules for staying connected are saved."))
        return redirect("engagement:settings", organisation.pk)
    return render(
        request,
        "engagement/outreach/settings.html",
        {
            "form": form,
            "organisation": organisation,
            "back_url": reverse(
                "organisations:organisation-detail", args=[organisation.pk]
            ),
        },
    )
