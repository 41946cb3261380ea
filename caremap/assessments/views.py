"""Taking an assessment and seeing its profile.

The same pages serve two journeys: a navigator working with a person (signed
in, checked against the person's record) and a person on their own device
with a self-completion link (no account; the link is the key). A `Flow`
carries what differs between them, so the question pages are written once.
"""

import json
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from caremap.accounts import drafts
from caremap.assessments import actions, profile
from caremap.assessments.forms import InstrumentChoiceForm, SectionForm
from caremap.assessments.models import Assessment, SelfCompletionLink
from caremap.concurrency import guarded
from caremap.http import allow
from caremap.instruments import fhir
from caremap.people.permissions import get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

DONE_SESSION_KEY = "assessment-links-done"


@dataclass
class Flow:
    assessment: Assessment
    by: object  # the signed-in user, or None on a self-completion link
    token: str = ""
    link: SelfCompletionLink | None = None

    @property
    def self_completion(self):
        return bool(self.token)

    def url(self, name, *args):
        if self.token:
            return reverse(f"assessments:self-{name}", args=[self.token, *args])
        return reverse(f"assessments:{name}", args=[self.assessment.pk, *args])

    @property
    def tasks_url(self):
        return self.url("start" if self.token else "assessment")

    @property
    def results_url(self):
        return self.url("done" if self.token else "profile")

    @property
    def url_pdf_a4(self):
        return self.url("pdf")

    @property
    def url_pdf_letter(self):
        return self.url("pdf") + "?size=letter"

    def context(self, **extra):
        instrument = self.assessment.instrument.instrument
        return {
            "flow": self,
            "assessment": self.assessment,
            "instrument": instrument,
            "person": self.assessment.person,
            **extra,
        }


# Navigator journey -----------------------------------------------------


@allow("GET")
@login_required
def person_assessments(request, pk):
    person = get_person_for_user(request, pk)
    assessments = list(
        Assessment.objects.filter(person=person)
        .select_related("instrument", "started_by", "submitted_by")
        .history()
    )
    links = list(
        SelfCompletionLink.objects.filter(person=person)
        .select_related("instrument", "created_by")
        .usable()
    )
    can_assess = request.user.has_perm("people.change_person", person)
    return render(
        request,
        "assessments/person_assessments.html",
        {
            "person": person,
            "assessments": assessments,
            "links": links,
            "can_assess": can_assess,
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def assessment_start(request, pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    form = InstrumentChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment, _created = actions.start_assessment(
            person, form.cleaned_data["instrument"], by=request.user
        )
        return redirect("assessments:assessment", assessment.pk)
    return render(
        request,
        "assessments/start.html",
        {
            "person": person,
            "form": form,
            "back_url": reverse("assessments:person-assessments", args=[person.pk]),
        },
    )


@allow("GET", "POST")
@login_required
@guarded
def link_issue(request, pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    form = InstrumentChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link, token = actions.issue_link(
            person, form.cleaned_data["instrument"], by=request.user
        )
        # The token is shown once, on the next page, and never stored.
        request.session[f"link-token-{link.pk}"] = token
        return redirect("assessments:link-show", person.pk, link.pk)
    return render(
        request,
        "assessments/link_issue.html",
        {
            "person": person,
            "form": form,
            "back_url": reverse("assessments:person-assessments", args=[person.pk]),
            "link_days": settings.ASSESSMENT_LINK_DAYS,
        },
    )


@allow("GET")
@login_required
def link_show(request, pk, link_pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    link = SelfCompletionLink.objects.filter(pk=link_pk, person=person).first()
    if link is None:
        raise Http404
    token = request.session.pop(f"link-token-{link.pk}", None)
    url = qr = None
    if token and link.state == SelfCompletionLink.State.ACTIVE:
        # The link opens in the person's own language, whatever the
        # navigator's screen is in; the page offers the other one.
        with translation.override(person.preferred_language or None):
            url = request.build_absolute_uri(
                reverse("assessments:self-start", args=[token])
            )
        qr = _qr_svg(url)
    return render(
        request,
        "assessments/link_show.html",
        {"person": person, "link": link, "url": url, "qr": qr},
    )


@allow("POST")
@login_required
def link_revoke(request, pk, link_pk):
    person = get_person_for_user(request, pk, perm="people.change_person")
    link = SelfCompletionLink.objects.filter(pk=link_pk, person=person).first()
    if link is None:
        raise Http404
    actions.revoke_link(link, by=request.user)
    messages.success(request, _("The link has been cancelled."))
    return redirect("assessments:person-assessments", person.pk)


def _qr_svg(url):
    code = segno.make(url, error="m")
    return code.svg_inline(scale=4, title=_("QR code for the link"), dark="#0b0c0c")


def _navigator_flow(request, pk, *, perm="people.view_person"):
    assessment = (
        Assessment.objects.select_related("instrument", "person").filter(pk=pk).first()
    )
    if assessment is None:
        raise Http404
    person = get_person_for_user(request, assessment.person_id, perm=perm)
    assessment.person = person
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=assessment,
        person=person,
        summary=f"Opened {request.resolver_match.url_name}",
    )
    return Flow(assessment=assessment, by=request.user)


@allow("GET")
@login_required
def assessment(request, pk):
    flow = _navigator_flow(request, pk)
    if flow.assessment.is_submitted:
        return redirect("assessments:profile", pk)
    if not request.user.has_perm("people.change_person", flow.assessment.person):
        raise PermissionDenied
    return _tasks(request, flow)


@allow("GET", "POST")
@login_required
@guarded
def section(request, pk, section_id):
    flow = _navigator_flow(request, pk, perm="people.change_person")
    return _section(request, flow, section_id)


@allow("GET", "POST")
@login_required
def check(request, pk):
    flow = _navigator_flow(request, pk, perm="people.change_person")
    return _check(request, flow)


@allow("GET")
@login_required
def profile_page(request, pk):
    flow = _navigator_flow(request, pk)
    return _profile(request, flow)


@allow("GET")
@login_required
def profile_pdf(request, pk):
    flow = _navigator_flow(request, pk)
    return _pdf(request, flow)


@allow("GET")
@login_required
def questionnaire_response(request, pk):
    flow = _navigator_flow(request, pk)
    assessment = flow.assessment
    if not assessment.is_submitted:
        raise Http404
    version = assessment.instrument
    resource = fhir.assessment_to_questionnaire_response(
        version.definition,
        assessment.answers,
        questionnaire_url=fhir.definition_to_questionnaire(version.definition)["url"]
        + f"|{version.version}",
        subject_reference=None,
        authored=assessment.submitted_at.isoformat(),
    )
    record(
        AuditEvent.Action.EXPORT,
        by=request.user,
        record=assessment,
        person=assessment.person,
        summary="Downloaded as a FHIR QuestionnaireResponse",
    )
    response = HttpResponse(
        json.dumps(resource, indent=2, ensure_ascii=False),
        content_type="application/fhir+json",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-{assessment.pk}.json"'
    )
    return response


# Self-completion journey ------------------------------------------------
# No account, so the signed-in no-store rule does not reach these pages; they
# hold a person's answers, so each one says itself that it must not be kept.


def _self_flow(request, token):
    """The flow for a link, or the page explaining why it cannot be used."""
    link = SelfCompletionLink.find(token)
    if link is None:
        return None, render(request, "assessments/self/link_unknown.html", status=404)
    state = link.state
    done_here = link.pk in request.session.get(DONE_SESSION_KEY, [])
    if state == SelfCompletionLink.State.USED and done_here:
        # This browser submitted it: every page leads on to the results
        # (a resent form or a double tap lands there too).
        pass
    elif state != SelfCompletionLink.State.ACTIVE:
        return None, render(
            request,
            "assessments/self/link_closed.html",
            {"link": link, "state": state, "states": SelfCompletionLink.State},
            status=410,
        )
    if link.assessment_id is None:
        link = actions.open_link(link)
        link = SelfCompletionLink.find(token)
    assessment = link.assessment
    assessment.instrument = link.instrument
    assessment.person = link.person
    record(
        AuditEvent.Action.VIEW,
        by=None,
        record=assessment,
        person=link.person,
        summary=f"Opened {request.resolver_match.url_name} by self-completion link",
    )
    return Flow(assessment=assessment, by=None, token=token, link=link), None


@allow("GET")
@never_cache
def self_start(request, token):
    flow, refusal = _self_flow(request, token)
    return refusal or _tasks(request, flow)


@allow("GET", "POST")
@never_cache
@guarded
def self_section(request, token, section_id):
    flow, refusal = _self_flow(request, token)
    return refusal or _section(request, flow, section_id)


@allow("GET", "POST")
@never_cache
def self_check(request, token):
    flow, refusal = _self_flow(request, token)
    return refusal or _check(request, flow)


@allow("GET")
@never_cache
def self_done(request, token):
    flow, refusal = _self_flow(request, token)
    if refusal:
        return refusal
    if not flow.assessment.is_submitted:
        return redirect(flow.url("start"))
    return _profile(request, flow)


@allow("GET")
@never_cache
def self_pdf(request, token):
    flow, refusal = _self_flow(request, token)
    return refusal or _pdf(request, flow)


# Shared pages -----------------------------------------------------------


def _tasks(request, flow):
    if flow.assessment.is_submitted:
        return redirect(flow.results_url)
    instrument = flow.assessment.instrument.instrument
    sections = [
        {
            "section": s,
            "number": n,
            "done": flow.assessment.section_done(s.id),
            "url": flow.url("section", s.id),
        }
        for n, s in enumerate(instrument.sections, start=1)
    ]
    next_section = flow.assessment.first_section_to_do()
    return render(
        request,
        "assessments/tasks.html",
        flow.context(
            sections=sections,
            done_count=sum(1 for s in sections if s["done"]),
            next_url=flow.url("section", next_section.id) if next_section else None,
            check_url=flow.url("check"),
            ready=next_section is None,
        ),
    )


def _section(request, flow, section_id):
    assessment = flow.assessment
    if assessment.is_submitted:
        return redirect(flow.results_url)
    instrument = assessment.instrument.instrument
    ids = [s.id for s in instrument.sections]
    if section_id not in ids:
        raise Http404
    current = instrument.section(section_id)
    returning = request.GET.get("return") == "check"
    data = drafts.form_data(request) if flow.by is not None else (request.POST or None)
    form = SectionForm(current, data, answers=assessment.answers, record=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_section(assessment, current, form.answers, by=flow.by)
        except actions.AlreadySubmitted:
            return redirect(flow.results_url)
        if "later" in request.POST:
            messages.success(
                request, _("Your answers are saved. You can come back to them.")
            )
            return redirect(flow.tasks_url)
        if returning:
            return redirect(flow.url("check"))
        following = assessment.first_section_to_do()
        if following is None:
            return redirect(flow.url("check"))
        return redirect(flow.url("section", following.id))
    index = ids.index(section_id)
    return render(
        request,
        "assessments/section.html",
        flow.context(
            section=current,
            form=form,
            number=index + 1,
            total=len(ids),
            back_url=flow.url("check")
            if returning
            else (flow.url("section", ids[index - 1]) if index else flow.tasks_url),
            tasks_url=flow.tasks_url,
        ),
    )


def _answer_text(item, answers):
    if item.id not in answers:
        return None
    answer = answers[item.id]
    if item.type == "yes_no":
        return _("Yes") if answer else _("No")
    if item.type == "scale":
        for point in item.points:
            if point.value == answer:
                return f"{point.label} ({answer})"
    if item.type == "single_choice":
        return str(item.option(answer).label)
    if item.type == "multiple_choice":
        return ", ".join(str(item.option(code).label) for code in answer)
    if item.type == "number" and item.unit:
        return f"{answer} {item.unit}"
    return str(answer)


def _check(request, flow):
    assessment = flow.assessment
    if assessment.is_submitted:
        return redirect(flow.results_url)
    instrument = assessment.instrument.instrument
    problems = []
    if request.method == "POST":
        try:
            submitted, _first = actions.submit_assessment(assessment, by=flow.by)
        except actions.NotReady:
            problems.append(
                _(
                    "Answer every question before you submit. The sections still to do are marked Incomplete."
                )
            )
        else:
            if flow.token:
                done = request.session.get(DONE_SESSION_KEY, [])
                if flow.link.pk not in done:
                    request.session[DONE_SESSION_KEY] = [*done, flow.link.pk]
                return redirect(flow.url("done"))
            return redirect("assessments:profile", submitted.pk)
    cards = [
        {
            "section": s,
            "done": assessment.section_done(s.id),
            "change_url": flow.url("section", s.id) + "?return=check",
            "rows": [
                (item, _answer_text(item, assessment.answers)) for item in s.items
            ],
        }
        for s in instrument.sections
    ]
    return render(
        request,
        "assessments/check.html",
        flow.context(
            cards=cards,
            problems=problems,
            ready=assessment.all_sections_done()
            and not actions.missing_answers(assessment),
            back_url=flow.tasks_url,
        ),
    )


def _profile_context(flow):
    assessment = flow.assessment
    if not assessment.is_submitted:
        raise Http404
    previous = assessment.previous()
    built = profile.build(assessment, previous)
    history = []
    if not flow.self_completion:
        history = list(
            Assessment.objects.submitted()
            .filter(person_id=assessment.person_id)
            .select_related("instrument")
            .history()
        )
    return flow.context(profile=built, history=history)


def _profile(request, flow):
    return render(request, "assessments/profile.html", _profile_context(flow))


def _pdf(request, flow):
    # Imported here so the rest of the service runs on a machine without the
    # Pango library WeasyPrint needs; only PDF downloads depend on it.
    from caremap.pdf import pdf_response, render_pdf

    context = _profile_context(flow)
    size = "letter" if request.GET.get("size") == "letter" else "A4"
    pdf = render_pdf(request, "assessments/profile_pdf.html", context, page_size=size)
    record(
        AuditEvent.Action.EXPORT,
        by=flow.by,
        record=flow.assessment,
        person=flow.assessment.person,
        summary=f"Downloaded the profile as a PDF ({size})",
    )
    taken = timezone.localtime(flow.assessment.submitted_at).date().isoformat()
    return pdf_response(pdf, f"recovery-profile-{taken}.pdf")
