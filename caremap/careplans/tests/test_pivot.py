"""The pivot's ranking rules, as properties over random profiles and
template sets, and examples with the shipped instrument and templates."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from caremap.careplans.goals import (
    DirectoryLinks,
    GoalTemplate,
    SuggestedAction,
    Trigger,
)
from caremap.careplans.pivot import (
    CAPITAL_ORDER,
    CATEGORY_ORDER,
    Facts,
    facts_from,
    suggest,
)
from caremap.instruments.definition import Text

DOMAINS = {
    "home": "community",
    "groups": "community",
    "friends": "social",
    "pastimes": "social",
    "health": "personal",
    "coping": "personal",
}
BARRIERS = ["barrier-a", "barrier-b", "barrier-c"]
NEEDS = ["need-a", "need-b", "need-c"]
BANDS = ["red", "amber", "green"]

triggers = st.one_of(
    st.builds(
        Trigger,
        domain=st.sampled_from(sorted(DOMAINS)),
        bands=st.lists(st.sampled_from(BANDS), min_size=1, max_size=3, unique=True).map(
            tuple
        ),
    ),
    st.builds(Trigger, barrier=st.sampled_from(BARRIERS)),
    st.builds(Trigger, need=st.sampled_from(NEEDS)),
)


@st.composite
def template_lists(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    return [
        GoalTemplate(
            id=f"t{n}",
            title=Text(en=f"Template {n}"),
            description=Text(en="A goal."),
            domain=draw(st.none() | st.sampled_from(sorted(DOMAINS))),
            triggers=tuple(draw(st.lists(triggers, min_size=1, max_size=3))),
            actions=(SuggestedAction(what=Text(en="A step.")),),
            directory=DirectoryLinks(),
        )
        for n in range(count)
    ]


@st.composite
def profiles(draw):
    bands = {d: draw(st.sampled_from([*BANDS, None])) for d in DOMAINS}
    return Facts(
        bands=bands,
        capitals=dict(DOMAINS),
        strengths=tuple(d for d in DOMAINS if bands[d] == "green"),
        barriers=tuple(draw(st.lists(st.sampled_from(BARRIERS), unique=True))),
        unmet_needs=tuple(draw(st.lists(st.sampled_from(NEEDS), unique=True))),
        said={("barrier", b): (f"I said {b}",) for b in BARRIERS},
    )


def triggered(template, facts):
    return any(
        (t.barrier and t.barrier in facts.barriers)
        or (t.need and t.need in facts.unmet_needs)
        or (t.domain and facts.bands.get(t.domain) in t.bands)
        for t in template.triggers
    )


@settings(max_examples=300, deadline=None)
@given(template_lists(), profiles())
def test_every_triggered_template_is_suggested_once_with_a_reason(templates, facts):
    suggestions = suggest(templates, facts)
    ids = [s.template.id for s in suggestions]
    assert len(ids) == len(set(ids))
    assert set(ids) == {t.id for t in templates if triggered(t, facts)}
    for suggestion in suggestions:
        assert suggestion.reasons
        for reason in suggestion.reasons:
            if reason.kind == "barrier":
                assert reason.ref in facts.barriers
                assert reason.said == (f"I said {reason.ref}",)
            elif reason.kind == "need":
                assert reason.ref in facts.unmet_needs
            else:
                assert reason.band == facts.bands[reason.ref]


@settings(max_examples=300, deadline=None)
@given(template_lists(), profiles())
def test_barriers_then_needs_then_strengths_community_social_personal(templates, facts):
    suggestions = suggest(templates, facts)
    for earlier, later in zip(suggestions, suggestions[1:], strict=False):
        assert CATEGORY_ORDER[earlier.category] <= CATEGORY_ORDER[later.category]
        if earlier.category == later.category == "strength":
            assert CAPITAL_ORDER.get(earlier.capital, 3) <= CAPITAL_ORDER.get(
                later.capital, 3
            )
    # Stated as the issue puts it: anything a barrier triggered ranks above
    # any strength-building suggestion, and an unmet need above those too.
    positions = {s.template.id: n for n, s in enumerate(suggestions)}
    for a in suggestions:
        for b in suggestions:
            if a.category in ("barrier", "need") and b.category == "strength":
                assert positions[a.template.id] < positions[b.template.id]
            if a.category == "barrier" and b.category == "need":
                assert positions[a.template.id] < positions[b.template.id]


@settings(max_examples=300, deadline=None)
@given(template_lists(), profiles())
def test_quick_wins_lead_within_their_group_and_strengths_are_the_persons(
    templates, facts
):
    suggestions = suggest(templates, facts)
    for earlier, later in zip(suggestions, suggestions[1:], strict=False):
        same_group = earlier.category == later.category and (
            earlier.category != "strength" or earlier.capital == later.capital
        )
        if same_group:
            assert earlier.quick_win >= later.quick_win
    for suggestion in suggestions:
        assert set(suggestion.draw_on) <= set(facts.strengths)
        assert suggestion.domain not in suggestion.draw_on
        if suggestion.quick_win:
            assert suggestion.band == "amber" or any(
                facts.capitals[s] == suggestion.capital for s in suggestion.draw_on
            )


def test_an_example_in_order():
    def template(id_, domain, *trigger_list):
        return GoalTemplate(
            id=id_,
            title=Text(en=id_),
            description=Text(en="-"),
            domain=domain,
            triggers=trigger_list,
            actions=(SuggestedAction(what=Text(en="-")),),
        )

    templates = [
        template("coping", "coping", Trigger(domain="coping", bands=("red",))),
        template(
            "friends", "friends", Trigger(domain="friends", bands=("red", "amber"))
        ),
        template("groups", "groups", Trigger(domain="groups", bands=("red",))),
        template("money", None, Trigger(need="need-a")),
        template("housing", "home", Trigger(barrier="barrier-a")),
        template("pastimes", "pastimes", Trigger(domain="pastimes", bands=("red",))),
    ]
    facts = Facts(
        bands={
            "coping": "red",
            "friends": "red",
            "groups": "red",
            "home": "red",
            "pastimes": "red",
            "health": "green",
        },
        capitals=dict(DOMAINS),
        strengths=("health",),
        barriers=("barrier-a",),
        unmet_needs=("need-a",),
    )
    order = [s.template.id for s in suggest(templates, facts)]
    # Barrier, need, then community, social (in file order: no quick win in
    # either), then personal — where "health" is a strength to build on.
    assert order == ["housing", "money", "groups", "friends", "pastimes", "coping"]
    coping = suggest(templates, facts)[-1]
    assert coping.quick_win and coping.draw_on == ("health",)


def test_facts_from_a_scored_assessment(instruments):
    from caremap.assessments.samples import plausible_answers
    from caremap.instruments import scoring

    instrument = instruments["recovery-capital-profile"].instrument
    answers = plausible_answers(instrument, random.Random(4), 0)
    scores = scoring.score(instrument, answers).as_json()
    facts = facts_from(instrument, scores, answers, "en")
    assert facts.strengths == tuple(scores["strengths"])
    assert facts.barriers == tuple(scores["barriers"])
    for barrier in facts.barriers:
        assert facts.said[("barrier", barrier)] == (
            instrument.items_by_id[barrier].text.en,
        )
    red = [
        d for d, band in facts.bands.items() if band == "red" and d in facts.capitals
    ]
    assert red, "the sample should have a red domain to explain"
    for domain in red:
        assert facts.said.get(("domain", domain)), domain
