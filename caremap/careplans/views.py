"""Care-planning pages: the goals a profile suggests, a person's plan, and
its maps."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import reswap, retarget

from caremap.assessments.models import Assessment
from caremap.careplans import actions, maps
from caremap.careplans import suggestions as suggesting
from caremap.careplans.models import (
    REVIEW_EVERY_DAYS_DEFAULT,
    CarePlan,
    Goal,
    PlanSettings,
)
from caremap.careplans.permissions import get_goal_for_user, get_plan_for_user
from caremap.concurrency import Guarded, guarded
from caremap.forms import Form as GovukForm
from caremap.http import allow
from caremap.organisations.permissions import get_organisation_for_user
from caremap.organisations.rules import person_level_organisation_ids
from caremap.people.permissions import CHANGE, get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

GROUPS = [
    ("barrier", _("Deal with first: what is getting in the way")),
    ("need", _("Help you would like")),
    ("strength", _("Build on what is there")),
]


@allow("GET")
@login_required
def suggestions(request, pk):
    """The goals an assessment's profile suggests, best first, each with why
    and the local resources that could help."""
    assessment = (
        Assessment.objects.submitted()
        .select_related("instrument", "person")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    person = get_person_for_user(request, assessment.person_id)
    assessment.person = person
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=assessment,
        person=person,
        summary="Opened the suggested goals",
    )
    offers = suggesting.for_assessment(
        assessment, organisation_ids=person_level_organisation_ids(request.user)
    )
    instrument = assessment.instrument.instrument
    titles = {d.id: str(d.title) for d in instrument.domains}
    for offer in offers:
        offer.reason_lines = [reason_text(r, titles) for r in offer.suggestion.reasons]
        offer.strength_titles = [titles[s] for s in offer.suggestion.draw_on]
    return render(
        request,
        "careplans/suggestions.html",
        {
            "assessment": assessment,
            "person": person,
            "groups": [
                (heading, [o for o in offers if o.suggestion.category == category])
                for category, heading in GROUPS
            ],
            "count": len(offers),
        },
    )


BAND_WORDS = {
    "red": _("is a priority for now"),
    "amber": _("has some way to go"),
    "green": _("is going well"),
}
# Enough of the person's own words to explain, not to overwhelm.
STATEMENTS_SHOWN = 2


def reason_text(reason, titles):
    """Why a goal came up, in the person's terms."""
    if reason.kind == "barrier":
        return gettext("You said: “%(words)s”") % {"words": " ".join(reason.said)}
    if reason.kind == "need":
        return gettext("You would like: %(words)s") % {"words": " ".join(reason.said)}
    text = gettext("%(area)s %(state)s.") % {
        "area": titles.get(reason.ref, reason.ref),
        "state": BAND_WORDS.get(reason.band, ""),
    }
    said = reason.said[:STATEMENTS_SHOWN]
    if said:
        text += " " + gettext("You did not feel this was true yet: %(words)s") % {
            "words": "; ".join(f"“{words}”" for words in said)
        }
    return text


def _latest_assessment(person):
    return (
        Assessment.objects.submitted()
        .filter(person=person)
        .select_related("instrument")
        .order_by("-submitted_at")
        .first()
    )


@allow("GET", "POST")
@login_required
def person_plan(request, person_pk):
    """A person's active plan. Without one, a page to start it; starting it
    (POST) may carry on to a goal from a suggestion."""
    person = get_person_for_user(request, person_pk)
    plan = (
        CarePlan.objects.active()
        .filter(person=person, organisation=person.organisation)
        .first()
    )
    follow = {
        key: request.POST.get(key) or request.GET.get(key)
        for key in ("template", "assessment")
        if request.POST.get(key) or request.GET.get(key)
    }
    if request.method == "POST":
        person = get_person_for_user(request, person_pk, perm=CHANGE)
        plan, _created = actions.start_plan(person, by=request.user)
    if plan is not None:
        if follow:
            target = reverse("careplans:goal-add", args=[plan.pk])
            return redirect(f"{target}?{urlencode(follow)}")
        return redirect(plan)
    return render(
        request,
        "careplans/start.html",
        {
            "person": person,
            "follow": follow,
            "can_start": request.user.has_perm(CHANGE, person),
        },
    )


@allow("GET")
@login_required
def plan(request, pk):
    checked = get_plan_for_user(request, pk)
    return render(request, "careplans/plan.html", _plan_context(request, checked))


def goals_in_place(request, pk, *, notice):
    """The plan's goals, drawn again after a change made in place (see
    editing.py), with a note of what happened beside the goal it was made to.
    The permission was checked, and the change audited, by the editor."""
    checked = CarePlan.objects.select_related("person").get(pk=pk)
    response = render(
        request,
        "careplans/plan.html#goals",
        _plan_context(request, checked, notice=notice),
    )
    return reswap(retarget(response, "#plan-goals"), "innerHTML")


def _plan_context(request, checked, *, notice=None):
    plan = maps.plan_with_parts(CarePlan.objects.filter(pk=checked.pk)).get()
    plan.person = checked.person
    latest = _latest_assessment(plan.person)
    instrument = latest.instrument.instrument if latest else None
    titles = {d.id: str(d.title) for d in instrument.domains} if instrument else {}
    return {
        "plan": plan,
        "person": plan.person,
        "goals": list(plan.goals.all()),
        "titles": titles,
        "latest": latest,
        "today": timezone.localdate(),
        "can_edit": request.user.has_perm(CHANGE, plan.person)
        and plan.status == CarePlan.Status.ACTIVE,
        "notice": notice,
    }


def _capitals_and_needs(person):
    latest = _latest_assessment(person)
    if latest is None:
        return {}, []
    instrument = latest.instrument.instrument
    titles = {n.id: str(n.title) for n in instrument.needs}
    capitals = {d.id: d.capital for d in instrument.domains if d.capital}
    needs = [
        (n, titles[n]) for n in latest.scores.get("unmet_needs", []) if n in titles
    ]
    return capitals, needs


@allow("GET")
@login_required
def plan_map(request, pk):
    plan = get_plan_for_user(request, pk)
    person = plan.person
    plan = maps.plan_with_parts(CarePlan.objects.filter(pk=plan.pk)).get()
    plan.person = person
    capitals, needs = _capitals_and_needs(person)
    return render(
        request,
        "careplans/plan_map.html",
        {
            "plan": plan,
            "person": person,
            "layout": maps.plan_layout(plan, capitals=capitals, unmet_needs=needs),
        },
    )


@allow("GET")
@login_required
def goal_map(request, pk):
    checked = get_goal_for_user(request, pk)
    goal = (
        Goal.objects.filter(pk=pk)
        .prefetch_related(
            "actions__service", "strengths", "resources__service", "barriers__solutions"
        )
        .get()
    )
    goal.plan = checked.plan
    person = checked.plan.person
    return render(
        request,
        "careplans/goal_map.html",
        {
            "goal": goal,
            "plan": goal.plan,
            "person": person,
            "layout": maps.goal_layout(goal),
        },
    )


@allow("GET")
@login_required
def plan_pdf(request, pk):
    """The plan to take away: the goals written out, the care-planning map,
    then each goal's map, on A4 or US Letter."""
    # Imported here so the service runs without the Pango library WeasyPrint
    # needs; only PDF downloads depend on it.
    from caremap.pdf import pdf_response, render_pdf

    checked = get_plan_for_user(request, pk)
    plan = maps.plan_with_parts(CarePlan.objects.filter(pk=pk)).get()
    plan.person = checked.person
    capitals, needs = _capitals_and_needs(plan.person)
    goals = list(plan.goals.all())
    size = "letter" if request.GET.get("size") == "letter" else "A4"
    pdf = render_pdf(
        request,
        "careplans/plan_pdf.html",
        {
            "plan": plan,
            "person": plan.person,
            "goals": goals,
            "plan_layout": maps.plan_layout(plan, capitals=capitals, unmet_needs=needs)
            if goals
            else None,
            "goal_layouts": [
                (goal, maps.goal_layout(goal), f"goal-map-{goal.pk}") for goal in goals
            ],
            "today": timezone.localdate(),
        },
        page_size=size,
    )
    record(
        AuditEvent.Action.EXPORT,
        by=request.user,
        record=plan,
        person=plan.person,
        summary=f"Downloaded the care plan as a PDF ({size})",
    )
    return pdf_response(pdf, f"care-plan-{timezone.localdate().isoformat()}.pdf")


class PlanSettingsForm(Guarded, GovukForm):
    review_every_days = forms.IntegerField(
        label=_("How many days between reviews?"),
        help_text=_("Between 7 and 365. Most services review every 90 days."),
        min_value=7,
        max_value=365,
        error_messages={
            "required": _("Enter the number of days between reviews"),
            "invalid": _("Enter a whole number of days, like 90"),
            "min_value": _("Reviews must be at least 7 days apart"),
            "max_value": _("Reviews must be no more than 365 days apart"),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
        ),
    )


def _review_interval(organisation):
    current = PlanSettings.objects.filter(organisation=organisation).first()
    every = current.review_every_days if current else REVIEW_EVERY_DAYS_DEFAULT
    return [("review_every_days", every)]


@allow("GET", "POST")
@login_required
@guarded
def plan_settings(request, pk):
    """A manager sets how often the organisation's plans are reviewed."""
    organisation = get_organisation_for_user(request, pk)
    current = PlanSettings.objects.filter(organisation=organisation).first()
    every = current.review_every_days if current else REVIEW_EVERY_DAYS_DEFAULT
    form = PlanSettingsForm(
        request.POST or None,
        initial={"review_every_days": every},
        # The organisation, since its settings may have no row yet.
        record=organisation,
        fingerprint=_review_interval,
    )
    if request.method == "POST" and form.is_valid():
        actions.save_plan_settings(
            organisation,
            review_every_days=form.cleaned_data["review_every_days"],
            by=request.user,
        )
        messages.success(request, gettext("Saved how often plans are reviewed."))
        return redirect("careplans:plan-settings", organisation.pk)
    return render(
        request,
        "careplans/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "back_url": reverse(
                "organisations:organisation-detail", args=[organisation.pk]
            ),
        },
    )
