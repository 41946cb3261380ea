"""The pivot: from a profile to a ranked list of suggested goals.

The order follows recovery-capital practice: deal with barriers first, then
help the person wants but is not getting, then build strengths — community
capital before social before personal. Within each of those, "quick wins"
(a goal with a strength already there to build on) come first, then the
areas in most need (red before amber). Every suggestion carries the reasons
it was made, in the person's own terms, and the strengths to draw on.

Pure: it takes plain facts about a profile (`Facts`) and templates
(`goals.GoalTemplate`) and touches no database, so its rules are
property-tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caremap.careplans.goals import GoalTemplate

CATEGORY_ORDER = {"barrier": 0, "need": 1, "strength": 2}
CAPITAL_ORDER = {"community": 0, "social": 1, "personal": 2}
BAND_ORDER = {"red": 0, "amber": 1, "green": 2}
DRAW_ON_AT_MOST = 3


@dataclass(frozen=True)
class Facts:
    """What a profile says, in plain values.

    bands: domain id → band ("red", "amber", "green" or None if unscored)
    capitals: domain id → "personal", "social" or "community" (capital
        domains only)
    strengths: ids of the domains that are strengths (green), in the
        instrument's order
    barriers: ids of the barrier items present
    unmet_needs: ids of the needs the person wants help with and is not
        getting
    said: (kind, id) → the person's words behind it ("barrier", item id: the
        statement they agreed with; "need", need id: the help they asked
        for; "domain", domain id: statements they did not agree with)
    """

    bands: dict[str, str | None]
    capitals: dict[str, str]
    strengths: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()
    unmet_needs: tuple[str, ...] = ()
    said: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    """Why a goal was suggested: a barrier present, a need not met, or a
    domain in a band; with the person's words where there are some."""

    kind: str  # "barrier", "need" or "domain"
    ref: str
    band: str | None = None
    said: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    template: GoalTemplate
    category: str  # "barrier", "need" or "strength"
    domain: str | None
    capital: str | None
    band: str | None
    quick_win: bool
    reasons: tuple[Reason, ...]
    draw_on: tuple[str, ...]

    def sort_key(self, position: int):
        capital = CAPITAL_ORDER.get(self.capital, len(CAPITAL_ORDER))
        return (
            CATEGORY_ORDER[self.category],
            # Community before social before personal applies to building
            # strengths; barriers and needs are ranked by urgency alone.
            capital if self.category == "strength" else 0,
            not self.quick_win,
            BAND_ORDER.get(self.band, len(BAND_ORDER)),
            position,
        )


def _domain_of(template: GoalTemplate) -> str | None:
    if template.domain:
        return template.domain
    return next((t.domain for t in template.triggers if t.domain), None)


def _reasons(template: GoalTemplate, facts: Facts) -> list[Reason]:
    reasons = []
    barriers, needs = set(facts.barriers), set(facts.unmet_needs)
    for trigger in template.triggers:
        if trigger.barrier and trigger.barrier in barriers:
            reasons.append(
                Reason(
                    "barrier",
                    trigger.barrier,
                    said=facts.said.get(("barrier", trigger.barrier), ()),
                )
            )
        elif trigger.need and trigger.need in needs:
            reasons.append(
                Reason(
                    "need",
                    trigger.need,
                    said=facts.said.get(("need", trigger.need), ()),
                )
            )
        elif trigger.domain and facts.bands.get(trigger.domain) in trigger.bands:
            reasons.append(
                Reason(
                    "domain",
                    trigger.domain,
                    band=facts.bands[trigger.domain],
                    said=facts.said.get(("domain", trigger.domain), ()),
                )
            )
    return reasons


def _draw_on(domain: str | None, capital: str | None, facts: Facts) -> tuple[str, ...]:
    """The person's strengths to build on: those in the same kind of capital
    first, then the rest, never the area the goal is about."""
    others = [s for s in facts.strengths if s != domain]
    same = [s for s in others if capital and facts.capitals.get(s) == capital]
    rest = [s for s in others if s not in same]
    return tuple((same + rest)[:DRAW_ON_AT_MOST])


def suggest(templates: list[GoalTemplate], facts: Facts) -> list[Suggestion]:
    """Every template a profile triggers, once each, best first."""
    ranked = []
    for position, template in enumerate(templates):
        reasons = _reasons(template, facts)
        if not reasons:
            continue
        kinds = {reason.kind for reason in reasons}
        category = (
            "barrier"
            if "barrier" in kinds
            else "need"
            if "need" in kinds
            else "strength"
        )
        domain = _domain_of(template)
        capital = facts.capitals.get(domain) if domain else None
        band = facts.bands.get(domain) if domain else None
        # Something to build on: the area is nearly there already, or the
        # person has a strength of the same kind to lean on.
        quick_win = band == "amber" or any(
            s != domain and capital and facts.capitals.get(s) == capital
            for s in facts.strengths
        )
        suggestion = Suggestion(
            template=template,
            category=category,
            domain=domain,
            capital=capital,
            band=band,
            quick_win=quick_win,
            reasons=tuple(reasons),
            draw_on=_draw_on(domain, capital, facts),
        )
        ranked.append((suggestion.sort_key(position), suggestion))
    ranked.sort(key=lambda pair: pair[0])
    return [suggestion for _key, suggestion in ranked]


def facts_from(instrument, scores: dict, answers: dict, language: str | None) -> Facts:
    """The facts of a scored assessment (`scores` as stored, see
    docs/instruments.md), with the person's statements in `language`."""
    domains = scores.get("domains", {})
    said: dict[tuple[str, str], tuple[str, ...]] = {}
    for item_id in scores.get("barriers", []):
        item = instrument.items_by_id.get(item_id)
        if item is not None:
            said[("barrier", item_id)] = (item.text.get(language),)
    needs = {need.id: need for need in instrument.needs}
    for need_id in scores.get("unmet_needs", []):
        if need_id in needs:
            said[("need", need_id)] = (needs[need_id].title.get(language),)
    for domain in instrument.domains:
        low = []
        for item in instrument.domain_items(domain.id):
            if item.id not in answers or not item.is_scorable:
                continue
            bottom, top = item.score_range()
            # Below the middle of its scale: a statement the person did not
            # feel was true of them, which is where a goal could help.
            if item.score(answers[item.id]) < (bottom + top) / 2:
                low.append(item.text.get(language))
        if low:
            said[("domain", domain.id)] = tuple(low)
    return Facts(
        bands={key: value.get("band") for key, value in domains.items()},
        capitals={d.id: d.capital for d in instrument.domains if d.capital},
        strengths=tuple(scores.get("strengths", [])),
        barriers=tuple(scores.get("barriers", [])),
        unmet_needs=tuple(scores.get("unmet_needs", [])),
        said=said,
    )
