"""The outline editor: one ordinary form page for each thing added to or
changed in a plan, so it all works without JavaScript and on a small phone.

Every form carries the revision of the plan it was made from. When the plan
has moved on since (someone else edited it, or the same form was sent
twice), the action refuses; the page then comes back with the person's
input kept and a list of what changed, and sending it again applies it on
top. A resubmission whose only "change since" is itself just goes back to
the plan, so a double click never adds a thing twice.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caremap.accounts import drafts
from caremap.assessments.models import Assessment
from caremap.careplans import actions, suggestions, views
from caremap.careplans.forms import (
    ActionForm,
    BarrierForm,
    GoalForm,
    RemoveForm,
    ResourceForm,
    StrengthForm,
    service_choices,
)
from caremap.careplans.models import (
    Action,
    Barrier,
    CarePlan,
    Goal,
    Resource,
    Strength,
)
from caremap.careplans.permissions import (
    get_action_for_user,
    get_barrier_for_user,
    get_goal_for_user,
    get_plan_for_user,
)
from caremap.directory import vocabulary
from caremap.directory.models import Listing
from caremap.http import allow
from caremap.instruments.models import InstrumentVersion
from caremap.people.permissions import CHANGE, refuse_missing

# How each kind of change in a plan's history reads to someone whose page
# went out of date, by the start of its stored summary.
CHANGE_WORDS = {
    "Plan started": _("%(who)s started the plan"),
    "Goal added": _("%(who)s added a goal: %(what)s"),
    "Goal changed": _("%(who)s changed a goal: %(what)s"),
    "Goal removed": _("%(who)s removed a goal: %(what)s"),
    "Step added": _("%(who)s added a step: %(what)s"),
    "Step changed": _("%(who)s changed a step: %(what)s"),
    "Step removed": _("%(who)s removed a step: %(what)s"),
    "Strength added": _("%(who)s added a strength: %(what)s"),
    "Strength removed": _("%(who)s removed a strength: %(what)s"),
    "Resource added": _("%(who)s added a resource: %(what)s"),
    "Resource removed": _("%(who)s removed a resource: %(what)s"),
    "Barrier added": _("%(who)s added something that could get in the way: %(what)s"),
    "Barrier changed": _(
        "%(who)s changed something that could get in the way: %(what)s"
    ),
    "Barrier removed": _(
        "%(who)s removed something that could get in the way: %(what)s"
    ),
}

PAGE = "careplans/edit/page.html"
FRAGMENT = "careplans/edit/fragment.html"
# The places on the plan page an editor can be drawn in (see plan.html).
PLACE = re.compile(r"new-goal|goal-[0-9]+-editor")

REMOVABLE = {
    "goal": Goal,
    "action": Action,
    "strength": Strength,
    "resource": Resource,
    "barrier": Barrier,
}


def summary(kind, words):
    """The history line an action writes (see actions.py), so a resubmitted
    form can be recognised as the change already made."""
    return f"{kind}: {words[:200]}"


def describe(change):
    """One change in a plan's history, as a sentence with its time."""
    head, _sep, what = change.summary.partition(": ")
    who = str(change.by)
    words = CHANGE_WORDS.get(head)
    text = (
        str(words) % {"who": who, "what": what}
        if words
        else gettext("%(who)s: %(what)s") % {"who": who, "what": change.summary}
    )
    at = timezone.localtime(change.at)
    clock = formats.time_format(at, "H:i")
    if at.date() == timezone.localdate():
        when = gettext("at %(time)s") % {"time": clock}
    else:
        when = gettext("on %(date)s at %(time)s") % {
            "date": formats.date_format(at, "j F"),
            "time": clock,
        }
    return f"{text} {when}"


# Getting what is edited, checked and audited.


def _get_goal_part(request, model, pk):
    """A strength or resource, through its goal's plan and person."""
    item = model.objects.filter(pk=pk).first()
    if item is None:
        refuse_missing(request)
    item.goal = get_goal_for_user(request, item.goal_id, perm=CHANGE)
    return item


GETTERS = {
    "goal": lambda request, pk: get_goal_for_user(request, pk, perm=CHANGE),
    "action": lambda request, pk: get_action_for_user(request, pk, perm=CHANGE),
    "barrier": lambda request, pk: get_barrier_for_user(request, pk, perm=CHANGE),
    "strength": lambda request, pk: _get_goal_part(request, Strength, pk),
    "resource": lambda request, pk: _get_goal_part(request, Resource, pk),
}


def _closed(request, plan):
    """A closed plan is a record of what happened: it is not changed."""
    if plan.status == CarePlan.Status.ACTIVE:
        return None
    return render(
        request,
        "careplans/edit/closed.html",
        {"plan": plan, "person": plan.person, "back_url": plan_url(plan)},
        status=403,
    )


def plan_url(plan, goal_pk=None):
    url = reverse("careplans:plan", args=[plan.pk])
    return f"{url}#goal-{goal_pk}" if goal_pk else url


def _area_services(plan, *, keep=None):
    """The directory services running in the area of the plan's
    organisation today, as (service id, name) choices by name."""
    listings = (
        Listing.objects.in_area(plan.organisation.area_id)
        .findable(timezone.localdate())
        .select_related("service")
        .order_by("service__name", "pk")
        .values_list("service_id", "service__name")
    )
    return service_choices(listings, keep=keep)


def _is_repeat(changes, user, expected):
    """Whether the only change since the page was opened is this very one,
    made by the same person: a form sent twice."""
    return (
        len(changes) == 1
        and changes[0].by_id == user.pk
        and (changes[0].summary == expected)
    )


def _current_revision(plan, changes):
    if changes:
        return changes[-1].revision
    return CarePlan.objects.values_list("revision", flat=True).get(pk=plan.pk)


def _place(request):
    """The id of the place on the plan page where htmx draws this editor, or
    None when it is a page of its own (no JavaScript, or opened directly)."""
    if not request.htmx:
        return None
    target = request.htmx.target or ""
    return target if PLACE.fullmatch(target) else None


def _edit_page(
    request,
    *,
    plan,
    make_form,
    save,
    expected_summary,
    goal_of,
    success,
    template,
    context,
):
    """The flow every editor shares, as a page of its own or drawn in place.

    `make_form(data)` builds the form, bound or not; `save(form)` makes the
    change through actions.py; `expected_summary(form)` is the history line
    it would write; `goal_of(saved, form)` is the goal to go back to
    afterwards, if any (`saved` is None when the change turns out to be
    already made)."""
    place = _place(request)

    def build(data):
        form = make_form(data)
        if place:
            form.auto_id = f"{place}-%s"
        return form

    def finish(saved, form, notice):
        goal_pk = goal_of(saved, form)
        if place:
            return views.goals_in_place(
                request, plan.pk, notice={"text": notice, "goal": goal_pk}
            )
        messages.add_message(
            request,
            messages.SUCCESS if saved is not None else messages.INFO,
            notice,
        )
        return redirect(plan_url(plan, goal_pk))

    form = build(drafts.form_data(request))
    changes = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except actions.StaleEdit as stale:
            if _is_repeat(stale.changes, request.user, expected_summary(form)):
                return finish(None, form, gettext("That was already saved."))
            changes = stale.changes
            data = request.POST.copy()
            data["revision"] = str(_current_revision(plan, changes))
            form = build(data)
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            return finish(saved, form, success(saved))
    return render(
        request,
        template,
        {
            "form": form,
            "plan": plan,
            "person": plan.person,
            "changes": [describe(change) for change in changes],
            "frame": FRAGMENT if place else PAGE,
            "place": place,
            **context,
        },
    )


def _revision(form):
    return form.cleaned_data["revision"]


# Goals.


def _goal_template(request, plan):
    """The goal template asked for in the query string, if it is one written
    for the person's assessment (or, without one, the default instrument)."""
    template_id = request.GET.get("template", "")
    if not template_id:
        return None
    version = None
    assessment_pk = request.GET.get("assessment", "")
    if assessment_pk.isdigit():
        assessment = (
            Assessment.objects.submitted()
            .select_related("instrument")
            .filter(pk=assessment_pk, person_id=plan.person_id)
            .first()
        )
        version = assessment.instrument if assessment else None
    if version is None:
        version = InstrumentVersion.objects.current_version(settings.DEFAULT_INSTRUMENT)
    if version is None:
        return None
    return next(
        (t for t in suggestions.templates_for(version) if t.id == template_id), None
    )


def _goal_initial(goal):
    return {
        "wording": goal.wording,
        "domain": goal.domain,
        "target_date": goal.target_date,
        "proposed_by": goal.proposed_by,
        "person_agreed": goal.person_agreed,
        "status": goal.status,
    }


@allow("GET", "POST")
@login_required
def goal_add(request, pk):
    plan = get_plan_for_user(request, pk, perm=CHANGE)
    if refused := _closed(request, plan):
        return refused
    domains = vocabulary.load().domains
    initial = {"revision": plan.revision}
    template = _goal_template(request, plan) if request.method == "GET" else None
    if template is not None:
        initial["wording"] = str(template.title)
        initial["template"] = template.id
        if template.domain in dict(domains):
            initial["domain"] = template.domain

    def goal_of(goal, form):
        if goal is None:
            # Sent twice: the goal the first sending added.
            wording = form.cleaned_data["wording"]
            goal = plan.goals.filter(wording=wording).order_by("pk").last()
        return goal.pk if goal else None

    def save(form):
        return actions.add_goal(
            plan,
            by=request.user,
            expected_revision=_revision(form),
            **form.goal_fields(),
        )

    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: GoalForm(data, initial=initial, domains=domains),
        save=save,
        expected_summary=lambda form: summary(
            "Goal added", form.cleaned_data["wording"]
        ),
        goal_of=goal_of,
        success=lambda goal: gettext("Goal added: %(goal)s") % {"goal": goal.wording},
        template="careplans/edit/goal_form.html",
        context={"back_url": plan_url(plan), "goal": None},
    )


@allow("GET", "POST")
@login_required
def goal_edit(request, pk):
    goal = get_goal_for_user(request, pk, perm=CHANGE)
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    domains = vocabulary.load().domains
    initial = {"revision": plan.revision, **_goal_initial(goal)}
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: GoalForm(
            data, initial=initial, domains=domains, goal=goal
        ),
        save=lambda form: actions.change_goal(
            goal,
            by=request.user,
            expected_revision=_revision(form),
            **form.goal_fields(),
        ),
        expected_summary=lambda form: summary(
            "Goal changed", form.cleaned_data["wording"]
        ),
        goal_of=lambda saved, form: goal.pk,
        success=lambda saved: gettext("Your goal has been saved."),
        template="careplans/edit/goal_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal},
    )


# Steps.


def _step_initial(step):
    return {
        "what": step.what,
        "who": step.who,
        "who_else": step.who_else,
        "due_on": step.due_on,
        "how_we_know": step.how_we_know,
        "service": str(step.service_id) if step.service_id else "",
        "status": step.status,
    }


@allow("GET", "POST")
@login_required
def action_add(request, pk):
    goal = get_goal_for_user(request, pk, perm=CHANGE)
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    services = _area_services(plan)
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: ActionForm(
            data, initial={"revision": plan.revision}, services=services
        ),
        save=lambda form: actions.add_action(
            goal,
            by=request.user,
            expected_revision=_revision(form),
            **form.action_fields(),
        ),
        expected_summary=lambda form: summary("Step added", form.cleaned_data["what"]),
        goal_of=lambda saved, form: goal.pk,
        success=lambda step: gettext("Step added: %(step)s") % {"step": step.what},
        template="careplans/edit/action_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal, "step": None},
    )


@allow("GET", "POST")
@login_required
def action_edit(request, pk):
    step = get_action_for_user(request, pk, perm=CHANGE)
    goal = step.goal
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    keep = None
    services = _area_services(plan)
    if step.service_id and str(step.service_id) not in dict(services):
        # Its service is no longer listed here: keep it rather than drop it.
        keep = (step.service_id, step.service.name if step.service else "")
        services = service_choices([], keep=keep) + services
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: ActionForm(
            data,
            initial={"revision": plan.revision, **_step_initial(step)},
            services=services,
            step=step,
        ),
        save=lambda form: actions.change_action(
            step,
            by=request.user,
            expected_revision=_revision(form),
            **form.action_fields(),
        ),
        expected_summary=lambda form: summary(
            "Step changed", form.cleaned_data["what"]
        ),
        goal_of=lambda saved, form: goal.pk,
        success=lambda saved: gettext("The step has been saved."),
        template="careplans/edit/action_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal, "step": step},
    )


# Strengths, resources and barriers.


def _profile_strengths(person):
    """(domain id, title) for the domains going well in the person's latest
    completed assessment."""
    latest = (
        Assessment.objects.filter(person=person, status=Assessment.Status.SUBMITTED)
        .select_related("instrument")
        .order_by("-submitted_at")
        .first()
    )
    if latest is None or not latest.scores:
        return []
    titles = {d.id: str(d.title) for d in latest.instrument.instrument.domains}
    return [
        (domain, titles[domain])
        for domain in latest.scores.get("strengths", [])
        if domain in titles
    ]


@allow("GET", "POST")
@login_required
def strength_add(request, pk):
    goal = get_goal_for_user(request, pk, perm=CHANGE)
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    picks = _profile_strengths(plan.person)
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: StrengthForm(
            data, initial={"revision": plan.revision}, profile_strengths=picks
        ),
        save=lambda form: actions.add_strength(
            goal,
            by=request.user,
            expected_revision=_revision(form),
            **form.strength_fields(),
        ),
        expected_summary=lambda form: summary(
            "Strength added", form.cleaned_data["wording"]
        ),
        goal_of=lambda saved, form: goal.pk,
        success=lambda strength: (
            gettext("Strength added: %(strength)s") % {"strength": strength.wording}
        ),
        template="careplans/edit/strength_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal},
    )


@allow("GET", "POST")
@login_required
def resource_add(request, pk):
    goal = get_goal_for_user(request, pk, perm=CHANGE)
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    services = _area_services(plan)

    def expected(form):
        return summary("Resource added", form.resource_fields()["name"])

    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: ResourceForm(
            data, initial={"revision": plan.revision}, services=services
        ),
        save=lambda form: actions.add_resource(
            goal,
            by=request.user,
            expected_revision=_revision(form),
            **form.resource_fields(),
        ),
        expected_summary=expected,
        goal_of=lambda saved, form: goal.pk,
        success=lambda resource: (
            gettext("Resource added: %(resource)s") % {"resource": resource.name}
        ),
        template="careplans/edit/resource_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal},
    )


@allow("GET", "POST")
@login_required
def barrier_add(request, pk):
    goal = get_goal_for_user(request, pk, perm=CHANGE)
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: BarrierForm(data, initial={"revision": plan.revision}),
        save=lambda form: actions.add_barrier(
            goal,
            by=request.user,
            expected_revision=_revision(form),
            wording=form.cleaned_data["wording"],
            solutions=form.cleaned_data["solutions"],
        ),
        expected_summary=lambda form: summary(
            "Barrier added", form.cleaned_data["wording"]
        ),
        goal_of=lambda saved, form: goal.pk,
        success=lambda barrier: (
            gettext("Added: %(barrier)s") % {"barrier": barrier.wording}
        ),
        template="careplans/edit/barrier_form.html",
        context={"back_url": plan_url(plan, goal.pk), "goal": goal, "barrier": None},
    )


@allow("GET", "POST")
@login_required
def barrier_edit(request, pk):
    barrier = get_barrier_for_user(request, pk, perm=CHANGE)
    goal = barrier.goal
    plan = goal.plan
    if refused := _closed(request, plan):
        return refused
    initial = {
        "revision": plan.revision,
        "wording": barrier.wording,
        "solutions": "\n".join(s.wording for s in barrier.solutions.all()),
    }
    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: BarrierForm(data, initial=initial),
        save=lambda form: actions.change_barrier(
            barrier,
            by=request.user,
            expected_revision=_revision(form),
            wording=form.cleaned_data["wording"],
            solutions=form.cleaned_data["solutions"],
        ),
        expected_summary=lambda form: summary(
            "Barrier changed", form.cleaned_data["wording"]
        ),
        goal_of=lambda saved, form: goal.pk,
        success=lambda saved: gettext("Your changes have been saved."),
        template="careplans/edit/barrier_form.html",
        context={
            "back_url": plan_url(plan, goal.pk),
            "goal": goal,
            "barrier": barrier,
        },
    )


# Removing.


@allow("GET", "POST")
@login_required
def item_remove(request, pk, kind):
    """Ask first, then remove: GET is the question, POST the answer."""
    if kind not in REMOVABLE:
        raise Http404
    item = GETTERS[kind](request, pk)
    plan = item.plan if kind == "goal" else item.goal.plan
    if refused := _closed(request, plan):
        return refused
    goal_pk = None if kind == "goal" else item.goal_id
    removed_words = str(item)

    def save(form):
        actions.remove_item(item, by=request.user, expected_revision=_revision(form))
        return item

    return _edit_page(
        request,
        plan=plan,
        make_form=lambda data: RemoveForm(data, initial={"revision": plan.revision}),
        save=save,
        # A removal sent twice finds nothing left to remove (404), so it can
        # never be mistaken for a repeat here.
        expected_summary=lambda form: None,
        goal_of=lambda saved, form: goal_pk,
        success=lambda saved: gettext("Removed: %(item)s") % {"item": removed_words},
        template="careplans/edit/remove.html",
        context={
            "back_url": plan_url(plan, goal_pk or pk),
            "kind": kind,
            "item": item,
            "counts": _goal_contents(item) if kind == "goal" else None,
        },
    )


def _goal_contents(goal):
    """How much goes with a goal, so the question can say so."""
    return {
        "steps": goal.actions.count(),
        "others": goal.strengths.count()
        + goal.resources.count()
        + goal.barriers.count(),
    }
