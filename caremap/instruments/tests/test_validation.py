"""A broken instrument file is refused with problems a person can act on: each
names the file, the place inside it and what is wrong."""

import copy
import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from caremap.instruments.validation import (
    InvalidInstrument,
    Problem,
    load_file,
    read_yaml,
    validate_definition,
)

BROKEN = Path(__file__).parent / "fixtures" / "broken"
SOURCE = "instrument.yaml"


def bands(low, first_cut, second_cut, high):
    return [
        {"band": "red", "from": low, "to": first_cut},
        {"band": "amber", "from": first_cut, "to": second_cut},
        {"band": "green", "from": second_cut, "to": high},
    ]


def points(*values):
    return [{"value": value, "label": f"Point {value}"} for value in values]


BASE = {
    "id": "test-instrument",
    "version": "1.0.0",
    "title": {"en": "Test instrument", "cy": "Offeryn prawf"},
    "licence": "CC-BY-4.0",
    "citation": "Caremap project. Test instrument, version 1.0.0.",
    "domains": [
        {
            "id": "housing",
            "title": "Housing",
            "scoring": "sum",
            "range": [0, 3],
            "strength": True,
            "bands": bands(0, 1, 2, 3),
        },
        {
            "id": "wellbeing",
            "title": "Wellbeing",
            "scoring": "sum",
            "range": [0, 8],
            "bands": bands(0, 3, 6, 8),
        },
    ],
    "composites": [
        {
            "id": "positive",
            "title": "Positive",
            "terms": [{"domain": "housing"}, {"domain": "wellbeing"}],
            "range": [0, 11],
        },
        {
            "id": "negative",
            "title": "Negative",
            "terms": [{"count": "barriers"}, {"count": "unmet_needs"}],
            "range": [0, 3],
        },
        {
            "id": "total",
            "title": "Total",
            "terms": [
                {"composite": "positive"},
                {"composite": "negative", "weight": -1},
            ],
            "range": [-3, 11],
        },
    ],
    "needs": [
        {
            "id": "housing-help",
            "title": "Help with housing",
            "received": "housing-help-now",
            "wanted": "housing-help-wanted",
        }
    ],
    "wellbeing": "wellbeing",
    "sections": [
        {
            "id": "housing",
            "title": "Housing",
            "items": [
                {
                    "id": "housing-safe",
                    "type": "yes_no",
                    "text": "I feel safe where I live",
                    "domain": "housing",
                },
                {
                    "id": "housing-stable",
                    "type": "yes_no",
                    "text": "My housing is stable",
                    "domain": "housing",
                },
                {
                    "id": "housing-worry",
                    "type": "yes_no",
                    "text": "I worry about losing my home",
                    "domain": "housing",
                    "reverse": True,
                },
                {
                    "id": "housing-help-now",
                    "type": "yes_no",
                    "text": "I get help with housing now",
                },
                {
                    "id": "housing-help-wanted",
                    "type": "yes_no",
                    "text": "I would like help with housing",
                },
                {
                    "id": "moved-in",
                    "type": "date",
                    "text": "When did you move in?",
                    "past_only": True,
                },
            ],
        },
        {
            "id": "wellbeing",
            "title": "Wellbeing",
            "items": [
                {
                    "id": "mood",
                    "type": "scale",
                    "text": "I have been feeling good",
                    "domain": "wellbeing",
                    "points": points(0, 1, 2, 3, 4),
                },
                {
                    "id": "sleep",
                    "type": "single_choice",
                    "text": "How have you been sleeping?",
                    "domain": "wellbeing",
                    "options": [
                        {"code": "badly", "label": "Badly", "score": 0},
                        {"code": "okay", "label": "Okay", "score": 2},
                        {"code": "well", "label": "Well", "score": 4},
                    ],
                },
                {
                    "id": "use-days",
                    "type": "number",
                    "text": "Days of use in the last 28",
                    "minimum": 0,
                    "maximum": 28,
                    "unit": "days",
                    "barrier": {"at_least": 10},
                },
                {
                    "id": "harm",
                    "type": "yes_no",
                    "text": "My use is causing me harm",
                    "barrier": True,
                },
                {
                    "id": "notes",
                    "type": "text",
                    "text": "Anything else?",
                    "max_length": 500,
                    "optional": True,
                },
            ],
        },
    ],
}


def base():
    return copy.deepcopy(BASE)


def item(data, item_id):
    for section in data["sections"]:
        for entry in section["items"]:
            if entry["id"] == item_id:
                return entry
    raise KeyError(item_id)


def problems_of(data):
    return validate_definition(data, SOURCE)


def the_problem(problems, path):
    """The one problem reported at `path`."""
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got {problems}"
    return found[0]


def only_problem_in(data, source):
    problems = validate_definition(data, source)
    assert len(problems) == 1, problems
    return problems[0]


def only_problem(data):
    return only_problem_in(data, SOURCE)


def write_yaml(directory, data, name="instrument.yaml"):
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# A valid definition


def test_the_base_definition_is_valid():
    assert problems_of(base()) == []


def test_a_valid_file_loads_as_an_instrument(tmp_path):
    instrument = load_file(write_yaml(tmp_path, base()))
    assert instrument.id == "test-instrument"
    assert [d.id for d in instrument.domains] == ["housing", "wellbeing"]
    assert instrument.items_by_id["use-days"].barrier_at_least == 10


def test_a_problem_reads_file_then_place_then_message():
    problem = Problem("packs/x.yaml", "domains[0].range", "is wrong")
    assert str(problem) == "packs/x.yaml: domains[0].range: is wrong"
    assert str(Problem("packs/x.yaml", "", "is empty")) == "packs/x.yaml: is empty"


# YAML itself


def test_malformed_yaml_reports_the_line_and_column():
    path = BROKEN / "bad-indentation.yaml"
    data, problems = read_yaml(path)
    assert data is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.source == str(path)
    # The "text" key on line 14 is indented to column 8 instead of 9.
    assert problem.path == "line 14, column 8"
    assert "is not valid YAML" in problem.message
    assert str(problem).startswith(f"{path}: line 14, column 8: is not valid YAML")


def test_an_unclosed_list_reports_where_the_parser_gave_up():
    path = BROKEN / "unclosed-list.yaml"
    data, problems = read_yaml(path)
    assert data is None
    assert [p.path for p in problems] == ["line 12, column 9"]
    assert "is not valid YAML" in problems[0].message
    assert "']'" in problems[0].message


def test_loading_a_malformed_file_raises_with_its_problems():
    path = BROKEN / "bad-indentation.yaml"
    with pytest.raises(InvalidInstrument) as raised:
        load_file(path)
    assert [p.path for p in raised.value.problems] == ["line 14, column 8"]
    assert str(raised.value).startswith(str(path))


def test_a_file_that_is_not_a_mapping_says_what_it_must_hold(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- id: one\n- id: two\n", encoding="utf-8")
    data, problems = read_yaml(path)
    assert data is None
    assert [(p.path, p.message) for p in problems] == [
        ("", "must hold a mapping (id, version, ...)")
    ]


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    data, problems = read_yaml(path)
    assert data is None
    assert [(p.path, p.message) for p in problems] == [("", "is not UTF-8 text")]


def test_an_empty_file_says_what_it_must_hold(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    _, problems = read_yaml(path)
    assert [p.message for p in problems] == ["must hold a mapping (id, version, ...)"]


def test_a_special_character_is_reported_on_one_line_with_its_place(tmp_path):
    # Word pastes a manual line break as a vertical tab, which YAML refuses.
    path = tmp_path / "pasted.yaml"
    path.write_text('id: pasted\ntitle: "Bad\vtitle"\n', encoding="utf-8")
    data, problems = read_yaml(path)
    assert data is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == "line 2, column 12"
    assert "is not valid YAML" in problem.message
    assert "\n" not in str(problem)
    assert str(problem).startswith(f"{path}: line 2, column 12: ")


def test_the_norway_problem_says_to_quote_the_text(tmp_path):
    data = base()
    item(data, "mood")["points"][0]["label"] = "NORWAY"
    text = yaml.safe_dump(data, sort_keys=False)
    assert "label: NORWAY" in text
    path = tmp_path / "norway.yaml"
    path.write_text(text.replace("label: NORWAY", "label: no"), encoding="utf-8")

    loaded, problems = read_yaml(path)
    assert problems == []
    assert item(loaded, "mood")["points"][0]["label"] is False
    problem = only_problem_in(loaded, str(path))
    assert problem.path == "sections[1].items[0].points[0].label"
    assert "YAML read this as false" in problem.message
    assert "in quotes" in problem.message


def test_a_bare_yes_as_an_item_text_is_read_as_true():
    data = base()
    item(data, "harm")["text"] = True
    problem = only_problem(data)
    assert problem.path == "sections[1].items[3].text"
    assert "YAML read this as true" in problem.message


# Items


def test_an_unknown_item_type_names_the_type_and_the_allowed_ones():
    data = base()
    item(data, "housing-stable")["type"] = "slider"
    problem = only_problem(data)
    assert problem.path == "sections[0].items[1].type"
    assert "unknown item type 'slider'" in problem.message
    assert "yes_no" in problem.message and "multiple_choice" in problem.message


def test_an_item_mapped_to_an_undeclared_domain():
    data = base()
    item(data, "housing-safe")["domain"] = "housng"
    problem = the_problem(problems_of(data), "sections[0].items[0].domain")
    assert problem.message == (
        "maps to domain 'housng', which is not declared in domains"
    )


def test_duplicate_item_ids_name_where_the_id_was_first_used():
    data = base()
    item(data, "notes")["id"] = "housing-safe"
    problem = only_problem(data)
    assert problem.path == "sections[1].items[4].id"
    assert "duplicate item id 'housing-safe'" in problem.message
    assert "first used at sections[0].items[0]" in problem.message


def test_duplicate_option_codes():
    data = base()
    item(data, "sleep")["options"][2]["code"] = "badly"
    problem = only_problem(data)
    assert problem.path == "sections[1].items[1].options"
    assert "the code 'badly' appears twice" in problem.message


def test_duplicate_scale_values():
    data = base()
    item(data, "mood")["points"] = points(0, 1, 1, 3, 4)
    problem = the_problem(problems_of(data), "sections[1].items[0].points")
    assert "the value 1 appears twice" in problem.message


def test_a_date_item_cannot_score_into_a_domain():
    data = base()
    item(data, "moved-in")["domain"] = "housing"
    problem = only_problem(data)
    assert problem.path == "sections[0].items[5].domain"
    assert "a date item cannot score into a domain" in problem.message


def test_a_text_item_cannot_score_into_a_domain():
    data = base()
    item(data, "notes")["domain"] = "wellbeing"
    problem = only_problem(data)
    assert problem.path == "sections[1].items[4].domain"
    assert "a text item cannot score into a domain" in problem.message


def test_a_choice_item_in_a_domain_needs_a_score_on_every_option():
    data = base()
    del item(data, "sleep")["options"][1]["score"]
    problems = problems_of(data)
    problem = the_problem(problems, "sections[1].items[1].domain")
    assert problem.message == (
        "a single_choice item cannot score into a domain unless every option "
        "has a score"
    )
    # Without it the domain's reachable range shrinks, and that is said too.
    range_problem = the_problem(problems, "domains[1].range")
    assert "its items give [0, 4]" in range_problem.message


def test_a_key_that_belongs_to_another_item_type():
    data = base()
    item(data, "housing-safe")["minimum"] = 0
    problem = only_problem(data)
    assert problem.path == "sections[0].items[0].minimum"
    assert "does not apply to a yes_no item" in problem.message


def test_a_number_whose_minimum_is_above_its_maximum():
    data = base()
    item(data, "use-days").update(minimum=28, maximum=0)
    problem = the_problem(problems_of(data), "sections[1].items[2].minimum")
    assert "minimum 28 is greater than maximum 0" in problem.message


def test_a_barrier_threshold_that_can_never_be_reached():
    data = base()
    item(data, "use-days")["barrier"] = {"at_least": 29}
    problem = only_problem(data)
    assert problem.path == "sections[1].items[2].barrier"
    assert "can never be present" in problem.message


# Domains, ranges and bands


def test_duplicate_domain_ids():
    data = base()
    data["domains"].append(copy.deepcopy(data["domains"][0]))
    problem = only_problem(data)
    assert problem.path == "domains[2].id"
    assert "duplicate domain id 'housing'" in problem.message
    assert "first used at domains[0]" in problem.message


def test_a_range_that_cannot_be_reached_names_both_ranges():
    data = base()
    # Five yes/no items can reach at most 5.
    data["domains"][0]["range"] = [0, 10]
    data["domains"][0]["bands"] = bands(0, 3, 6, 10)
    item(data, "housing-help-now")["domain"] = "housing"
    item(data, "housing-help-wanted")["domain"] = "housing"
    data["composites"] = []
    problem = only_problem(data)
    assert problem.path == "domains[0].range"
    assert problem.message == (
        "the declared range [0, 10] cannot be reached: its items give [0, 5]"
    )


def test_a_range_that_is_too_narrow_names_both_ranges():
    data = base()
    data["domains"][0]["range"] = [0, 2]
    data["domains"][0]["bands"] = bands(0, 1, 1.5, 2)
    data["composites"] = []
    problem = only_problem(data)
    assert problem.path == "domains[0].range"
    assert problem.message == (
        "the declared range [0, 2] is too narrow: its items give [0, 3]"
    )


def test_a_mean_domain_has_the_range_of_its_items():
    data = base()
    wellbeing = data["domains"][1]
    wellbeing["scoring"] = "mean"
    problem = the_problem(problems_of(data), "domains[1].range")
    assert "its items give [0, 4]" in problem.message

    wellbeing.update(range=[0, 4], bands=bands(0, 1.5, 3, 4))
    data["composites"][0]["range"] = [0, 7]
    data["composites"][2]["range"] = [-3, 7]
    assert problems_of(data) == []


def test_a_range_that_runs_backwards():
    data = base()
    data["domains"][0]["range"] = [3, 0]
    problem = the_problem(problems_of(data), "domains[0].range")
    assert "runs backwards" in problem.message


def test_bands_that_overlap():
    data = base()
    data["domains"][0]["bands"][1]["from"] = 0.5
    problem = only_problem(data)
    assert problem.path == "domains[0].bands[1].from"
    assert problem.message == "amber (starts 0.5) overlaps red (ends 1)"


def test_bands_that_leave_a_gap():
    data = base()
    data["domains"][1]["bands"][2]["from"] = 6.5
    problem = only_problem(data)
    assert problem.path == "domains[1].bands[2].from"
    assert problem.message == "gap between amber (ends 6) and green (starts 6.5)"


def test_the_first_band_must_start_at_the_low_end_of_the_range():
    data = base()
    data["domains"][0]["bands"][0]["from"] = 0.5
    problem = only_problem(data)
    assert problem.path == "domains[0].bands[0].from"
    assert "the first band starts at 0.5 but the range starts at 0" in problem.message


def test_the_last_band_must_end_at_the_high_end_of_the_range():
    data = base()
    data["domains"][0]["bands"][2]["to"] = 2.5
    problem = only_problem(data)
    assert problem.path == "domains[0].bands[2].to"
    assert "the last band ends at 2.5 but the range ends at 3" in problem.message


def test_a_band_that_is_empty_or_backwards():
    data = base()
    data["domains"][1]["bands"] = [
        {"band": "red", "from": 0, "to": 3},
        {"band": "amber", "from": 3, "to": 3},
        {"band": "green", "from": 3, "to": 8},
    ]
    problem = only_problem(data)
    assert problem.path == "domains[1].bands[1]"
    assert "empty or backwards" in problem.message


def test_a_band_named_twice():
    data = base()
    data["domains"][0]["bands"][1]["band"] = "red"
    problem = only_problem(data)
    assert problem.path == "domains[0].bands"
    assert "the band 'red' appears twice" in problem.message


def test_minimum_answered_above_the_number_of_items():
    data = base()
    data["domains"][0]["minimum_answered"] = 4
    problem = only_problem(data)
    assert problem.path == "domains[0].minimum_answered"
    assert problem.message == "4 items can never be answered: the domain has 3"


def test_a_domain_that_no_item_scores_into():
    data = base()
    data["domains"].append(
        {"id": "work", "title": "Work", "scoring": "sum", "range": [0, 1]}
    )
    problem = only_problem(data)
    assert problem.path == "domains[2]"
    assert "no item scores into domain 'work'" in problem.message


def test_a_strength_domain_without_a_green_band_can_never_be_a_strength():
    data = base()
    del data["domains"][0]["bands"]
    problems = problems_of(data)
    assert any(
        p.path.startswith("domains[0]") and "green" in p.message for p in problems
    ), problems


def test_wellbeing_naming_an_undeclared_domain():
    data = base()
    data["wellbeing"] = "well-being"
    problem = only_problem(data)
    assert problem.path == "wellbeing"
    assert problem.message == "names domain 'well-being', which is not declared"


# Needs


def test_a_need_naming_a_missing_item():
    data = base()
    data["needs"][0]["received"] = "housing-help-received"
    problem = only_problem(data)
    assert problem.path == "needs[0].received"
    assert problem.message == (
        "names item 'housing-help-received', which does not exist"
    )


def test_a_need_naming_an_item_that_is_not_yes_no():
    data = base()
    data["needs"][0]["wanted"] = "mood"
    problem = only_problem(data)
    assert problem.path == "needs[0].wanted"
    assert "a scale item; it must be yes_no" in problem.message


# Composites


def test_a_composite_naming_an_undeclared_domain():
    data = base()
    data["composites"][0]["terms"][1] = {"domain": "well-being"}
    problem = only_problem(data)
    assert problem.path == "composites[0].terms[1]"
    assert "names domain 'well-being', not declared" in problem.message


def test_a_composite_naming_a_later_composite():
    data = base()
    data["composites"][0]["terms"].append({"composite": "total"})
    problem = only_problem(data)
    assert problem.path == "composites[0].terms[2]"
    assert "names composite 'total', which is not declared before this one" in (
        problem.message
    )


def test_a_composite_naming_itself():
    data = base()
    data["composites"][1]["terms"].append({"composite": "negative"})
    problem = only_problem(data)
    assert problem.path == "composites[1].terms[2]"
    assert "not declared before this one" in problem.message


def test_a_count_of_barriers_when_there_are_none():
    data = base()
    del item(data, "use-days")["barrier"]
    del item(data, "harm")["barrier"]
    data["composites"][1]["range"] = [0, 1]
    data["composites"][2]["range"] = [-1, 11]
    problem = only_problem(data)
    assert problem.path == "composites[1].terms[0]"
    assert problem.message == "counts barriers, but the instrument declares none"


def test_a_composite_range_that_differs_from_its_terms():
    data = base()
    data["composites"][2]["range"] = [0, 11]
    problem = only_problem(data)
    assert problem.path == "composites[2].range"
    assert problem.message == (
        "the declared range [0, 11] is too narrow: its terms give [-3, 11]"
    )


def test_a_composite_with_a_fractional_weight():
    data = base()
    data["composites"][2]["terms"][1]["weight"] = -0.5
    problem = only_problem(data)
    assert problem.path == "composites[2].range"
    assert "its terms give [-1.5, 11]" in problem.message
    data["composites"][2]["range"] = [-1.5, 11]
    assert problems_of(data) == []


def test_a_composite_with_a_domain_id():
    data = base()
    data["composites"][0]["id"] = "housing"
    data["composites"][2]["terms"][0]["composite"] = "housing"
    problem = only_problem(data)
    assert problem.path == "composites[0].id"
    assert "'housing' is already the id of a domain" in problem.message


# Shape, checked by the schema


def test_a_missing_required_key_is_named():
    data = base()
    del data["citation"]
    problem = only_problem(data)
    assert problem.path == ""
    assert problem.message == "'citation' is missing"


def test_an_id_that_is_not_a_slug():
    data = base()
    data["domains"][0]["id"] = "Housing Domain"
    problems = problems_of(data)
    problem = the_problem(problems, "domains[0].id")
    assert "is not a valid id" in problem.message


# Several problems at once


def several_problems():
    data = base()
    data["wellbeing"] = "happiness"
    data["needs"][0]["received"] = "nothing"
    data["domains"][0]["minimum_answered"] = 9
    item(data, "moved-in")["domain"] = "wellbeing"
    return data


EXPECTED_PATHS = [
    "sections[0].items[5].domain",
    "domains[0].minimum_answered",
    "needs[0].received",
    "wellbeing",
]


def test_several_problems_are_all_reported_each_naming_the_file(tmp_path):
    path = write_yaml(tmp_path, several_problems())
    with pytest.raises(InvalidInstrument) as raised:
        load_file(path)
    problems = raised.value.problems
    # composites[0] can't be checked without housing's range, so it is not
    # reported as a range problem of its own.
    assert [p.path for p in problems] == EXPECTED_PATHS
    lines = str(raised.value).splitlines()
    assert len(lines) == len(EXPECTED_PATHS)
    for line, expected_path in zip(lines, EXPECTED_PATHS, strict=True):
        assert line.startswith(f"{path}: {expected_path}: ")


def test_several_shape_problems_are_all_reported():
    data = base()
    item(data, "mood")["points"][0]["label"] = False
    item(data, "harm")["type"] = "checkbox"
    data["domains"][1]["scoring"] = "median"
    problems = problems_of(data)
    assert [p.path for p in problems] == [
        "domains[1].scoring",
        "sections[1].items[0].points[0].label",
        "sections[1].items[3].type",
    ]
    assert "'median' is not allowed here" in problems[0].message
    assert all(str(p).startswith(f"{SOURCE}: ") for p in problems)


# The validate command


def run_validate(*paths):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "instrument", "validate", *(str(p) for p in paths), stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_validate_says_a_valid_file_is_valid(tmp_path):
    path = write_yaml(tmp_path, base())
    out, err = run_validate(path)
    assert out.strip() == f"{path}: valid"
    assert err == ""


def test_validate_exits_1_with_one_line_per_problem(tmp_path):
    path = write_yaml(tmp_path, several_problems())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("instrument", "validate", str(path), stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "valid" not in out.getvalue()
    lines = err.getvalue().splitlines()
    assert len(lines) == len(EXPECTED_PATHS)
    for line, expected_path in zip(lines, EXPECTED_PATHS, strict=True):
        assert line.startswith(f"{path}: {expected_path}: ")


def test_validate_reports_malformed_yaml_with_its_line(tmp_path):
    good = write_yaml(tmp_path, base())
    broken = BROKEN / "bad-indentation.yaml"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "instrument",
            "validate",
            str(good),
            str(broken),
            stdout=out,
            stderr=err,
        )
    assert exited.value.code == 1
    # Every file is checked: the good one is still said to be valid.
    assert f"{good}: valid" in out.getvalue()
    assert err.getvalue().splitlines() == [
        f"{broken}: line 14, column 8: is not valid YAML: expected <block end>, "
        "but found '<block mapping start>'"
    ]


def test_every_shipped_instrument_is_valid():
    from caremap.instruments.sources import shipped_paths

    paths = shipped_paths()
    assert len(paths) == 4, paths
    for path in paths:
        data, problems = read_yaml(path)
        assert problems == []
        assert validate_definition(data, str(path)) == []
    out, err = run_validate(*paths)
    assert out.splitlines() == [f"{path}: valid" for path in paths]
    assert err == ""
