"""Plausible plans built from a person's suggestions, for the demo and for
benchmarks. Everything goes through the audited actions, as a navigator's
clicks would."""

import datetime

from django.utils import timezone

from caremap.careplans import actions, pivot, suggestions
from caremap.careplans.models import Action, Goal

# How a navigator and person might reword a template's title: a sample of
# the personal touches real plans have.
REWORDINGS = [
    "{title}, one week at a time",
    "{title} – my way",
    "{title}",
]


def plan_from_suggestions(assessment, *, by, goals=2, steps_done=0, today=None):
    """Start (or reuse) the person's plan and add the top `goals`
    suggestions from `assessment`, each reworded, with the template's steps
    (the first `steps_done` of each marked done), the strengths it suggests
    drawing on and its first barrier reason with a solution."""
    # The plan may have started in the past (its review falls due from
    # then); new steps are always dated from today, as the form requires.
    now = timezone.localdate()
    today = today or now
    person = assessment.person
    plan, _created = actions.start_plan(person, by=by, today=today)
    instrument = assessment.instrument.instrument
    titles = {d.id: d.title.en for d in instrument.domains}
    facts = pivot.facts_from(instrument, assessment.scores, assessment.answers, "en")
    chosen = pivot.suggest(suggestions.templates_for(assessment.instrument), facts)
    for number, suggestion in enumerate(chosen[:goals]):
        template = suggestion.template
        wording = REWORDINGS[(person.pk + number) % len(REWORDINGS)].format(
            title=template.title.en
        )
        goal = actions.add_goal(
            plan,
            by=by,
            wording=wording,
            domain=suggestion.domain or "",
            template=template.id,
            proposed_by=Goal.ProposedBy.TOGETHER,
            person_agreed=True,
            target_date=now + datetime.timedelta(days=90),
        )
        for index, step in enumerate(template.actions):
            made = actions.add_action(
                goal,
                by=by,
                what=step.what.en,
                who=step.who if step.who != "someone-else" else "navigator",
                due_on=now + datetime.timedelta(days=step.within_days or 14),
                how_we_know=step.how_we_know.en if step.how_we_know else "",
            )
            if index < steps_done:
                Action.objects.filter(pk=made.pk).update(status=Action.Status.DONE)
        for strength in suggestion.draw_on[:2]:
            actions.add_strength(goal, by=by, wording=titles[strength], domain=strength)
        said = next((r.said for r in suggestion.reasons if r.said), ())
        if said:
            actions.add_barrier(
                goal,
                by=by,
                wording=said[0][:300],
                solutions=["Talk it through at the next meeting"],
            )
    return plan


def review_plan(plan, assessment, *, by, held_on):
    """A review as a navigator and person might record it: some progress on
    every goal, the first open step of each done, with `assessment` as the
    assessment taken for it."""
    progress = []
    for goal in plan.goals.prefetch_related("actions"):
        progress.append((goal, "some-progress", ""))
        open_steps = [a for a in goal.actions.all() if a.status == Action.Status.TO_DO]
        if open_steps:
            progress.append((open_steps[0], "done", ""))
    return actions.submit_review(
        plan,
        by=by,
        held_on=held_on,
        participants=["person", "navigator"],
        who_else="",
        requested_by_person=False,
        what_changed="Talked through the new answers and agreed what comes next.",
        assessment=assessment,
        progress=progress,
    )
