"""A manager's care-plan audit pages: the indicators per navigator, drawing
a sample, judging each sampled plan, the results, and completing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.assessments.models import Assessment
from caremap.concurrency import guarded
from caremap.http import allow
from caremap.organisations.models import Organisation
from caremap.planaudits import actions, indicators, results
from caremap.planaudits.forms import DrawForm, JudgementForm
from caremap.planaudits.models import PlanAudit, PlanAuditItem
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

PERM = "planaudits.audit_plans"
# Enough history for supervision; older audits stay in the database.
PAST_AUDITS_SHOWN = 20


def get_organisation_for_auditor(request, organisation_pk):
    """The organisation, if request.user manages it; 403 otherwise."""
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    if not request.user.has_perm(PERM, organisation):
        record(
            AuditEvent.Action.DENIED,
            by=request.user,
            record=organisation,
            summary="Refused the care-plan audit",
        )
        raise PermissionDenied
    return organisation


def get_audit_for_auditor(request, organisation_pk, audit_pk):
    organisation = get_organisation_for_auditor(request, organisation_pk)
    audit = get_object_or_404(
        PlanAudit.objects.select_related("created_by", "completed_by"),
        organisation=organisation,
        pk=audit_pk,
    )
    audit.organisation = organisation
    return audit


def summary_of(total):
    """A sentence or two saying what the table says, for those who do not
    read tables."""
    if not total.plans:
        return _("There are no active care plans yet.")
    _key, label, count, share = min(total.shares, key=lambda row: row[2])
    return _(
        "Of %(plans)s active plans, %(all)s (%(all_share)s%%) meet all six "
        "indicators. The indicator met least often is “%(lowest)s”: "
        "%(lowest_count)s plans (%(lowest_share)s%%)."
    ) % {
        "plans": total.plans,
        "all": total.all_met,
        "all_share": total.all_met_share,
        "lowest": label,
        "lowest_count": count,
        "lowest_share": share,
    }


@allow("GET")
@login_required
def overview(request, organisation_pk):
    organisation = get_organisation_for_auditor(request, organisation_pk)
    rows, total = indicators.by_navigator(organisation)
    audits = list(
        organisation.plan_audits.with_counts().select_related("created_by")[
            :PAST_AUDITS_SHOWN
        ]
    )
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="careplans.careplan",
        organisation=organisation,
        summary="Care-plan quality by navigator",
    )
    return render(
        request,
        "planaudits/overview.html",
        {
            "organisation": organisation,
            "rows": rows,
            "total": total,
            "summary": summary_of(total),
            "labels": indicators.LABELS,
            "audits": audits,
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def draw(request, organisation_pk):
    organisation = get_organisation_for_auditor(request, organisation_pk)
    available = len(actions.active_plan_ids(organisation))
    form = DrawForm(drafts.form_data(request), available=available)
    if request.method == "POST" and form.is_valid():
        try:
            audit = actions.draw_sample(
                organisation, by=request.user, size=form.cleaned_data["size"]
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request,
                _("%(count)s plans have been chosen at random. Judge each one.")
                % {"count": audit.sample_size},
            )
            return redirect(audit)
    return render(
        request,
        "planaudits/draw.html",
        {
            "organisation": organisation,
            "form": form,
            "available": available,
            "back_url": _overview_url(organisation),
        },
    )


def _overview_url(organisation):
    return reverse("planaudits:overview", args=[organisation.pk])


@allow("GET")
@login_required
def audit_detail(request, organisation_pk, audit_pk):
    audit = get_audit_for_auditor(request, organisation_pk, audit_pk)
    items = list(audit.items.select_related("plan__person", "navigator"))
    for item in items:
        item.audit = audit
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record=audit,
        organisation=audit.organisation,
        summary="Looked at the plans in a care-plan audit",
    )
    return render(
        request,
        "planaudits/audit.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "items": items,
            "judged": sum(item.is_judged for item in items),
            "labels": indicators.LABELS,
        },
    )


def _next_unjudged(item):
    """The next plan still to judge after `item`, going round to the start."""
    waiting = item.audit.items.filter(reviewed_at__isnull=True).exclude(pk=item.pk)
    return waiting.filter(position__gt=item.position).first() or waiting.first()


def _plan_summary(plan):
    goals = list(
        plan.goals.prefetch_related("actions", "strengths", "resources").order_by(
            "position", "pk"
        )
    )
    return {
        "goals": goals,
        "last_review": plan.reviews.first(),
        "latest_assessment": Assessment.objects.submitted()
        .filter(person_id=plan.person_id)
        .select_related("instrument")
        .order_by("-submitted_at")
        .first(),
    }


@allow("GET", "POST")
@login_required
@guarded
def item_form(request, organisation_pk, audit_pk, item_pk):
    audit = get_audit_for_auditor(request, organisation_pk, audit_pk)
    item = get_object_or_404(
        PlanAuditItem.objects.select_related("plan__person", "navigator"),
        audit=audit,
        pk=item_pk,
    )
    item.audit = audit
    plan = item.plan
    if request.method == "POST" and not audit.is_open:
        messages.info(request, _("This audit is completed, so it cannot be changed."))
        return redirect(item)
    form = JudgementForm(drafts.form_data(request), instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            actions.judge_item(item, by=request.user, **form.answers())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            following = _next_unjudged(item)
            if following is None:
                messages.success(
                    request,
                    _(
                        "Every plan in the sample has been judged. You can now complete the audit."
                    ),
                )
                return redirect(audit)
            following.audit = audit
            messages.success(
                request,
                _("Saved. This is the next plan still to judge."),
            )
            return redirect(following)
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=plan,
        person=plan.person,
        organisation=audit.organisation,
        summary=f"Looked at a care plan for audit {audit.pk}",
    )
    return render(
        request,
        "planaudits/item.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "item": item,
            "plan": plan,
            "person": plan.person,
            "form": form,
            "labels": indicators.LABELS,
            "back_url": audit.get_absolute_url(),
            **_plan_summary(plan),
        },
    )


@allow("GET")
@login_required
def audit_results(request, organisation_pk, audit_pk):
    audit = get_audit_for_auditor(request, organisation_pk, audit_pk)
    rows, total = results.tallies(audit)
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=audit,
        organisation=audit.organisation,
        summary="Looked at the results of a care-plan audit",
    )
    return render(
        request,
        "planaudits/results.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "rows": rows,
            "total": total,
            "questions": results.QUESTION_LABELS,
            "back_url": audit.get_absolute_url(),
        },
    )


@allow("GET", "POST")
@login_required
def complete(request, organisation_pk, audit_pk):
    audit = get_audit_for_auditor(request, organisation_pk, audit_pk)
    if not audit.is_open:
        messages.info(request, _("This audit is already completed."))
        return redirect(audit)
    unjudged = []
    if request.method == "POST":
        try:
            actions.complete_audit(audit, by=request.user)
        except actions.Unjudged as refusal:
            unjudged = refusal.items
        else:
            messages.success(request, _("The audit is completed."))
            return redirect("planaudits:results", audit.organisation.pk, audit.pk)
    else:
        unjudged = list(
            audit.items.filter(reviewed_at__isnull=True).select_related("plan__person")
        )
    for item in unjudged:
        item.audit = audit
    return render(
        request,
        "planaudits/complete.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "unjudged": unjudged,
            "refused": request.method == "POST",
            "back_url": audit.get_absolute_url(),
        },
    )
