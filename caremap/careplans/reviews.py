"""Reviewing a plan, and looking back at its versions.

A review is one form on one page, so it can be filled in together in a
single sitting, on paper-like terms, without JavaScript. Submitting it keeps
the plan as a numbered version; the history page lists the versions and any
two can be compared.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext

from caremap.accounts import drafts
from caremap.assessments.models import Assessment
from caremap.careplans import actions, versions
from caremap.careplans.editing import _closed, _current_revision, describe, plan_url
from caremap.careplans.models import Action, Goal
from caremap.careplans.permissions import get_plan_for_user
from caremap.careplans.review_forms import NO, NONE_YET, CompareForm, ReviewForm
from caremap.http import allow
from caremap.people.permissions import CHANGE

# How far back an assessment can be and still count as taken for a review.
ASSESSMENT_WITHIN_DAYS = 60


def _goals_to_review(plan):
    """The goals still being worked on, each with its open steps."""
    open_steps = Action.objects.filter(
        status__in=[Action.Status.TO_DO, Action.Status.DOING]
    )
    goals = list(
        plan.goals.filter(status=Goal.Status.ACTIVE).prefetch_related(
            Prefetch("actions", queryset=open_steps, to_attr="open_steps")
        )
    )
    for goal in goals:
        goal.plan = plan
        for step in goal.open_steps:
            step.goal = goal
    return goals


def _recent_assessments(person):
    since = timezone.now() - datetime.timedelta(days=ASSESSMENT_WITHIN_DAYS)
    return list(
        Assessment.objects.submitted()
        .filter(person=person, submitted_at__gte=since)
        .select_related("instrument")
        .order_by("-submitted_at", "-pk")
    )


def _is_repeat(changes, user, held_on):
    """Whether the only change since the page was opened is this same
    review, sent by the same person: a double click."""
    return (
        len(changes) == 1
        and changes[0].by_id == user.pk
        and changes[0].summary == f"Review held on {held_on.isoformat()}"
    )


def _changes_since(plan, revision):
    if not revision.isdigit():
        return []
    return list(plan.changes.filter(revision__gt=int(revision)).select_related("by"))


@allow("GET", "POST")
@login_required
def review(request, pk):
    plan = get_plan_for_user(request, pk, perm=CHANGE)
    if refused := _closed(request, plan):
        return refused
    goals = _goals_to_review(plan)
    finished = plan.goals.exclude(status=Goal.Status.ACTIVE)
    assessments = _recent_assessments(plan.person)
    initial = {
        "revision": plan.revision,
        "held_on": timezone.localdate(),
        "requested": NO,
        "assessment": str(assessments[0].pk) if assessments else NONE_YET,
    }

    def make_form(data):
        return ReviewForm(data, initial=initial, goals=goals, assessments=assessments)

    form = make_form(drafts.form_data(request))
    changes = []
    if request.method == "POST" and not form.is_valid():
        # A goal or step added since the page opened makes the form
        # incomplete; say why, as the save would have.
        changes = _changes_since(plan, request.POST.get("revision", ""))
        if changes:
            data = request.POST.copy()
            data["revision"] = str(_current_revision(plan, changes))
            form = make_form(data)
    elif request.method == "POST":
        fields = form.review_fields()
        try:
            actions.submit_review(
                plan,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
                **fields,
            )
        except actions.StaleEdit as stale:
            if _is_repeat(stale.changes, request.user, fields["held_on"]):
                messages.info(request, gettext("That review was already saved."))
                return redirect(plan_url(plan))
            changes = stale.changes
            data = request.POST.copy()
            data["revision"] = str(_current_revision(plan, changes))
            form = make_form(data)
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request,
                gettext("The review has been saved. The next one is due by %(date)s.")
                % {"date": formats.date_format(plan.review_due_on, "j F Y")},
            )
            return redirect(plan_url(plan))
    return render(
        request,
        "careplans/review/review_form.html",
        {
            "form": form,
            "plan": plan,
            "person": plan.person,
            "finished": finished,
            "has_assessments": bool(assessments),
            "changes": [describe(change) for change in changes],
            "back_url": plan_url(plan),
        },
    )


def _versions(plan):
    return plan.versions.select_related(
        "created_by", "review", "review__assessment"
    ).order_by("-number")


@allow("GET")
@login_required
def history(request, pk):
    plan = get_plan_for_user(request, pk)
    all_versions = list(_versions(plan).defer("snapshot"))
    numbers = [v.number for v in all_versions]
    form = CompareForm(
        initial={
            "from": numbers[1] if len(numbers) > 1 else None,
            "to": numbers[0] if numbers else None,
        },
        numbers=sorted(numbers),
        auto_id="compare_%s",
    )
    return render(
        request,
        "careplans/review/history.html",
        {
            "plan": plan,
            "person": plan.person,
            "versions": all_versions,
            "form": form,
            "back_url": plan_url(plan),
        },
    )


@allow("GET")
@login_required
def compare(request, pk):
    plan = get_plan_for_user(request, pk)
    all_versions = {v.number: v for v in _versions(plan)}
    form = CompareForm(request.GET, numbers=sorted(all_versions))
    context = {"plan": plan, "person": plan.person, "form": form}
    if not form.is_valid():
        return render(request, "careplans/review/compare.html", context, status=400)
    first, second = sorted([form.cleaned_data["from"], form.cleaned_data["to"]])
    older, newer = all_versions[first], all_versions[second]
    return render(
        request,
        "careplans/review/compare.html",
        {
            **context,
            "older": _readable(older),
            "newer": _readable(newer),
            "changes": [
                _readable_changes(c)
                for c in versions.compare(older.snapshot, newer.snapshot)
            ],
        },
    )


@allow("GET")
@login_required
def version(request, pk, number):
    plan = get_plan_for_user(request, pk)
    found = _versions(plan).filter(number=number).first()
    if found is None:
        return render(
            request,
            "careplans/review/no_version.html",
            {"plan": plan, "person": plan.person, "number": number},
            status=404,
        )
    return render(
        request,
        "careplans/review/version.html",
        {"plan": plan, "person": plan.person, "version": _readable(found)},
    )


# Snapshots hold stored values; these give them the words the pages use.


def _label(choices, value):
    return dict(choices).get(value, value)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _readable_goal(goal):
    return {
        **goal,
        "status_label": _label(Goal.Status.choices, goal["status"]),
        "target_date": _date(goal.get("target_date")),
        "steps": [
            {
                **step,
                "status_label": _label(Action.Status.choices, step["status"]),
                "who_label": step.get("who_else")
                if step.get("who") == Action.Who.SOMEONE_ELSE
                else _label(Action.Who.choices, step.get("who")),
                "due_on": _date(step.get("due_on")),
            }
            for step in goal.get("steps", [])
        ],
    }


def _readable(plan_version):
    plan_version.goals = [
        _readable_goal(goal) for goal in plan_version.snapshot.get("goals", [])
    ]
    return plan_version


def _shift(shift, choices=None, dates=False):
    def word(value):
        if dates:
            day = _date(value)
            return formats.date_format(day, "j F Y") if day else gettext("no date")
        return _label(choices, value) if choices else value

    return {
        "item": shift.item,
        "before": word(shift.before),
        "after": word(shift.after),
    }


def _readable_changes(changes):
    changes.status_words = (
        _shift(changes.status, Goal.Status.choices) if changes.status else None
    )
    changes.step_status_words = [
        _shift(s, Action.Status.choices) for s in changes.steps_status
    ]
    changes.step_date_words = [_shift(s, dates=True) for s in changes.steps_date]
    return changes
