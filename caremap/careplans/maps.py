"""A plan as the nodes and links the map layouts draw, from prefetched rows.

Every node links to the form that changes it, so tapping a box on a tablet
opens what it says for editing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from caremap.careplans import layout
from caremap.careplans.models import CarePlan


def kind_labels():
    return {
        "goal": _("Goal"),
        "step": _("Step"),
        "strength": _("Strength"),
        "resource": _("Resource"),
        "barrier": _("What could get in the way"),
        "solution": _("A way round it"),
        "need": _("Help wanted"),
    }


def band_labels():
    return {
        "personal": _("Personal"),
        "social": _("Social"),
        "community": _("Community"),
    }


def plan_with_parts(queryset=None):
    """Plans with every part a plan page or map shows, in a fixed number of
    queries."""
    return (queryset or CarePlan.objects.all()).prefetch_related(
        "goals__actions__service",
        "goals__strengths",
        "goals__resources__service",
        "goals__barriers__solutions",
    )


def _goal_href(goal):
    return reverse("careplans:goal-edit", args=[goal.pk])


def _plan_anchor(goal):
    return reverse("careplans:plan", args=[goal.plan_id]) + f"#goal-{goal.pk}"


def goal_layout(goal):
    goal_node = layout.Node(f"goal-{goal.pk}", "goal", goal.wording, _goal_href(goal))
    steps = [
        layout.Node(
            f"step-{a.pk}",
            "step",
            a.what,
            reverse("careplans:action-edit", args=[a.pk]),
        )
        for a in goal.actions.all()
    ]
    strengths = [
        layout.Node(f"strength-{s.pk}", "strength", s.wording, _plan_anchor(goal))
        for s in goal.strengths.all()
    ]
    resources = [
        layout.Node(
            f"resource-{r.pk}",
            "resource",
            r.name,
            reverse("directory:service", args=[r.service_id])
            if r.service_id
            else _plan_anchor(goal),
        )
        for r in goal.resources.all()
    ]
    barriers = []
    for barrier in goal.barriers.all():
        href = reverse("careplans:barrier-edit", args=[barrier.pk])
        barriers.append(
            (
                layout.Node(f"barrier-{barrier.pk}", "barrier", barrier.wording, href),
                [
                    layout.Node(f"solution-{s.pk}", "solution", s.wording, href)
                    for s in barrier.solutions.all()
                ],
            )
        )
    return layout.goal_map(
        goal_node, steps, strengths, resources, barriers, kind_labels=kind_labels()
    )


def plan_layout(plan, *, capitals, unmet_needs=()):
    """The care-planning map: each different strength once, in its band
    (a strength the person wrote in themselves counts as personal), the
    goals, then each different barrier and the help the person still wants,
    linked to the goals they help or block. `capitals` maps domain ids to
    capital; `unmet_needs` is (id, title) pairs from the latest profile."""
    goals = list(plan.goals.all())
    goal_nodes = [
        layout.Node(f"goal-{g.pk}", "goal", g.wording, _goal_href(g)) for g in goals
    ]
    strengths, barriers, edges = {}, {}, []
    for goal in goals:
        for strength in goal.strengths.all():
            key = strength.wording.strip().casefold()
            if key not in strengths:
                strengths[key] = layout.Node(
                    f"strength-{strength.pk}",
                    "strength",
                    strength.wording,
                    _plan_anchor(goal),
                    group=capitals.get(strength.domain, "personal"),
                )
            edges.append(layout.Edge(strengths[key].id, f"goal-{goal.pk}", "helps"))
        for barrier in goal.barriers.all():
            key = barrier.wording.strip().casefold()
            if key not in barriers:
                barriers[key] = layout.Node(
                    f"barrier-{barrier.pk}",
                    "barrier",
                    barrier.wording,
                    reverse("careplans:barrier-edit", args=[barrier.pk]),
                )
            edges.append(layout.Edge(barriers[key].id, f"goal-{goal.pk}", "blocks"))
    needs = [layout.Node(f"need-{need}", "need", title) for need, title in unmet_needs]
    unique_edges = list(dict.fromkeys(edges))
    return layout.care_plan_map(
        list(strengths.values()),
        goal_nodes,
        [*barriers.values(), *needs],
        unique_edges,
        kind_labels=kind_labels(),
        band_labels=band_labels(),
    )
