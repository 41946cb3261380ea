"""Properties of the scoring engine over randomly generated, valid instruments.

The expected values here are worked out from the raw definition, separately
from `Item.score` and the engine, so a mistake in either shows up as a
disagreement rather than being repeated on both sides.
"""

import itertools
import math
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremap.instruments import ranges
from caremap.instruments.definition import Instrument, Item
from caremap.instruments.scoring import score
from caremap.instruments.validation import validate_definition

TOLERANCE = 1e-9
SCORED_TYPES = ["yes_no", "scale", "number", "single_choice", "multiple_choice"]
BAND_NAMES = ["red", "amber", "green"]
WEIGHTS = st.sampled_from([1, -1, 2, -2, 3, 0.5, -0.5, 0.25, 1.5, -0.75])
OPTION_SCORES = st.integers(-4, 6) | st.sampled_from([-1.5, -0.5, 0.5, 1.25, 2.5])
CUTS = st.sampled_from([0.1, 0.25, 1 / 3, 0.5, 0.6, 0.75, 0.9])

PROPERTY_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# Generating definitions


def item_range(raw):
    """The lowest and highest score of a raw scorable item, worked out here."""
    kind = raw["type"]
    if kind == "yes_no":
        return (0, 1)
    if kind == "scale":
        values = [p["value"] for p in raw["points"]]
        return (min(values), max(values))
    if kind == "number":
        return (raw["minimum"], raw["maximum"])
    scores = [o["score"] for o in raw["options"]]
    if kind == "single_choice":
        return (min(scores), max(scores))
    return (sum(s for s in scores if s < 0), sum(s for s in scores if s > 0))


@st.composite
def scored_items(draw, item_id, domain, *, small=False):
    kind = draw(st.sampled_from(SCORED_TYPES))
    raw = {"id": item_id, "type": kind, "text": f"Question {item_id}"}
    if domain is not None:
        raw["domain"] = domain
    if kind == "scale":
        values = draw(
            st.lists(
                st.integers(-5, 7), min_size=2, max_size=4 if small else 6, unique=True
            )
        )
        raw["points"] = [{"value": v, "label": f"Point {v}"} for v in values]
    elif kind == "number":
        low = draw(st.integers(-10, 10))
        raw["minimum"] = low
        raw["maximum"] = draw(st.integers(low, low + (3 if small else 12)))
    elif kind in ("single_choice", "multiple_choice"):
        scores = draw(st.lists(OPTION_SCORES, min_size=1, max_size=3 if small else 4))
        raw["options"] = [
            {"code": f"{item_id}-o{index}", "label": f"Option {index}", "score": s}
            for index, s in enumerate(scores)
        ]
    if draw(st.booleans()):
        raw["reverse"] = True
    if draw(st.booleans()):
        raw["optional"] = True
    if not small and draw(st.integers(0, 3)) == 0:
        low, high = item_range(raw)
        if high > 0 and draw(st.booleans()):
            raw["barrier"] = True
        else:
            whole = list(range(math.ceil(low), math.floor(high) + 1))
            threshold = draw(st.sampled_from(sorted({low, high, *whole})))
            raw["barrier"] = {"at_least": threshold}
    return raw


@st.composite
def bands_over(draw, low, high):
    count = 1 if high == low else draw(st.integers(1, 3))
    names = draw(st.permutations(BAND_NAMES))[:count]
    fractions = sorted(
        draw(st.lists(CUTS, min_size=count - 1, max_size=count - 1, unique=True))
    )
    cuts = [low, *(low + (high - low) * f for f in fractions), high]
    return [
        {"band": name, "from": cuts[index], "to": cuts[index + 1]}
        for index, name in enumerate(names)
    ]


@st.composite
def domain_with_items(draw, domain_id, *, small=False):
    count = draw(st.integers(1, 4))
    items = [
        draw(scored_items(f"{domain_id}-q{index}", domain_id, small=small))
        for index in range(count)
    ]
    domain = {
        "id": domain_id,
        "title": f"Domain {domain_id}",
        "scoring": draw(st.sampled_from(["sum", "mean"])),
    }
    minimum = draw(st.none() | st.integers(0, count))
    if minimum is not None:
        domain["minimum_answered"] = minimum
    domain["range"] = list(
        ranges.domain_range(
            domain["scoring"], [Item.from_dict(i) for i in items], minimum
        )
    )
    if draw(st.booleans()):
        domain["bands"] = draw(bands_over(*domain["range"]))
    # A strength is a domain in its green band, so only a domain with a
    # green band can be declared one.
    if any(b["band"] == "green" for b in domain.get("bands", [])) and draw(
        st.booleans()
    ):
        domain["strength"] = True
    return domain, items


@st.composite
def unscored_items(draw, prefix):
    kinds = draw(st.lists(st.sampled_from(["date", "text", "choice"]), max_size=2))
    items = []
    for index, kind in enumerate(kinds):
        raw = {"id": f"{prefix}{index}", "text": f"Question {prefix}{index}"}
        if kind == "choice":
            raw["type"] = "single_choice"
            raw["options"] = [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]
        else:
            raw["type"] = kind
        if draw(st.booleans()):
            raw["optional"] = True
        items.append(raw)
    return items


@st.composite
def definitions(draw):
    domains, items = [], []
    for index in range(draw(st.integers(1, 3))):
        domain, domain_items = draw(domain_with_items(f"d{index}"))
        domains.append(domain)
        items.extend(domain_items)
    # Items outside any domain: scorable ones (perhaps barriers), the yes/no
    # pairs that needs refer to, and items that never score.
    for index in range(draw(st.integers(0, 2))):
        items.append(draw(scored_items(f"free{index}", None)))
    needs = []
    for index in range(draw(st.integers(0, 2))):
        for part in ("received", "wanted"):
            items.append(
                {
                    "id": f"need{index}-{part}",
                    "type": "yes_no",
                    "text": f"Need {index} {part}",
                    "optional": draw(st.booleans()),
                }
            )
        needs.append(
            {
                "id": f"need{index}",
                "title": f"Need {index}",
                "received": f"need{index}-received",
                "wanted": f"need{index}-wanted",
            }
        )
    items.extend(draw(unscored_items("other")))

    counts = {
        "barriers": sum(1 for i in items if i.get("barrier")),
        "unmet_needs": len(needs),
        "strengths": sum(1 for d in domains if d.get("strength")),
    }
    term_ranges = {d["id"]: tuple(d["range"]) for d in domains}
    composites = []
    for index in range(draw(st.integers(0, 3))):
        kinds = ["domain"]
        if composites:
            kinds.append("composite")
        if any(counts.values()):
            kinds.append("count")
        terms, weighted = [], []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(kinds))
            if kind == "domain":
                ref = draw(st.sampled_from([d["id"] for d in domains]))
                reach = term_ranges[ref]
            elif kind == "composite":
                ref = draw(st.sampled_from([c["id"] for c in composites]))
                reach = term_ranges[ref]
            else:
                ref = draw(st.sampled_from([k for k, v in counts.items() if v]))
                reach = (0, counts[ref])
            term = {kind: ref}
            weight = draw(st.none() | WEIGHTS)
            if weight is not None:
                term["weight"] = weight
            terms.append(term)
            weighted.append((1 if weight is None else weight, reach))
        composite = {
            "id": f"c{index}",
            "title": f"Composite {index}",
            "terms": terms,
            "range": list(ranges.weighted_sum_range(weighted)),
        }
        if draw(st.booleans()):
            composite["bands"] = draw(bands_over(*composite["range"]))
        term_ranges[composite["id"]] = tuple(composite["range"])
        composites.append(composite)

    # Spread the items over one to three sections, keeping their order.
    section_count = draw(st.integers(1, 3))
    placed = [draw(st.integers(0, section_count - 1)) for _ in items]
    sections = []
    for index in range(section_count):
        section_items = [i for i, s in zip(items, placed, strict=True) if s == index]
        if section_items:
            sections.append(
                {"id": f"s{index}", "title": f"Section {index}", "items": section_items}
            )
    definition = {
        "id": "generated",
        "version": "1.0.0",
        "title": "Generated instrument",
        "licence": "CC0-1.0",
        "citation": "Generated for a test.",
        "domains": domains,
        "sections": sections,
    }
    if composites:
        definition["composites"] = composites
    if needs:
        definition["needs"] = needs
    if draw(st.booleans()):
        definition["wellbeing"] = draw(st.sampled_from([d["id"] for d in domains]))
    return definition


# Generating answers


def raw_items(definition):
    return [item for section in definition["sections"] for item in section["items"]]


def answer_values(raw):
    kind = raw["type"]
    if kind == "yes_no":
        return st.booleans()
    if kind == "scale":
        return st.sampled_from([p["value"] for p in raw["points"]])
    if kind == "number":
        return st.integers(raw["minimum"], raw["maximum"])
    if kind == "date":
        return st.dates().map(lambda d: d.isoformat())
    if kind == "text":
        return st.text(max_size=20)
    codes = [o["code"] for o in raw["options"]]
    if kind == "single_choice":
        return st.sampled_from(codes)
    return st.lists(st.sampled_from(codes), unique=True)


@st.composite
def answers_for(draw, definition, *, everything=False):
    # Each need's two questions are left unanswered, answered yes or answered
    # no equally often, since an unanswered "receiving it?" counts as no.
    need_items = {
        need[part]
        for need in definition.get("needs", [])
        for part in ("received", "wanted")
    }
    answers = {}
    for raw in raw_items(definition):
        if raw["id"] in need_items:
            answer = draw(st.sampled_from([None, True, False]))
            if answer is not None:
                answers[raw["id"]] = answer
        elif everything or draw(st.booleans()):
            answers[raw["id"]] = draw(answer_values(raw))
    return answers


@st.composite
def instruments_with_answers(draw):
    definition = draw(definitions())
    # Often answer everything, so that domains are complete and scored.
    answers = draw(answers_for(definition, everything=draw(st.booleans())))
    return definition, answers


# Working out the expected results from the raw definition


def expected_item_score(raw, answer):
    kind = raw["type"]
    if kind == "yes_no":
        value = 1 if answer else 0
    elif kind in ("scale", "number"):
        value = answer
    else:
        scores = {o["code"]: o["score"] for o in raw["options"]}
        value = (
            scores[answer]
            if kind == "single_choice"
            else sum(scores[code] for code in answer)
        )
    if raw.get("reverse"):
        low, high = item_range(raw)
        value = low + high - value
    return value


def expected_band(raw_bands, value):
    # Thresholds are compared within TOLERANCE, as docs/instruments.md says:
    # a mean a hair below a threshold (float noise) belongs to the band above.
    for index, band in enumerate(raw_bands):
        last = index == len(raw_bands) - 1
        above_start = value >= band["from"] - TOLERANCE
        below_end = (
            value <= band["to"] + TOLERANCE if last else value < band["to"] - TOLERANCE
        )
        if above_start and below_end:
            return band["band"]
    return None


def expected_domain(definition, domain, answers):
    items = [i for i in raw_items(definition) if i.get("domain") == domain["id"]]
    answered = [i for i in items if i["id"] in answers]
    required = [i for i in items if not i.get("optional")]
    minimum = domain.get("minimum_answered")
    need = max(len(required) if minimum is None else minimum, len(required), 1)
    complete = all(i["id"] in answers for i in required) and len(answered) >= need
    value = None
    if complete:
        total = sum(expected_item_score(i, answers[i["id"]]) for i in answered)
        value = total if domain["scoring"] == "sum" else total / len(answered)
    return {"answered": len(answered), "complete": complete, "score": value}


def close(a, b):
    return abs(a - b) <= TOLERANCE


def within(value, reach):
    low, high = reach
    return low - TOLERANCE <= value <= high + TOLERANCE


def cleaned(definition, answers):
    instrument = Instrument.from_dict(definition)
    clean, problems = instrument.clean_answers(answers)
    assert problems == []
    return instrument, clean


# The generator itself


@PROPERTY_SETTINGS
@given(definitions())
def test_every_generated_definition_is_valid(definition):
    assert validate_definition(definition, "generated.yaml") == []


@PROPERTY_SETTINGS
@given(st.data())
def test_every_generated_answer_is_accepted(data):
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    instrument, clean = cleaned(definition, answers)
    assert set(clean) == set(answers)


# Scores stay inside their ranges


@PROPERTY_SETTINGS
@given(instruments_with_answers())
def test_scores_lie_within_their_declared_ranges(case):
    definition, answers = case
    instrument, clean = cleaned(definition, answers)
    result = score(instrument, clean)
    for domain in definition["domains"]:
        got = result.domains[domain["id"]]
        assert got.range == tuple(domain["range"])
        if got.complete:
            assert within(got.score, domain["range"]), (domain, got)
            if domain.get("bands"):
                assert got.band is not None, (domain, got)
        else:
            assert got.score is None and got.band is None
    for composite in definition.get("composites", []):
        got = result.composites[composite["id"]]
        if got.complete:
            assert within(got.score, composite["range"]), (composite, got)
            if composite.get("bands"):
                assert got.band is not None, (composite, got)
        else:
            assert got.score is None and got.band is None


@PROPERTY_SETTINGS
@given(instruments_with_answers())
def test_domain_and_composite_scores_are_what_the_definition_says(case):
    definition, answers = case
    instrument, clean = cleaned(definition, answers)
    result = score(instrument, clean)
    # A score within 1e-9 of a whole number is stored as that number (see
    # test_rounding_* below), and composites are built from stored scores, so
    # a composite may be off by that snap on each term, times its weight.
    values, slack = {}, {}
    for domain in definition["domains"]:
        expected = expected_domain(definition, domain, clean)
        got = result.domains[domain["id"]]
        assert got.answered == expected["answered"]
        assert got.complete == expected["complete"]
        if expected["complete"]:
            assert close(got.score, expected["score"]), (domain, got, expected)
            assert got.band == expected_band(domain.get("bands", []), got.score)
        values[domain["id"]] = expected["score"]
        slack[domain["id"]] = TOLERANCE
    counts = {
        "barriers": len(result.barriers),
        "unmet_needs": len(result.unmet_needs),
        "strengths": len(result.strengths),
    }
    for composite in definition.get("composites", []):
        total, allowed = 0, TOLERANCE
        for term in composite["terms"]:
            weight = term.get("weight", 1)
            if "count" in term:
                value = counts[term["count"]]
            else:
                ref = term.get("domain") or term.get("composite")
                value = values[ref]
                allowed += abs(weight) * slack[ref]
            if value is None:
                total = None
                break
            total += weight * value
        values[composite["id"]] = total
        slack[composite["id"]] = allowed
        got = result.composites[composite["id"]]
        assert got.complete == (total is not None)
        if total is not None:
            assert abs(got.score - total) <= allowed, (composite, got, total)


# Answer order never matters


@PROPERTY_SETTINGS
@given(st.data())
def test_scoring_does_not_depend_on_answer_order(data):
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    keys = data.draw(st.permutations(list(answers)))
    reordered = {}
    for key in keys:
        value = answers[key]
        reordered[key] = (
            data.draw(st.permutations(value)) if isinstance(value, list) else value
        )
    instrument, first = cleaned(definition, answers)
    _, second = cleaned(definition, reordered)
    assert first == second
    assert score(instrument, first).as_json() == score(instrument, second).as_json()


# Unanswered items are never counted as zero


@PROPERTY_SETTINGS
@given(instruments_with_answers())
def test_answered_counts_the_answers_present_and_incomplete_means_no_score(case):
    definition, answers = case
    instrument, clean = cleaned(definition, answers)
    result = score(instrument, clean)
    for domain in definition["domains"]:
        items = [i for i in raw_items(definition) if i.get("domain") == domain["id"]]
        got = result.domains[domain["id"]]
        assert got.answered == sum(1 for i in items if i["id"] in clean)
        assert got.expected == len(items)
        required = [i for i in items if not i.get("optional")]
        minimum = domain.get("minimum_answered") or 0
        if any(i["id"] not in clean for i in required) or got.answered < max(
            minimum, 1
        ):
            assert got.complete is False
            assert got.score is None
            assert got.band is None


@PROPERTY_SETTINGS
@given(st.data())
def test_removing_an_answer_from_a_complete_domain(data):
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition, everything=True))
    instrument, clean = cleaned(definition, answers)
    before = score(instrument, clean)
    domain = data.draw(st.sampled_from(definition["domains"]))
    assert before.domains[domain["id"]].complete
    items = [i for i in raw_items(definition) if i.get("domain") == domain["id"]]
    removed = data.draw(st.sampled_from(items))
    fewer = {k: v for k, v in clean.items() if k != removed["id"]}
    after = score(instrument, fewer).domains[domain["id"]]
    assert after.answered == before.domains[domain["id"]].answered - 1
    if not removed.get("optional"):
        assert after.complete is False
    if not after.complete:
        assert after.score is None and after.band is None
    else:
        # Only an optional item, beyond the minimum, can be left out.
        assert removed.get("optional")
        assert after.answered >= max(domain.get("minimum_answered") or 0, 1)


# The ranges are exact


def answer_choices(raw):
    """One answer for each score a raw item can give."""
    kind = raw["type"]
    if kind == "yes_no":
        answers = [True, False]
    elif kind == "scale":
        answers = [p["value"] for p in raw["points"]]
    elif kind == "number":
        answers = list(range(raw["minimum"], raw["maximum"] + 1))
    elif kind == "single_choice":
        answers = [o["code"] for o in raw["options"]]
    else:
        codes = [o["code"] for o in raw["options"]]
        answers = [
            list(chosen)
            for size in range(len(codes) + 1)
            for chosen in itertools.combinations(codes, size)
        ]
    by_score = {}
    for answer in answers:
        by_score.setdefault(expected_item_score(raw, answer), answer)
    return list(by_score.values())


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(domain_with_items("d", small=True))
def test_domain_ranges_are_exactly_the_scores_that_can_be_reached(generated):
    domain, items = generated
    definition = {
        "id": "small",
        "version": "1",
        "title": "Small",
        "licence": "CC0-1.0",
        "citation": "Generated for a test.",
        "domains": [domain],
        "sections": [{"id": "s", "title": "S", "items": items}],
    }
    assert validate_definition(definition, "small.yaml") == []
    instrument = Instrument.from_dict(definition)
    unanswered = object()
    reached = []
    for combination in itertools.product(
        *([unanswered, *answer_choices(raw)] for raw in items)
    ):
        answers = {
            raw["id"]: answer
            for raw, answer in zip(items, combination, strict=True)
            if answer is not unanswered
        }
        result = score(instrument, answers).domains["d"]
        if result.complete:
            reached.append(result.score)
    assert reached, "no combination of answers completes the domain"
    low, high = domain["range"]
    assert close(min(reached), low), (domain, min(reached))
    assert close(max(reached), high), (domain, max(reached))


# Wellbeing, strengths, barriers and needs


@PROPERTY_SETTINGS
@given(instruments_with_answers())
def test_wellbeing_is_a_percentage(case):
    definition, answers = case
    instrument, clean = cleaned(definition, answers)
    wellbeing = score(instrument, clean).wellbeing
    if "wellbeing" not in definition:
        assert wellbeing is None
        return
    assert wellbeing.domain == definition["wellbeing"]
    if wellbeing.percentage is not None:
        assert 0 <= wellbeing.percentage <= 100
        domain = next(
            d for d in definition["domains"] if d["id"] == definition["wellbeing"]
        )
        low, high = domain["range"]
        # The nearest whole percentage (within float error), and an exact
        # half rounds up, as people expect (12.5 shows as 13; Python's
        # round() would give 12).
        exact = Fraction(wellbeing.score - low) / Fraction(high - low) * 100
        assert abs(wellbeing.percentage - exact) <= Fraction(1, 2) + Fraction(1, 10**9)
        if exact.denominator == 2:
            assert wellbeing.percentage == exact + Fraction(1, 2)


@PROPERTY_SETTINGS
@given(instruments_with_answers())
def test_strengths_barriers_and_unmet_needs(case):
    definition, answers = case
    instrument, clean = cleaned(definition, answers)
    result = score(instrument, clean)

    strengths = []
    for domain in definition["domains"]:
        expected = expected_domain(definition, domain, clean)
        if (
            domain.get("strength")
            and expected["complete"]
            and expected_band(domain.get("bands", []), expected["score"]) == "green"
        ):
            strengths.append(domain["id"])
    assert result.strengths == strengths

    barriers = []
    for raw in raw_items(definition):
        barrier = raw.get("barrier")
        if not barrier or raw["id"] not in clean:
            continue
        value = expected_item_score(raw, clean[raw["id"]])
        if (value > 0) if barrier is True else (value >= barrier["at_least"]):
            barriers.append(raw["id"])
    assert result.barriers == barriers

    assert result.unmet_needs == [
        need["id"]
        for need in definition.get("needs", [])
        if answers.get(need["wanted"]) is True
        and answers.get(need["received"]) is not True
    ]


# Scores rounded out of their bands


def thirds_instrument(domain_range, composite_range, first_band_from):
    """A mean domain whose lowest score is exactly 1/3 (no, no, and 1 on a
    1-4 scale), and a composite of three times it, whose lowest score is 1."""
    return {
        "id": "thirds",
        "version": "1.0.0",
        "title": "Thirds",
        "licence": "CC0-1.0",
        "citation": "Written for a test.",
        "domains": [
            {
                "id": "mix",
                "title": "Mix",
                "scoring": "mean",
                "range": domain_range,
                "bands": [
                    {"band": "red", "from": first_band_from, "to": 1},
                    {"band": "green", "from": 1, "to": 2},
                ],
            }
        ],
        "composites": [
            {
                "id": "triple",
                "title": "Three times the mix",
                "terms": [{"domain": "mix", "weight": 3}],
                "range": composite_range,
                "bands": [
                    {"band": "red", "from": 1, "to": 3},
                    {"band": "green", "from": 3, "to": 6},
                ],
            }
        ],
        "sections": [
            {
                "id": "questions",
                "title": "Questions",
                "items": [
                    {"id": "a", "type": "yes_no", "text": "A", "domain": "mix"},
                    {"id": "b", "type": "yes_no", "text": "B", "domain": "mix"},
                    {
                        "id": "c",
                        "type": "scale",
                        "text": "C",
                        "domain": "mix",
                        "points": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)],
                    },
                ],
            }
        ],
    }


LOWEST = {"a": False, "b": False, "c": 1}


def test_rounding_never_takes_a_mean_below_its_first_band():
    # The range and first band written out in full, as a YAML writer prints 1/3.
    definition = thirds_instrument([1 / 3, 2], [1, 6], 1 / 3)
    assert validate_definition(definition, "thirds.yaml") == []
    result = score(Instrument.from_dict(definition), LOWEST)
    mix = result.domains["mix"]
    assert mix.complete
    assert mix.score >= 1 / 3 - TOLERANCE
    assert mix.band == "red"


def test_rounding_never_takes_a_composite_below_its_range():
    # The domain range as the validator's own message prints it (9 places).
    definition = thirds_instrument([0.333333333, 2], [1, 6], 0.333333333)
    assert validate_definition(definition, "thirds.yaml") == []
    result = score(Instrument.from_dict(definition), LOWEST)
    triple = result.composites["triple"]
    assert triple.complete
    # Three times a mean of exactly 1/3 is exactly 1.
    assert triple.score == 1
    assert triple.band == "red"
