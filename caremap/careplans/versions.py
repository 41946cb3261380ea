"""Versions of a plan: the plan frozen as plain JSON at a review, and what
changed between two such snapshots.

A snapshot keeps row ids so a goal, step or barrier whose words were edited
is still recognised as the same one. Strengths and resources can only be
added or removed, so they are matched by their words. Everything here works
on dicts, so `compare` can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Bumped if the snapshot's shape ever changes, so old versions can still
# be read.
SNAPSHOT_FORMAT = 1

PARTS = (
    "goals__actions",
    "goals__strengths",
    "goals__resources",
    "goals__barriers__solutions",
)


def with_parts(queryset):
    """Plans with everything `snapshot_of` reads, in a fixed number of
    queries."""
    return queryset.prefetch_related(*PARTS)


def _day(value):
    return value.isoformat() if value else None


def snapshot_of(plan):
    """The plan as it stands, as JSON-ready dicts. Reads `plan.goals` and
    their parts through the prefetch cache (see `with_parts`)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "goals": [
            {
                "id": goal.pk,
                "wording": goal.wording,
                "domain": goal.domain,
                "status": goal.status,
                "target_date": _day(goal.target_date),
                "proposed_by": goal.proposed_by,
                "person_agreed": goal.person_agreed,
                "steps": [
                    {
                        "id": step.pk,
                        "what": step.what,
                        "who": step.who,
                        "who_else": step.who_else,
                        "due_on": _day(step.due_on),
                        "how_we_know": step.how_we_know,
                        "status": step.status,
                        "service_id": step.service_id,
                    }
                    for step in goal.actions.all()
                ],
                "strengths": [
                    {"wording": s.wording, "domain": s.domain}
                    for s in goal.strengths.all()
                ],
                "resources": [
                    {"name": r.name, "service_id": r.service_id, "note": r.note}
                    for r in goal.resources.all()
                ],
                "barriers": [
                    {
                        "id": b.pk,
                        "wording": b.wording,
                        "solutions": [s.wording for s in b.solutions.all()],
                    }
                    for b in goal.barriers.all()
                ],
            }
            for goal in plan.goals.all()
        ],
    }


@dataclass
class Shift:
    """One value that moved: a step's status or date, a goal's status."""

    item: dict
    before: object
    after: object


@dataclass
class GoalChanges:
    """What happened to one goal between two snapshots. `goal` is the newer
    goal (the older one when it was removed)."""

    goal: dict
    added: bool = False
    removed: bool = False
    old_wording: str | None = None
    status: Shift | None = None
    steps_added: list = field(default_factory=list)
    steps_removed: list = field(default_factory=list)
    steps_reworded: list = field(default_factory=list)
    steps_status: list = field(default_factory=list)
    steps_date: list = field(default_factory=list)
    strengths_added: list = field(default_factory=list)
    strengths_removed: list = field(default_factory=list)
    resources_added: list = field(default_factory=list)
    resources_removed: list = field(default_factory=list)
    barriers_added: list = field(default_factory=list)
    barriers_removed: list = field(default_factory=list)
    barriers_reworded: list = field(default_factory=list)
    solutions_added: list = field(default_factory=list)
    solutions_removed: list = field(default_factory=list)

    @property
    def reworded(self):
        return self.old_wording is not None

    def __bool__(self):
        return any(
            value
            for name, value in vars(self).items()
            if name != "goal" and value not in (None, False, [])
        )


def _by_id(items):
    return {item["id"]: item for item in items if item.get("id") is not None}


def _matched(old_items, new_items, key):
    """(added, removed, pairs) matching by id where both have one, and by
    `key` otherwise, keeping the newer order."""
    old_ids, new_ids = _by_id(old_items), _by_id(new_items)
    pairs, added = [], []
    unmatched_old = [i for i in old_items if i.get("id") not in new_ids]
    for item in new_items:
        if item.get("id") in old_ids:
            pairs.append((old_ids[item["id"]], item))
            continue
        twin = next((o for o in unmatched_old if o[key] == item[key]), None)
        if twin is None:
            added.append(item)
        else:
            unmatched_old.remove(twin)
            pairs.append((twin, item))
    return added, unmatched_old, pairs


def _text_difference(old_texts, new_texts):
    """(added, removed), counting repeats, in the order they appear."""
    remaining = list(old_texts)
    added = []
    for text in new_texts:
        if text in remaining:
            remaining.remove(text)
        else:
            added.append(text)
    return added, remaining


def _compare_goal(old, new):
    changes = GoalChanges(goal=new)
    if old["wording"] != new["wording"]:
        changes.old_wording = old["wording"]
    if old["status"] != new["status"]:
        changes.status = Shift(new, old["status"], new["status"])

    added, removed, pairs = _matched(old.get("steps", []), new.get("steps", []), "what")
    changes.steps_added, changes.steps_removed = added, removed
    for before, after in pairs:
        if before["what"] != after["what"]:
            changes.steps_reworded.append(Shift(after, before["what"], after["what"]))
        if before["status"] != after["status"]:
            changes.steps_status.append(Shift(after, before["status"], after["status"]))
        if before["due_on"] != after["due_on"]:
            changes.steps_date.append(Shift(after, before["due_on"], after["due_on"]))

    changes.strengths_added, changes.strengths_removed = _text_difference(
        [s["wording"] for s in old.get("strengths", [])],
        [s["wording"] for s in new.get("strengths", [])],
    )
    changes.resources_added, changes.resources_removed = _text_difference(
        [r["name"] for r in old.get("resources", [])],
        [r["name"] for r in new.get("resources", [])],
    )

    added, removed, pairs = _matched(
        old.get("barriers", []), new.get("barriers", []), "wording"
    )
    changes.barriers_added, changes.barriers_removed = added, removed
    for before, after in pairs:
        if before["wording"] != after["wording"]:
            changes.barriers_reworded.append(
                Shift(after, before["wording"], after["wording"])
            )
        more, fewer = _text_difference(before["solutions"], after["solutions"])
        changes.solutions_added += [(after, text) for text in more]
        changes.solutions_removed += [(after, text) for text in fewer]
    return changes


def compare(old_snapshot, new_snapshot):
    """What changed from `old_snapshot` to `new_snapshot`, goal by goal: a
    list of GoalChanges for the goals that changed at all, in the newer
    plan's order, then the goals removed."""
    added, removed, pairs = _matched(
        old_snapshot.get("goals", []), new_snapshot.get("goals", []), "wording"
    )
    result = []
    added_ids = {id(goal) for goal in added}
    pair_for = {id(new): old for old, new in pairs}
    for goal in new_snapshot.get("goals", []):
        if id(goal) in added_ids:
            result.append(GoalChanges(goal=goal, added=True))
        else:
            changes = _compare_goal(pair_for[id(goal)], goal)
            if changes:
                result.append(changes)
    result += [GoalChanges(goal=goal, removed=True) for goal in removed]
    return result
