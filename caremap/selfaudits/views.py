"""The self-audit pages: managers keep their organisation's audits; the
area's commissioners read the completed ones side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from caremap.accounts import drafts
from caremap.concurrency import guarded
from caremap.http import allow
from caremap.organisations.models import Area, Organisation
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent
from caremap.selfaudits import actions, checklist, compare
from caremap.selfaudits.forms import (
    AnswerForm,
    AreaDateForm,
    StartForm,
    last_full_quarter,
)
from caremap.selfaudits.models import Answer, EvidenceFile, Rating, SelfAudit

COMPARED = 4


def get_organisation_for_user(request, pk):
    organisation = get_object_or_404(Organisation.objects.select_related("area"), pk=pk)
    if not request.user.has_perm("selfaudits.keep_audits", organisation):
        raise PermissionDenied
    return organisation


def get_audit_for_user(request, organisation_pk, pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    audit = get_object_or_404(
        SelfAudit.objects.select_related("completed_by"),
        organisation=organisation,
        pk=pk,
    )
    audit.organisation = organisation
    return audit


def get_area_for_user(request, pk):
    area = get_object_or_404(Area, pk=pk)
    if not request.user.has_perm("selfaudits.view_area_audits", area):
        raise PermissionDenied
    return area


def _answers(audit):
    return {
        answer.area: answer
        for answer in audit.answers.prefetch_related("files").order_by("pk")
    }


def _rows(audit, answers):
    return [(area, answers.get(area.key)) for area in audit.checklist.areas]


@allow("GET")
@login_required
def audit_list(request, organisation_pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    audits = list(organisation.self_audits.with_counts().order_by("-period_end", "-pk"))
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="selfaudits.selfaudit",
        organisation=organisation,
        summary="Listed the organisation's self-audits",
    )
    return render(
        request,
        "selfaudits/audit_list.html",
        {
            "organisation": organisation,
            "audits": audits,
            "completed": sum(audit.is_completed for audit in audits),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def audit_start(request, organisation_pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    start, end = last_full_quarter(timezone.localdate())
    form = StartForm(
        drafts.form_data(request),
        initial={"period_start": start, "period_end": end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            audit = actions.start_audit(
                organisation,
                by=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, _("The audit has started."))
            return redirect(audit)
    return render(
        request,
        "selfaudits/audit_start.html",
        {
            "organisation": organisation,
            "form": form,
            "back_url": reverse("selfaudits:list", args=[organisation.pk]),
        },
    )


def _render_audit(request, audit, *, missing=None, status=200):
    answers = _answers(audit)
    rows = _rows(audit, answers)
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=audit,
        summary="Looked at a self-audit",
    )
    return render(
        request,
        "selfaudits/audit_detail.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "rows": rows,
            "answered": sum(1 for _area, answer in rows if answer and answer.rating),
            "missing": missing,
        },
        status=status,
    )


@allow("GET")
@login_required
def audit_detail(request, organisation_pk, pk):
    audit = get_audit_for_user(request, organisation_pk, pk)
    return _render_audit(request, audit)


@allow("POST")
@login_required
def audit_complete(request, organisation_pk, pk):
    audit = get_audit_for_user(request, organisation_pk, pk)
    try:
        actions.complete_audit(audit, by=request.user)
    except ValidationError:
        missing = audit.unanswered_areas(_answers(audit))
        return _render_audit(request, audit, missing=missing)
    messages.success(request, _("The audit is completed."))
    return redirect(audit)


@allow("POST")
@login_required
def audit_reopen(request, organisation_pk, pk):
    audit = get_audit_for_user(request, organisation_pk, pk)
    actions.reopen_audit(audit, by=request.user)
    messages.success(
        request,
        _(
            "The audit is open for changes again. Commissioners will not see it "
            "until it is completed again."
        ),
    )
    return redirect(audit)


@allow("GET", "POST")
@login_required
@guarded
def answer(request, organisation_pk, pk, area):
    audit = get_audit_for_user(request, organisation_pk, pk)
    item = audit.checklist.area(area)
    if item is None:
        raise Http404
    current = (
        Answer.objects.filter(audit=audit, area=item.key)
        .prefetch_related("files")
        .first()
    )
    form = AnswerForm(
        drafts.form_data(request),
        request.FILES or None,
        initial={
            "rating": current.rating if current else "",
            "evidence": current.evidence if current else "",
        },
        record=audit,
        fingerprint=lambda audit: _answer_as_shown(audit, item.key),
    )
    following = audit.checklist.after(item.key)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.save_answer(
                audit,
                item.key,
                by=request.user,
                rating=form.cleaned_data["rating"],
                evidence=form.cleaned_data["evidence"],
                files=[upload] if upload else [],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            if upload:
                messages.success(
                    request,
                    _("Saved, with the file %(name)s attached.")
                    % {"name": upload.name},
                )
            else:
                messages.success(request, _("Saved."))
            if request.POST.get("then") == "stay":
                return redirect(
                    "selfaudits:answer", audit.organisation.pk, audit.pk, item.key
                )
            if following is not None:
                return redirect(
                    "selfaudits:answer", audit.organisation.pk, audit.pk, following.key
                )
            return redirect(audit)
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=audit,
        summary=f"Looked at self-audit area {item.key}",
    )
    keys = audit.checklist.keys()
    return render(
        request,
        "selfaudits/answer.html",
        {
            "organisation": audit.organisation,
            "audit": audit,
            "area": item,
            "number": keys.index(item.key) + 1,
            "total": len(keys),
            "answer": current,
            "files": list(current.files.all()) if current else [],
            "form": form,
            "following": following,
            "back_url": audit.get_absolute_url(),
        },
    )


def _answer_as_shown(audit, key):
    answer = Answer.objects.filter(audit=audit, area=key).first()
    return [
        ("rating", answer.rating if answer else ""),
        ("evidence", answer.evidence if answer else ""),
    ]


def _get_file(request, organisation_pk, pk, file_pk):
    audit = get_audit_for_user(request, organisation_pk, pk)
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("answer"), answer__audit=audit, pk=file_pk
    )
    evidence.answer.audit = audit
    return evidence


@allow("GET")
@login_required
def file_download(request, organisation_pk, pk, file_pk):
    evidence = _get_file(request, organisation_pk, pk, file_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=evidence,
        organisation=evidence.answer.audit.organisation,
        summary=f"Downloaded an evidence file from self-audit area {evidence.answer.area}",
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@allow("POST")
@login_required
def file_remove(request, organisation_pk, pk, file_pk):
    evidence = _get_file(request, organisation_pk, pk, file_pk)
    audit = evidence.answer.audit
    try:
        actions.remove_file(evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The file %(name)s has been removed.") % {"name": evidence.original_name},
        )
    return redirect(
        "selfaudits:answer", audit.organisation.pk, audit.pk, evidence.answer.area
    )


def _ratings(audit):
    return {answer.area: answer.rating for answer in audit.answers.all()}


@allow("GET")
@login_required
def audit_compare(request, organisation_pk):
    organisation = get_organisation_for_user(request, organisation_pk)
    # One more than is shown: the oldest column's movement needs a baseline.
    audits = list(
        organisation.self_audits.completed()
        .order_by("-period_end", "-pk")
        .prefetch_related("answers")[: COMPARED + 1]
    )
    ratings = [_ratings(audit) for audit in audits]
    shown = audits[:COMPARED]
    areas = shown[0].checklist.areas if shown else ()
    keys = [area.key for area in areas]
    rows = compare.table(keys, ratings, shown=COMPARED)
    labels = dict(Rating.choices)
    summary = (
        compare.summary(keys, ratings[0], ratings[1]) if len(ratings) > 1 else None
    )
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="selfaudits.selfaudit",
        organisation=organisation,
        summary="Compared the organisation's self-audits",
    )
    return render(
        request,
        "selfaudits/compare.html",
        {
            "organisation": organisation,
            "audits": shown,
            "rows": [
                (
                    area,
                    [
                        (audit, cell, labels.get(cell.rating, ""))
                        for audit, cell in zip(shown, cells, strict=True)
                    ],
                )
                for area, (_key, cells) in zip(areas, rows, strict=True)
            ],
            "summary": summary,
            "back_url": reverse("selfaudits:list", args=[organisation.pk]),
        },
    )


@allow("GET")
@login_required
def area_overview(request, area_pk):
    area = get_area_for_user(request, area_pk)
    today = timezone.localdate()
    chosen = any(key.startswith("on_") for key in request.GET)
    form = AreaDateForm(request.GET if chosen else None, initial={"on": today})
    on = today
    if chosen and form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    latest = (
        SelfAudit.objects.completed()
        .filter(organisation=OuterRef("pk"), period_end__lte=on)
        .order_by("-period_end", "-pk")
        .values("pk")[:1]
    )
    organisations = list(
        area.organisations.order_by("name").annotate(latest_audit=Subquery(latest))
    )
    audits = SelfAudit.objects.prefetch_related("answers").in_bulk(
        [o.latest_audit for o in organisations if o.latest_audit]
    )
    columns = [(o, audits.get(o.latest_audit)) for o in organisations]
    given = {pk: _ratings(audit) for pk, audit in audits.items()}
    labels = dict(Rating.choices)
    rows = [
        (
            area_item,
            [
                (
                    organisation,
                    labels.get(given[audit.pk].get(area_item.key, ""), "")
                    if audit
                    else None,
                )
                for organisation, audit in columns
            ],
        )
        for area_item in checklist.get(checklist.CURRENT).areas
    ]
    record(
        AuditEvent.Action.LIST,
        by=request.user,
        record_type="selfaudits.selfaudit",
        summary=f"Compared self-audits across area {area.pk} as at {on}",
    )
    return render(
        request,
        "selfaudits/area_overview.html",
        {
            "area": area,
            "form": form,
            "on": on,
            "columns": columns,
            "rows": rows,
            "any_audit": bool(audits),
        },
    )


@allow("GET")
@login_required
def area_audit(request, area_pk, pk):
    area = get_area_for_user(request, area_pk)
    audit = get_object_or_404(
        SelfAudit.objects.completed().select_related("organisation"),
        organisation__area=area,
        pk=pk,
    )
    answers = {answer.area: answer for answer in audit.answers.all()}
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=audit,
        summary="Read a completed self-audit as commissioner",
    )
    return render(
        request,
        "selfaudits/area_audit.html",
        {
            "area": area,
            "audit": audit,
            "organisation": audit.organisation,
            "rows": _rows(audit, answers),
            "back_url": reverse("selfaudits:area", args=[area.pk]),
        },
    )
