"""Snapshots of a plan and what changed between two of them."""

import copy
import datetime

from django.utils import timezone

from caremap.careplans import actions, versions
from caremap.careplans.models import CarePlan
from caremap.careplans.tests.test_plan_pages import fill


def step(pk, what, *, status="to_do", due_on="2027-01-10"):
    return {
        "id": pk,
        "what": what,
        "who": "person",
        "who_else": "",
        "due_on": due_on,
        "how_we_know": "",
        "status": status,
        "service_id": None,
    }


def goal(pk, wording, *, status="active", steps=(), barriers=(), **parts):
    return {
        "id": pk,
        "wording": wording,
        "domain": "",
        "status": status,
        "target_date": None,
        "proposed_by": "person",
        "person_agreed": True,
        "steps": list(steps),
        "strengths": [{"wording": w, "domain": ""} for w in parts.get("strengths", [])],
        "resources": [
            {"name": n, "service_id": None, "note": ""}
            for n in parts.get("resources", [])
        ],
        "barriers": list(barriers),
    }


def barrier(pk, wording, *solutions):
    return {"id": pk, "wording": wording, "solutions": list(solutions)}


BEFORE = {
    "format": 1,
    "goals": [
        goal(
            1,
            "Get back to work",
            steps=[step(10, "Update my CV"), step(11, "Call the job centre")],
            strengths=["Good with people"],
            resources=["Library computers"],
            barriers=[barrier(20, "Mornings are hard", "Set two alarms")],
        ),
        goal(2, "Sleep better"),
    ],
}


def test_the_same_snapshot_has_no_changes():
    assert versions.compare(BEFORE, copy.deepcopy(BEFORE)) == []


def test_goals_added_removed_reworded_and_achieved():
    after = copy.deepcopy(BEFORE)
    after["goals"][0]["wording"] = "Find paid work"
    after["goals"][0]["status"] = "achieved"
    del after["goals"][1]
    after["goals"].append(goal(3, "See my sister more"))

    first, added, removed = versions.compare(BEFORE, after)
    assert first.old_wording == "Get back to work" and first.reworded
    assert (first.status.before, first.status.after) == ("active", "achieved")
    assert added.added and added.goal["wording"] == "See my sister more"
    assert removed.removed and removed.goal["wording"] == "Sleep better"


def test_steps_added_removed_done_and_moved():
    after = copy.deepcopy(BEFORE)
    steps = after["goals"][0]["steps"]
    steps[0]["status"] = "done"
    steps[1]["due_on"] = "2027-02-01"
    steps.append(step(12, "Go to the jobs fair"))
    del steps[0:1]
    steps.insert(0, step(13, "Buy interview clothes"))

    (changes,) = versions.compare(BEFORE, after)
    assert [s["what"] for s in changes.steps_added] == [
        "Buy interview clothes",
        "Go to the jobs fair",
    ]
    assert [s["what"] for s in changes.steps_removed] == ["Update my CV"]
    assert changes.steps_status == []
    (moved,) = changes.steps_date
    assert (moved.item["what"], moved.before, moved.after) == (
        "Call the job centre",
        "2027-01-10",
        "2027-02-01",
    )


def test_a_step_marked_done_and_reworded():
    after = copy.deepcopy(BEFORE)
    after["goals"][0]["steps"][0].update(status="done", what="Update my CV today")
    (changes,) = versions.compare(BEFORE, after)
    (done,) = changes.steps_status
    assert (done.before, done.after) == ("to_do", "done")
    (reworded,) = changes.steps_reworded
    assert reworded.before == "Update my CV"
    assert changes.steps_added == changes.steps_removed == []


def test_strengths_resources_barriers_and_solutions():
    after = copy.deepcopy(BEFORE)
    first = after["goals"][0]
    first["strengths"] = [{"wording": "Patient", "domain": ""}]
    first["resources"].append({"name": "Job club", "service_id": 4, "note": ""})
    first["barriers"][0]["solutions"] = ["Go to bed earlier"]
    after["goals"][1]["barriers"] = [barrier(21, "Noisy neighbours", "Earplugs")]

    work, sleep = versions.compare(BEFORE, after)
    assert work.strengths_added == ["Patient"]
    assert work.strengths_removed == ["Good with people"]
    assert work.resources_added == ["Job club"] and work.resources_removed == []
    assert [(b["wording"], w) for b, w in work.solutions_added] == [
        ("Mornings are hard", "Go to bed earlier")
    ]
    assert [w for _b, w in work.solutions_removed] == ["Set two alarms"]
    assert [b["wording"] for b in sleep.barriers_added] == ["Noisy neighbours"]

    back = versions.compare(after, BEFORE)
    assert [b["wording"] for b in back[1].barriers_removed] == ["Noisy neighbours"]


def test_a_reworded_barrier_is_the_same_barrier():
    after = copy.deepcopy(BEFORE)
    after["goals"][0]["barriers"][0]["wording"] = "Early starts"
    (changes,) = versions.compare(BEFORE, after)
    assert changes.barriers_added == changes.barriers_removed == []
    (shift,) = changes.barriers_reworded
    assert (shift.before, shift.after) == ("Mornings are hard", "Early starts")


def test_snapshots_without_ids_match_by_words():
    old = {"goals": [{**goal(None, "Cook more"), "steps": [step(None, "Buy pans")]}]}
    new = copy.deepcopy(old)
    new["goals"][0]["steps"][0]["status"] = "done"
    (changes,) = versions.compare(old, new)
    assert not changes.added and len(changes.steps_status) == 1


def test_snapshot_of_a_plan(world):
    plan, _ = actions.start_plan(world.alices_person, by=world.alice)
    (made,) = fill(plan, world.alice)
    loaded = versions.with_parts(CarePlan.objects.filter(pk=plan.pk)).get()
    snapshot = versions.snapshot_of(loaded)
    (kept,) = snapshot["goals"]
    assert kept["id"] == made.pk and kept["wording"] == "Goal number 0"
    assert kept["proposed_by"] == "together" and kept["person_agreed"] is True
    (kept_step,) = kept["steps"]
    assert kept_step["what"] == "First step for goal 0"
    assert (
        kept_step["due_on"]
        == (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    assert kept_step["how_we_know"] == "We talk about it next week"
    assert kept["strengths"] == [
        {"wording": "Good friends", "domain": "social-support"}
    ]
    assert kept["resources"][0]["name"] == "The library"
    assert kept["barriers"][0]["solutions"] == ["Go in the morning"]
    # Nothing in it needs a database to read back.
    assert versions.compare(snapshot, snapshot) == []
