"""FHIR R4 Questionnaire import and export, and QuestionnaireResponse export.

The fixtures are small questionnaires written for these tests."""

import copy
import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from caremap.instruments import scoring
from caremap.instruments.definition import Instrument
from caremap.instruments.fhir import (
    ITEM_CONTROL,
    MAX_VALUE,
    MIN_VALUE,
    ORDINAL_VALUE,
    TRANSLATION,
    FhirImportError,
    assessment_to_questionnaire_response,
    definition_to_questionnaire,
    questionnaire_to_definition,
)
from caremap.instruments.validation import validate_definition

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = ["fhir-ordinal.json", "fhir-item-weight.json", "fhir-mixed-types.json"]


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def imported(name: str) -> dict:
    return questionnaire_to_definition(load(name))


def problems_of(resource) -> list[str]:
    with pytest.raises(FhirImportError) as caught:
        questionnaire_to_definition(resource)
    return caught.value.problems


def items_of(definition: dict) -> dict:
    return {i["id"]: i for s in definition["sections"] for i in s["items"]}


def section_items(definition: dict) -> dict:
    return {s["id"]: [i["id"] for i in s["items"]] for s in definition["sections"]}


def domains_of(definition: dict) -> dict:
    return {d["id"]: d for d in definition["domains"]}


def score(definition: dict, answers: dict) -> dict:
    instrument = Instrument.from_dict(definition)
    cleaned, problems = instrument.clean_answers(answers)
    assert problems == []
    return scoring.score(instrument, cleaned).as_json()["domains"]


def minimal(**changes) -> dict:
    """A valid one-question Questionnaire to break in one place."""
    resource = {
        "resourceType": "Questionnaire",
        "id": "minimal",
        "version": "1",
        "title": "Minimal",
        "status": "active",
        "item": [
            {
                "linkId": "g",
                "type": "group",
                "text": "Group",
                "item": [{"linkId": "q1", "type": "boolean", "text": "Yes or no?"}],
            }
        ],
    }
    resource.update(changes)
    return resource


def with_question(question: dict, **group) -> dict:
    resource = minimal()
    resource["item"][0]["item"].append(question)
    resource["item"][0].update(group)
    return resource


# --- import: ordinalValue -----------------------------------------------------


def test_groups_become_sections_and_scored_groups_domains():
    definition = imported("fhir-ordinal.json")
    assert section_items(definition) == {
        "routine": ["r1", "r2", "r3"],
        "mood": ["m1", "m2", "m3"],
        "about": ["who", "notes"],
        "other": ["callback"],
    }
    domains = domains_of(definition)
    assert list(domains) == ["routine", "mood"]
    assert domains["routine"] == {
        "id": "routine",
        "title": "Routine",
        "scoring": "sum",
        "range": [0, 8],
    }
    # m1 (0-4) and m3 (0-1) are required; the optional m2 (1-3) can only add.
    assert domains["mood"]["range"] == [0, 8]
    assert domains["mood"]["title"] == "How you feel"
    assert all(
        "bands" not in d and "minimum_answered" not in d for d in domains.values()
    )


def test_ordinal_value_is_read_from_the_answer_option_and_from_its_coding():
    items = items_of(imported("fhir-ordinal.json"))
    assert items["r1"]["type"] == "single_choice"
    assert items["r1"]["options"] == [
        {"code": "never", "label": "Never", "score": 0},
        {"code": "sometimes", "label": "Sometimes", "score": 1},
        {"code": "mostly", "label": "Most days", "score": 2},
        {"code": "always", "label": "Every day", "score": 3},
    ]
    # 2.0 in the file is the whole number 2.
    assert type(items["r1"]["options"][2]["score"]) is int
    # On the valueCoding itself; a coding without a display is labelled by code.
    assert items["r2"]["options"] == [
        {"code": "a", "label": "Hardly at all", "score": 0},
        {"code": "b", "label": "Once a day", "score": 1},
        {"code": "c", "label": "c", "score": 2},
    ]
    assert items["r1"]["domain"] == items["r2"]["domain"] == "routine"


def test_codes_equal_to_their_ordinal_values_make_a_scale():
    items = items_of(imported("fhir-ordinal.json"))
    assert items["m1"]["type"] == "scale"
    assert items["m1"]["points"][0] == {"value": 0, "label": "Not at all"}
    assert [p["value"] for p in items["m1"]["points"]] == [0, 1, 2, 3, 4]
    assert [p["value"] for p in items["m2"]["points"]] == [1, 2, 3]
    assert "options" not in items["m1"]


def test_nested_groups_are_flattened_and_repeats_make_multiple_choice():
    items = items_of(imported("fhir-ordinal.json"))
    assert items["r3"]["type"] == "multiple_choice"
    assert items["r3"]["domain"] == "routine"
    assert [o["score"] for o in items["r3"]["options"]] == [1, 1, 1]


def test_required_decides_optional():
    items = items_of(imported("fhir-ordinal.json"))
    assert "optional" not in items["r1"]
    assert items["r3"]["optional"] is True
    assert items["m2"]["optional"] is True


def test_choice_with_a_score_missing_is_kept_but_not_scored():
    definition = imported("fhir-ordinal.json")
    items = items_of(definition)
    assert items["who"]["options"] == [
        {"code": "self", "label": "I did", "score": 1},
        {"code": "helper", "label": "Someone helped me"},
    ]
    assert "domain" not in items["who"]
    assert "domain" not in items["notes"]
    assert "about" not in domains_of(definition)


def test_top_level_questions_go_in_an_unscored_other_section():
    definition = imported("fhir-ordinal.json")
    other = definition["sections"][-1]
    assert other["id"] == "other"
    assert other["title"] == "Other questions"
    assert other["items"] == [
        {"id": "callback", "type": "yes_no", "text": "Would you like a call back?"}
    ]
    assert "other" not in domains_of(definition)


def test_display_items_become_descriptions_and_hints():
    definition = imported("fhir-ordinal.json")
    assert definition["sections"][0]["description"] == "Answer for a typical day."
    assert items_of(definition)["m3"]["hint"] == (
        "Count a night as good if you woke up rested."
    )
    assert definition["description"] == (
        "A short made-up questionnaire for testing the FHIR import.\n\n"
        "Think about the last seven days."
    )
    all_ids = [i["id"] for s in definition["sections"] for i in s["items"]]
    assert "intro" not in all_ids and "m3-help" not in all_ids


def test_header_and_welsh_translations():
    definition = imported("fhir-ordinal.json")
    assert definition["id"] == "daily-routine-check"
    assert definition["version"] == "2.1.0"
    assert definition["title"] == {
        "en": "Daily routine check",
        "cy": "Gwiriad trefn ddyddiol",
    }
    assert definition["licence"] == "CC-BY-4.0"
    assert definition["citation"] == (
        "Example Health Board. "
        "https://example.org/fhir/Questionnaire/daily-routine-check"
    )
    assert items_of(definition)["r1"]["text"] == {
        "en": "How often did you get up at a time you planned?",
        "cy": "Pa mor aml wnaethoch chi godi ar yr amser a gynlluniwyd?",
    }


# --- import: itemWeight, integer and string options -------------------------------


def test_item_weight_scores_and_whole_numbers_stay_whole():
    items = items_of(imported("fhir-item-weight.json"))
    scores = [o["score"] for o in items["e1"]["options"]]
    assert scores == [0, 0.5, 1]
    assert [type(s) for s in scores] == [int, float, int]
    # itemWeight on the valueCoding, written as 1.0 and 0.0.
    assert items["s1"]["options"] == [
        {"code": "y", "label": "Yes", "score": 1},
        {"code": "n", "label": "No", "score": 0},
    ]
    assert [type(o["score"]) for o in items["s1"]["options"]] == [int, int]


def test_integer_options_make_a_scale_and_string_options_use_the_string_as_code():
    items = items_of(imported("fhir-item-weight.json"))
    assert items["e2"]["type"] == "scale"
    assert items["e2"]["points"] == [{"value": v, "label": str(v)} for v in range(1, 6)]
    assert items["e3"]["type"] == "single_choice"
    assert items["e3"]["options"][1] == {
        "code": "Now and then",
        "label": "Now and then",
        "score": 1,
    }


def test_item_weight_domains_and_fallback_header():
    definition = imported("fhir-item-weight.json")
    domains = domains_of(definition)
    assert domains["energy"]["range"] == [1, 8]
    assert domains["support"]["range"] == [0, 1]
    # No id: a slug of the name. No copyright, publisher or url.
    assert definition["id"] == "week-planner"
    assert definition["licence"] == "see source"
    assert definition["citation"] == "Week planner, version 1"


# --- import: other item types -----------------------------------------------------


def test_boolean_integer_decimal_date_and_text_items():
    definition = imported("fhir-mixed-types.json")
    items = items_of(definition)
    assert items["b1"] == {
        "id": "b1",
        "type": "yes_no",
        "text": "I have somewhere safe to stay",
        "domain": "wellbeing",
    }
    assert items["n1"] == {
        "id": "n1",
        "type": "number",
        "text": "On how many of the last 28 days did you go outside?",
        "minimum": 0,
        "maximum": 28,
        "unit": "days",
        "domain": "wellbeing",
    }
    assert (items["n2"]["type"], items["n2"]["minimum"], items["n2"]["maximum"]) == (
        "number",
        0,
        10,
    )
    assert items["d1"] == {
        "id": "d1",
        "type": "date",
        "text": "When did you start with this service?",
    }
    assert items["t1"]["type"] == "text" and items["t1"]["max_length"] == 40
    assert items["t2"]["type"] == "text"
    assert domains_of(definition) == {
        "wellbeing": {
            "id": "wellbeing",
            "title": "This month",
            "scoring": "sum",
            "range": [0, 40],
        }
    }


def test_conditional_items_are_optional_even_when_required():
    items = items_of(imported("fhir-mixed-types.json"))
    assert items["b2"]["optional"] is True


def test_read_only_items_are_skipped_and_display_text_kept():
    definition = imported("fhir-mixed-types.json")
    assert "total" not in items_of(definition)
    assert section_items(definition) == {
        "wellbeing": ["b1", "n1", "n2", "b2"],
        "details": ["d1", "t1", "t2"],
    }
    assert definition["sections"][1]["description"] == (
        "Only your worker sees these details."
    )
    assert definition["description"] == "Thank you for your answers."


def test_camel_case_id_is_slugged_and_language_is_stored_as_english():
    definition = imported("fhir-mixed-types.json")
    assert definition["id"] == "getting-on"
    resource = minimal(language="cy", title="Holiadur byr")
    assert questionnaire_to_definition(resource)["title"] == "Holiadur byr"


def test_integer_without_both_bounds_is_kept_unscored():
    # A score needs known ends, so a count with only a minimum is recorded
    # but does not score into its group's domain.
    definition = questionnaire_to_definition(
        with_question(
            {
                "linkId": "n",
                "type": "integer",
                "text": "How many?",
                "extension": [{"url": MIN_VALUE, "valueInteger": 0}],
            }
        )
    )
    item = next(i for s in definition["sections"] for i in s["items"] if i["id"] == "n")
    assert item["type"] == "number"
    assert item["minimum"] == 0
    assert "maximum" not in item
    assert "domain" not in item
    assert validate_definition(definition, "q.json") == []


# --- import: problems -------------------------------------------------------------


def test_wrong_resource_type():
    assert problems_of(load("fhir-broken-resource-type.json")) == [
        "resourceType: expected 'Questionnaire', got 'Patient'"
    ]
    assert problems_of(["not", "an", "object"]) == [
        "the resource must be a JSON object"
    ]


def test_missing_version_asks_for_one():
    problems = problems_of(load("fhir-broken-no-version.json"))
    assert len(problems) == 1
    assert problems[0].startswith("version: missing: give the Questionnaire a version")


def test_unsupported_item_types_name_path_and_link_id():
    problems = problems_of(load("fhir-broken-unsupported-type.json"))
    assert len(problems) == 2
    assert problems[0].startswith(
        "item[0].item[1] (linkId photo): the item type 'attachment' is not supported"
    )
    assert problems[1].startswith(
        "item[1] (linkId when): the item type 'dateTime' is not supported"
    )


def test_broken_choices_are_each_reported():
    assert problems_of(load("fhir-broken-choices.json")) == [
        "item[0].item[0].answerOption[1] (linkId q1): the option has no code: "
        "Caremap records the code as the answer",
        "item[0].item[1] (linkId q2): the options come from answerValueSet, which "
        "Caremap cannot look up; list them as answerOption",
    ]


def test_fhir_model_errors_are_readable_and_name_the_link_id():
    resource = with_question({"linkId": "q2", "text": "No type"})
    resource["item"][0]["item"][0]["colour"] = "blue"
    problems = problems_of(resource)
    assert sorted(problems) == [
        "item[0].item[0].colour (linkId q1): is not an element FHIR R4 defines here",
        "item[0].item[1].type (linkId q2): Value for the field 'type' is required.",
    ]


def test_link_id_that_cannot_be_an_answer_id():
    problems = problems_of(
        with_question({"linkId": "q 2", "type": "boolean", "text": "Spaced out?"})
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "item[0].item[1] (linkId q 2): the linkId 'q 2' cannot be an answer id"
    )


def test_duplicate_link_ids():
    problems = problems_of(
        with_question({"linkId": "q1", "type": "boolean", "text": "Again?"})
    )
    assert problems == [
        "item[0].item[1] (linkId q1): the linkId 'q1' is also used by "
        "item[0].item[0] (linkId q1)"
    ]


def test_mixed_option_kinds_repeating_groups_and_bad_ranges():
    mixed = with_question(
        {
            "linkId": "c",
            "type": "choice",
            "text": "Mixed",
            "answerOption": [{"valueInteger": 1}, {"valueString": "two"}],
        }
    )
    assert problems_of(mixed) == [
        "item[0].item[1] (linkId c): the answerOptions mix valueInteger, "
        "valueString; use one kind"
    ]
    assert problems_of(
        minimal() | {"item": [minimal()["item"][0] | {"repeats": True}]}
    )[0].startswith("item[0] (linkId g): a repeating group cannot be imported")
    backwards = with_question(
        {
            "linkId": "n",
            "type": "integer",
            "text": "How many?",
            "extension": [
                {"url": MIN_VALUE, "valueInteger": 5},
                {"url": MAX_VALUE, "valueInteger": 1},
            ],
        }
    )
    assert problems_of(backwards) == [
        "item[0].item[1] (linkId n): minValue 5 is greater than maxValue 1"
    ]


def test_every_problem_is_reported_at_once():
    resource = load("fhir-broken-unsupported-type.json")
    del resource["version"]
    problems = problems_of(resource)
    assert len(problems) == 3
    assert problems[0].startswith("version: missing")


def test_questionnaire_without_questions():
    resource = minimal(item=[{"linkId": "d", "type": "display", "text": "Hello"}])
    assert problems_of(resource) == ["item: the Questionnaire has no questions to ask"]


# --- imported definitions are valid and score as expected -------------------------


@pytest.mark.parametrize("name", GOOD)
def test_imported_definitions_pass_validation(name):
    assert validate_definition(imported(name), name) == []


def test_scoring_an_imported_ordinal_questionnaire():
    domains = score(
        imported("fhir-ordinal.json"),
        {
            "r1": "mostly",
            "r2": "c",
            "r3": ["walk", "call"],
            "m1": 3,
            "m3": True,
            "who": "helper",
            "callback": False,
        },
    )
    assert domains["routine"]["score"] == 2 + 2 + 2
    assert domains["routine"]["complete"] is True
    # The optional m2 is not answered and is not counted as anything.
    assert (domains["mood"]["score"], domains["mood"]["answered"]) == (3 + 1, 2)


def test_scoring_imported_item_weights_and_numbers():
    weights = score(
        imported("fhir-item-weight.json"),
        {"e1": "mid", "e2": 4, "e3": "Now and then", "s1": "y"},
    )
    assert weights["energy"]["score"] == 0.5 + 4 + 1
    assert weights["support"]["score"] == 1
    mixed = score(
        imported("fhir-mixed-types.json"),
        {"b1": True, "n1": 12, "n2": 7, "d1": "2025-01-31"},
    )
    assert mixed["wellbeing"]["score"] == 1 + 12 + 7
    incomplete = score(imported("fhir-mixed-types.json"), {"b1": True})
    assert incomplete["wellbeing"]["complete"] is False
    assert incomplete["wellbeing"]["score"] is None


# --- export -----------------------------------------------------------------------

WELSH = {"en": "Getting about", "cy": "Mynd o gwmpas"}

AUTHORED = {
    "id": "3-step-check",
    "version": "1.2.0",
    "title": {"en": "Three step check", "cy": "Gwiriad tri cham"},
    "description": {"en": "A check written for these tests."},
    "notice": "A planning tool, not a validated scale.",
    "licence": "CC-BY-4.0",
    "citation": "Caremap project (2026). Three step check, version 1.2.0.",
    "domains": [
        {"id": "moving", "title": WELSH, "scoring": "sum", "range": [1, 13]},
    ],
    "sections": [
        {
            "id": "moving",
            "title": WELSH,
            "description": "About getting from place to place.",
            "items": [
                {
                    "id": "walk",
                    "type": "yes_no",
                    "text": {"en": "I can walk to the shops", "cy": "Gallaf gerdded"},
                    "hint": "Count using a stick or frame.",
                    "domain": "moving",
                },
                {
                    "id": "bus",
                    "type": "scale",
                    "text": "How easy is the bus?",
                    "points": [
                        {"value": 0, "label": "Very hard"},
                        {"value": 1, "label": "Hard"},
                        {"value": 2, "label": {"en": "Easy", "cy": "Hawdd"}},
                    ],
                    "domain": "moving",
                },
                {
                    "id": "worry",
                    "type": "scale",
                    "text": "How much do you worry about going out?",
                    "reverse": True,
                    "points": [
                        {"value": 1, "label": "Not at all"},
                        {"value": 2, "label": "A bit"},
                        {"value": 3, "label": "A lot"},
                    ],
                    "domain": "moving",
                },
                {
                    "id": "trips",
                    "type": "number",
                    "text": "Trips out last week",
                    "minimum": 0,
                    "maximum": 7,
                    "unit": "trips",
                    "domain": "moving",
                    "optional": True,
                },
                {
                    "id": "how",
                    "type": "multiple_choice",
                    "text": "How do you get about?",
                    "options": [
                        {"code": "foot", "label": "On foot"},
                        {"code": "car", "label": "By car"},
                    ],
                    "optional": True,
                },
            ],
        },
        {
            "id": "other",
            "title": "Anything else",
            "items": [
                {"id": "since", "type": "date", "text": "Since when?"},
                {
                    "id": "note",
                    "type": "text",
                    "text": "Tell us more",
                    "max_length": 200,
                    "optional": True,
                },
                {
                    "id": "kind",
                    "type": "single_choice",
                    "text": "Which kind?",
                    "options": [
                        {"code": "a", "label": "First", "score": 5},
                        {"code": "b", "label": "Second", "score": 2},
                    ],
                },
            ],
        },
    ],
}


def linked(resource: dict) -> dict:
    """Every item of a Questionnaire or response by linkId."""
    found = {}

    def walk(items):
        for item in items:
            found[item["linkId"]] = item
            walk(item.get("item", []))

    walk(resource.get("item", []))
    return found


def test_the_authored_example_is_a_valid_definition():
    assert validate_definition(copy.deepcopy(AUTHORED), "test") == []


@pytest.mark.parametrize("name", GOOD)
def test_exported_questionnaires_pass_the_fhir_model(name):
    resource = definition_to_questionnaire(imported(name))
    model = Questionnaire.model_validate(resource)
    assert model.status == "active"
    assert len(model.item) == len(load(name)["item"]) - (
        # display and read-only items are not carried over at the top level
        sum(
            1 for i in load(name)["item"] if i["type"] == "display" or i.get("readOnly")
        )
    )


def test_export_header():
    resource = definition_to_questionnaire(AUTHORED)
    Questionnaire.model_validate(resource)
    assert resource["resourceType"] == "Questionnaire"
    assert resource["id"] == "3-step-check"
    assert resource["url"] == "urn:caremap:instrument:3-step-check"
    assert resource["version"] == "1.2.0"
    # A FHIR name starts with a capital letter.
    assert resource["name"] == "Instrument3StepCheck"
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]*", resource["name"])
    assert resource["title"] == "Three step check"
    assert resource["_title"]["extension"][0]["url"] == TRANSLATION
    assert resource["_title"]["extension"][0]["extension"][1] == {
        "url": "content",
        "valueString": "Gwiriad tri cham",
    }
    assert resource["status"] == "active"
    assert resource["language"] == "en"
    assert resource["copyright"] == "CC-BY-4.0"
    assert resource["description"] == (
        "A check written for these tests.\n\n"
        "A planning tool, not a validated scale.\n\n"
        "Caremap project (2026). Three step check, version 1.2.0."
    )
    other = definition_to_questionnaire(AUTHORED, canonical_base="https://x.test/Q/")
    assert other["url"] == "https://x.test/Q/3-step-check"


def test_export_items():
    resource = definition_to_questionnaire(AUTHORED)
    items = linked(resource)
    group = items["moving"]
    assert (group["type"], group["text"]) == ("group", "Getting about")
    assert group["item"][0] == {
        "linkId": "moving.description",
        "text": "About getting from place to place.",
        "type": "display",
    }
    walk = items["walk"]
    assert (walk["type"], walk["required"]) == ("boolean", True)
    assert walk["_text"]["extension"][0]["extension"][1]["valueString"] == (
        "Gallaf gerdded"
    )
    hint = walk["item"][0]
    assert (hint["type"], hint["text"]) == ("display", "Count using a stick or frame.")
    assert hint["extension"][0]["url"] == ITEM_CONTROL
    assert hint["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"
    bus = items["bus"]
    assert bus["type"] == "choice"
    assert bus["answerOption"][2]["valueCoding"]["code"] == "2"
    assert bus["answerOption"][2]["valueCoding"]["display"] == "Easy"
    assert "_display" in bus["answerOption"][2]["valueCoding"]
    assert bus["answerOption"][2]["extension"] == [
        {"url": ORDINAL_VALUE, "valueDecimal": 2}
    ]
    trips = items["trips"]
    assert trips["type"] == "integer"
    assert trips["required"] is False
    assert {"url": MIN_VALUE, "valueInteger": 0} in trips["extension"]
    assert {"url": MAX_VALUE, "valueInteger": 7} in trips["extension"]
    how = items["how"]
    assert (how["type"], how["repeats"]) == ("choice", True)
    assert "extension" not in how["answerOption"][0]
    assert items["since"]["type"] == "date"
    assert (items["note"]["type"], items["note"]["maxLength"]) == ("text", 200)
    assert [
        o["extension"][0]["valueDecimal"] for o in items["kind"]["answerOption"]
    ] == [
        5,
        2,
    ]


def test_unscored_other_section_is_written_at_the_top_level():
    resource = definition_to_questionnaire(AUTHORED)
    assert [i["linkId"] for i in resource["item"]] == [
        "moving",
        "since",
        "note",
        "kind",
    ]


def test_reverse_keyed_scale_exports_the_scores_it_gives():
    worry = linked(definition_to_questionnaire(AUTHORED))["worry"]
    codes = [o["valueCoding"]["code"] for o in worry["answerOption"]]
    ordinals = [o["extension"][0]["valueDecimal"] for o in worry["answerOption"]]
    assert codes == ["1", "2", "3"]
    assert ordinals == [3, 2, 1]


def test_exported_scores_survive_import():
    answers = {"walk": True, "bus": 2, "worry": 3, "trips": 4}
    original = score(AUTHORED, answers)["moving"]["score"]
    back = questionnaire_to_definition(definition_to_questionnaire(AUTHORED))
    back_items = items_of(back)
    assert back_items["bus"]["type"] == "scale"
    # The reversed scale comes back as a choice whose scores are the reversed ones.
    assert back_items["worry"]["type"] == "single_choice"
    reanswered = dict(answers, worry="3")
    assert score(back, reanswered)["moving"]["score"] == original == 1 + 2 + 1 + 4
    assert validate_definition(back, "round trip") == []


@pytest.mark.parametrize("name", GOOD)
def test_round_trip_keeps_the_scored_parts(name):
    first = imported(name)
    second = questionnaire_to_definition(definition_to_questionnaire(first))
    assert second["sections"] == first["sections"]
    assert second["domains"] == first["domains"]
    for key in ("id", "version", "title", "licence"):
        assert second[key] == first[key]


def test_round_trip_keeps_welsh_and_hints():
    first = imported("fhir-ordinal.json")
    second = questionnaire_to_definition(definition_to_questionnaire(first))
    assert items_of(second)["r1"]["text"]["cy"].startswith("Pa mor aml")
    assert items_of(second)["m3"]["hint"] == items_of(first)["m3"]["hint"]
    assert second["sections"][0]["description"] == "Answer for a typical day."


# --- QuestionnaireResponse --------------------------------------------------------

ANSWERS = {
    "walk": True,
    "bus": 2,
    "worry": 1,
    "trips": 3,
    "how": ["car", "foot"],
    "since": "2025-03-01",
    "kind": "b",
}


def response(answers=ANSWERS, **options) -> dict:
    arguments = {
        "questionnaire_url": "urn:caremap:instrument:3-step-check|1.2.0",
        "subject_reference": "Patient/example",
        "authored": "2025-06-01T10:30:00+01:00",
    }
    arguments.update(options)
    return assessment_to_questionnaire_response(AUTHORED, answers, **arguments)


def test_response_passes_the_fhir_model():
    resource = response()
    model = QuestionnaireResponse.model_validate(resource)
    assert model.status == "completed"
    assert resource["questionnaire"] == "urn:caremap:instrument:3-step-check|1.2.0"
    assert resource["subject"] == {"reference": "Patient/example"}
    assert resource["authored"] == "2025-06-01T10:30:00+01:00"


def test_response_nests_answers_by_section_and_types_them():
    resource = response()
    assert [i["linkId"] for i in resource["item"]] == ["moving", "since", "kind"]
    answers = {
        link_id: item["answer"]
        for link_id, item in linked(resource).items()
        if "answer" in item
    }
    assert answers == {
        "walk": [{"valueBoolean": True}],
        "bus": [{"valueCoding": {"code": "2", "display": "Easy"}}],
        "worry": [{"valueCoding": {"code": "1", "display": "Not at all"}}],
        "trips": [{"valueInteger": 3}],
        # In the instrument's order, whatever order they were given in.
        "how": [
            {"valueCoding": {"code": "foot", "display": "On foot"}},
            {"valueCoding": {"code": "car", "display": "By car"}},
        ],
        "since": [{"valueDate": "2025-03-01"}],
        "kind": [{"valueCoding": {"code": "b", "display": "Second"}}],
    }
    assert "note" not in linked(resource)


def test_response_answers_match_the_exported_questionnaire():
    questionnaire = linked(definition_to_questionnaire(AUTHORED))
    for link_id, item in linked(response()).items():
        assert link_id in questionnaire
        for answer in item.get("answer", []):
            if "valueCoding" in answer:
                codes = [
                    o["valueCoding"]["code"]
                    for o in questionnaire[link_id]["answerOption"]
                ]
                assert answer["valueCoding"]["code"] in codes


def test_response_without_subject_or_answers():
    resource = response(answers={"note": "Just a note"}, subject_reference=None)
    QuestionnaireResponse.model_validate(resource)
    assert "subject" not in resource
    assert resource["item"] == [
        {
            "linkId": "note",
            "text": "Tell us more",
            "answer": [{"valueString": "Just a note"}],
        }
    ]
    empty = response(answers={}, status="in-progress")
    QuestionnaireResponse.model_validate(empty)
    assert "item" not in empty and empty["status"] == "in-progress"


def test_response_refuses_answers_that_do_not_fit():
    with pytest.raises(ValueError, match="bus: must be one of 0, 1, 2"):
        response(answers={"bus": 9})
    with pytest.raises(ValueError, match="status 'done'"):
        response(status="done")


def test_response_for_an_imported_questionnaire():
    definition = imported("fhir-ordinal.json")
    resource = assessment_to_questionnaire_response(
        definition,
        {"r1": "always", "m1": 4, "callback": True},
        questionnaire_url="https://example.org/fhir/Questionnaire/daily-routine-check",
        subject_reference=None,
        authored="2025-06-01T09:00:00Z",
    )
    QuestionnaireResponse.model_validate(resource)
    assert [i["linkId"] for i in resource["item"]] == ["routine", "mood", "callback"]
    assert resource["item"][1]["item"][0]["answer"] == [
        {"valueCoding": {"code": "4", "display": "All the time"}}
    ]


def test_a_group_with_nothing_required_needs_every_scored_answer():
    # With no `required` flags, scoring whatever was answered would read low,
    # not incomplete; so every scored question is needed for a score.
    resource = with_question({"linkId": "q2", "type": "boolean", "text": "Two?"})
    for item in resource["item"][0]["item"]:
        item.pop("required", None)
    definition = questionnaire_to_definition(resource)
    (domain,) = definition["domains"]
    assert domain["minimum_answered"] == 2
    instrument = Instrument.from_dict(definition)
    partial = scoring.score(instrument, {"q2": True}).domains[domain["id"]]
    assert partial.complete is False and partial.score is None
    full = scoring.score(instrument, {"q1": True, "q2": True}).domains[domain["id"]]
    assert full.score == 2
