"""`caremap instrument import|list|score`: installing versions side by side,
and scoring an answers file exactly as worked out by hand."""

import copy
import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from caremap.instruments.models import InstrumentVersion
from caremap.instruments.sources import shipped_paths
from caremap.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def points(*values):
    return [{"value": value, "label": f"Point {value}"} for value in values]


def yes_no(item_id, **extra):
    return {"id": item_id, "type": "yes_no", "text": f"Question {item_id}", **extra}


CHECK = {
    "id": "cli-check",
    "version": "1.0.0",
    "title": {"en": "Command line check", "cy": "Gwiriad llinell orchymyn"},
    "licence": "CC0-1.0",
    "citation": "Written for a test.",
    "domains": [
        {
            "id": "housing",
            "title": "Housing",
            "scoring": "sum",
            "range": [0, 3],
            "strength": True,
            "bands": [
                {"band": "red", "from": 0, "to": 1},
                {"band": "amber", "from": 1, "to": 2},
                {"band": "green", "from": 2, "to": 3},
            ],
        },
        {
            "id": "mood",
            "title": "Mood",
            "scoring": "mean",
            "range": [0, 4],
            "bands": [
                {"band": "red", "from": 0, "to": 1.5},
                {"band": "amber", "from": 1.5, "to": 3},
                {"band": "green", "from": 3, "to": 4},
            ],
        },
    ],
    "composites": [
        {
            "id": "positive",
            "title": "Positive",
            "terms": [{"domain": "housing"}, {"domain": "mood"}],
            "range": [0, 7],
        },
        {
            "id": "negative",
            "title": "Negative",
            "terms": [{"count": "barriers"}, {"count": "unmet_needs"}],
            "range": [0, 4],
        },
        {
            "id": "total",
            "title": "Total",
            "terms": [
                {"composite": "positive"},
                {"composite": "negative", "weight": -1},
            ],
            "range": [-4, 7],
            "bands": [
                {"band": "red", "from": -4, "to": 0},
                {"band": "amber", "from": 0, "to": 5},
                {"band": "green", "from": 5, "to": 7},
            ],
        },
    ],
    "needs": [
        {
            "id": "housing-help",
            "title": "Help with housing",
            "received": "housing-help-now",
            "wanted": "housing-help-wanted",
        },
        {
            "id": "work-help",
            "title": "Help with work",
            "received": "work-help-now",
            "wanted": "work-help-wanted",
        },
    ],
    "wellbeing": "mood",
    "sections": [
        {
            "id": "housing",
            "title": "Housing",
            "items": [
                yes_no("housing-safe", domain="housing"),
                yes_no("housing-stable", domain="housing"),
                yes_no("housing-worry", domain="housing", reverse=True),
                yes_no("housing-help-now"),
                yes_no("housing-help-wanted"),
                yes_no("work-help-now"),
                yes_no("work-help-wanted"),
                {
                    "id": "moved-in",
                    "type": "date",
                    "text": "When did you move in?",
                    "past_only": True,
                    "optional": True,
                },
            ],
        },
        {
            "id": "mood",
            "title": "Mood",
            "items": [
                {
                    "id": "mood-scale",
                    "type": "scale",
                    "text": "How has your mood been?",
                    "domain": "mood",
                    "points": points(0, 1, 2, 3, 4),
                },
                {
                    "id": "sleep",
                    "type": "single_choice",
                    "text": "How have you been sleeping?",
                    "domain": "mood",
                    "options": [
                        {"code": "badly", "label": "Badly", "score": 0},
                        {"code": "okay", "label": "Okay", "score": 2},
                        {"code": "well", "label": "Well", "score": 4},
                    ],
                },
                {
                    "id": "energy",
                    "type": "scale",
                    "text": "How much energy have you had?",
                    "domain": "mood",
                    "optional": True,
                    "points": points(0, 1, 2, 3, 4),
                },
                {
                    "id": "use-days",
                    "type": "number",
                    "text": "Days of use in the last 28",
                    "minimum": 0,
                    "maximum": 28,
                    "barrier": {"at_least": 10},
                },
                yes_no("harm", barrier=True),
                {
                    "id": "supports",
                    "type": "multiple_choice",
                    "text": "Who supports you?",
                    "options": [
                        {"code": "family", "label": "Family"},
                        {"code": "friends", "label": "Friends"},
                        {"code": "worker", "label": "A worker"},
                    ],
                    "optional": True,
                },
            ],
        },
    ],
}

# Worked by hand from CHECK:
# housing: yes + yes + (reversed no = 1) = 3, green, a strength.
# mood: mean of 4 (scale) and 2 (okay), energy left out = 3, green, 75%.
# barriers: 12 days of use (at least 10); harm no. Unmet: housing help only.
# positive 3 + 3 = 6; negative 1 barrier + 1 unmet need = 2; total 6 - 2 = 4.
ANSWERS = {
    "housing-safe": True,
    "housing-stable": "yes",
    "housing-worry": False,
    "housing-help-now": False,
    "housing-help-wanted": True,
    "work-help-now": True,
    "work-help-wanted": True,
    "moved-in": "2024-05-01",
    "mood-scale": 4,
    "sleep": "okay",
    "use-days": 12,
    "harm": False,
    "supports": ["worker", "family"],
}


def definition(**changes):
    data = copy.deepcopy(CHECK)
    data.update(changes)
    return data


def write(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("instrument", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("instrument", *args, stdout=out, stderr=err)
    assert exited.value.code == 1
    return out.getvalue(), err.getvalue()


@pytest.fixture
def check_file(tmp_path):
    return write(tmp_path / "cli-check.yaml", definition())


@pytest.fixture
def installed(check_file):
    run("import", str(check_file))
    return InstrumentVersion.objects.get(key="cli-check")


def answers_file(tmp_path, answers, name="answers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


# import and list


def test_import_installs_a_version(check_file):
    out, err = run("import", str(check_file))
    assert out.strip() == "Installed cli-check 1.0.0"
    version = InstrumentVersion.objects.get()
    assert (version.key, version.version) == ("cli-check", "1.0.0")
    assert version.title == "Command line check"
    assert version.source_format == "yaml"
    assert version.shipped is False
    assert version.definition == CHECK
    assert version.instrument.items_by_id["use-days"].barrier_at_least == 10


def test_installing_is_audited(check_file):
    run("import", str(check_file))
    version = InstrumentVersion.objects.get()
    event = AuditEvent.objects.get(record_type="instruments.instrumentversion")
    assert event.action == AuditEvent.Action.CREATE
    assert event.record_id == str(version.pk)
    assert event.source == "cli"
    assert "cli-check" in event.summary and "1.0.0" in event.summary


def test_list_shows_the_installed_version(installed):
    out, _ = run("list")
    assert out.splitlines() == ["cli-check\t1.0.0 (current)\tCommand line check"]


def test_list_with_nothing_installed_says_how_to_install():
    out, _ = run("list")
    assert "No instruments are installed" in out
    assert "import --shipped" in out


def test_the_same_id_and_version_is_refused(installed, check_file):
    out, err = run_failing("import", str(check_file))
    assert err.strip() == (
        f"{check_file}: cli-check version 1.0.0 is already installed"
    )
    assert InstrumentVersion.objects.count() == 1
    assert (
        AuditEvent.objects.filter(record_type="instruments.instrumentversion").count()
        == 1
    )


def test_a_changed_file_with_the_same_version_is_refused(installed, tmp_path):
    changed = write(
        tmp_path / "changed.yaml", definition(citation="A different citation.")
    )
    _, err = run_failing("import", str(changed))
    assert "cli-check version 1.0.0 is already installed" in err
    assert "give the changed file a new version" in err
    assert InstrumentVersion.objects.get().definition["citation"] == (
        "Written for a test."
    )


def test_a_new_version_is_kept_beside_the_old_one(installed, tmp_path):
    newer = write(
        tmp_path / "newer.yaml",
        definition(version="1.1.0", title="Command line check, revised"),
    )
    out, _ = run("import", str(newer))
    assert out.strip() == "Installed cli-check 1.1.0"
    assert sorted(
        InstrumentVersion.objects.filter(key="cli-check").values_list(
            "version", flat=True
        )
    ) == ["1.0.0", "1.1.0"]
    out, _ = run("list")
    assert out.splitlines() == [
        "cli-check\t1.0.0\tCommand line check",
        "cli-check\t1.1.0 (current)\tCommand line check, revised",
    ]


def test_an_invalid_file_is_not_installed(tmp_path):
    broken = definition(wellbeing="happiness")
    path = write(tmp_path / "broken.yaml", broken)
    _, err = run_failing("import", str(path))
    assert err.splitlines() == [
        f"{path}: wellbeing: names domain 'happiness', which is not declared"
    ]
    assert not InstrumentVersion.objects.exists()
    assert not AuditEvent.objects.filter(
        record_type="instruments.instrumentversion"
    ).exists()


def test_import_needs_a_file_or_shipped():
    with pytest.raises(CommandError, match="--shipped"):
        run("import")


def test_import_shipped_installs_each_once():
    paths = shipped_paths()
    out, _ = run("import", "--shipped")
    installed = list(InstrumentVersion.objects.all())
    assert len(installed) == len(paths) > 0
    assert all(version.shipped for version in installed)
    assert len(out.splitlines()) == len(paths)
    assert all(line.startswith("Installed ") for line in out.splitlines())
    events = AuditEvent.objects.filter(record_type="instruments.instrumentversion")
    assert events.count() == len(paths)

    out, err = run("import", "--shipped")
    assert out.strip() == "The shipped instruments are already installed."
    assert err == ""
    assert InstrumentVersion.objects.count() == len(paths)
    assert events.count() == len(paths)


def test_a_shipped_file_changed_without_a_new_version_is_reported():
    run("import", "--shipped")
    # As if the first shipped file had been edited since it was installed.
    first = InstrumentVersion.objects.order_by("pk").first()
    InstrumentVersion.objects.filter(pk=first.pk).update(checksum="0" * 64)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises((SystemExit, CommandError)) as raised:
        call_command("instrument", "import", "--shipped", stdout=out, stderr=err)
    if isinstance(raised.value, SystemExit):
        assert raised.value.code == 1
    message = err.getvalue() + str(raised.value)
    assert f"{first.key} version {first.version} is already installed" in message
    assert "give the changed file a new version" in message


# score


def test_score_prints_what_was_worked_out_by_hand(installed, tmp_path):
    out, _ = run(
        "score", "cli-check", "--answers", str(answers_file(tmp_path, ANSWERS))
    )
    result = json.loads(out)
    assert result["instrument"] == {"id": "cli-check", "version": "1.0.0"}
    assert result["domains"] == {
        "housing": {
            "score": 3,
            "band": "green",
            "answered": 3,
            "expected": 3,
            "complete": True,
            "range": [0, 3],
        },
        "mood": {
            "score": 3,
            "band": "green",
            "answered": 2,
            "expected": 3,
            "complete": True,
            "range": [0, 4],
        },
    }
    assert result["composites"] == {
        "positive": {"score": 6, "band": None, "complete": True, "range": [0, 7]},
        "negative": {"score": 2, "band": None, "complete": True, "range": [0, 4]},
        "total": {"score": 4, "band": "amber", "complete": True, "range": [-4, 7]},
    }
    assert result["wellbeing"] == {"domain": "mood", "score": 3, "percentage": 75}
    assert result["strengths"] == ["housing"]
    assert result["barriers"] == ["use-days"]
    assert result["unmet_needs"] == ["housing-help"]


def test_score_reports_an_unfinished_domain_as_incomplete(installed, tmp_path):
    answers = dict(ANSWERS)
    del answers["housing-worry"]
    answers.update(
        {"energy": 1, "harm": True, "use-days": 9, "housing-help-wanted": False}
    )
    out, _ = run(
        "score", "cli-check", "--answers", str(answers_file(tmp_path, answers))
    )
    result = json.loads(out)
    # Two of three housing questions answered: no score, not a low one.
    assert result["domains"]["housing"] == {
        "score": None,
        "band": None,
        "answered": 2,
        "expected": 3,
        "complete": False,
        "range": [0, 3],
    }
    # (4 + 2 + 1) / 3
    mood = result["domains"]["mood"]
    assert mood["answered"] == 3
    assert mood["score"] == pytest.approx(7 / 3)
    assert mood["band"] == "amber"
    assert result["composites"]["positive"]["complete"] is False
    assert result["composites"]["positive"]["score"] is None
    assert result["composites"]["negative"]["score"] == 1
    assert result["composites"]["total"] == {
        "score": None,
        "band": None,
        "complete": False,
        "range": [-4, 7],
    }
    assert result["wellbeing"]["percentage"] == 58
    assert result["strengths"] == []
    assert result["barriers"] == ["harm"]
    assert result["unmet_needs"] == []


def test_score_uses_the_version_asked_for(installed, tmp_path):
    # In 2.0.0 housing worry is no longer reverse-keyed.
    newer = definition(version="2.0.0")
    newer["sections"][0]["items"][2].pop("reverse")
    run("import", str(write(tmp_path / "newer.yaml", newer)))
    answers = str(answers_file(tmp_path, ANSWERS))

    out, _ = run("score", "cli-check", "--answers", answers)
    assert json.loads(out)["instrument"]["version"] == "2.0.0"
    assert json.loads(out)["domains"]["housing"]["score"] == 2

    out, _ = run("score", "cli-check", "--answers", answers, "--version", "1.0.0")
    assert json.loads(out)["instrument"]["version"] == "1.0.0"
    assert json.loads(out)["domains"]["housing"]["score"] == 3


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"nosuch": True}, "nosuch: there is no item with this id"),
        ({"use-days": "yes"}, "use-days: must be a whole number"),
        ({"use-days": 2.5}, "use-days: must be a whole number"),
        ({"use-days": 29}, "use-days: must be 28 or less"),
        ({"use-days": -1}, "use-days: must be 0 or more"),
        ({"mood-scale": 7}, "mood-scale: must be one of 0, 1, 2, 3, 4"),
        ({"harm": 1}, "harm: must be true or false"),
        (
            {"sleep": "great"},
            "sleep: 'great' is not one of the options (badly, okay, well)",
        ),
        ({"sleep": ["okay"]}, "sleep: must be one option's code"),
        (
            {"supports": ["family", "pets"]},
            "supports: 'pets' is not one of the options (family, friends, worker)",
        ),
        ({"supports": "family"}, "supports: must be a list of option codes"),
        ({"moved-in": "1 May 2024"}, "moved-in: must be a date written YYYY-MM-DD"),
    ],
)
def test_a_bad_answer_names_the_item_and_why(installed, tmp_path, answers, expected):
    path = answers_file(tmp_path, {**ANSWERS, **answers})
    out, err = run_failing("score", "cli-check", "--answers", str(path))
    assert out == ""
    assert err.splitlines() == [f"{path}: {expected}"]


def test_every_bad_answer_is_reported_on_its_own_line(installed, tmp_path):
    path = answers_file(
        tmp_path, {**ANSWERS, "use-days": "yes", "sleep": "great", "nosuch": 1}
    )
    _, err = run_failing("score", "cli-check", "--answers", str(path))
    assert err.splitlines() == [
        f"{path}: sleep: 'great' is not one of the options (badly, okay, well)",
        f"{path}: use-days: must be a whole number",
        f"{path}: nosuch: there is no item with this id",
    ]


def test_an_answers_file_that_is_not_json(installed, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("housing-safe: yes\n", encoding="utf-8")
    out, err = run_failing("score", "cli-check", "--answers", str(path))
    assert out == ""
    assert err.splitlines() == [f"{path}: is not valid JSON"]


def test_an_answers_file_that_is_not_an_object(installed, tmp_path):
    path = answers_file(tmp_path, [["housing-safe", True]])
    _, err = run_failing("score", "cli-check", "--answers", str(path))
    assert err.splitlines() == [
        f"{path}: the answers must be one object from item id to answer"
    ]


def test_an_answers_file_that_does_not_exist(installed, tmp_path):
    path = tmp_path / "missing.json"
    _, err = run_failing("score", "cli-check", "--answers", str(path))
    assert err.startswith(f"{path}: cannot be read")


def test_a_date_in_the_future_is_refused_where_only_past_dates_make_sense(
    installed, tmp_path
):
    # moved-in has past_only: true.
    path = answers_file(tmp_path, {**ANSWERS, "moved-in": "2999-01-01"})
    _, err = run_failing("score", "cli-check", "--answers", str(path))
    assert err.startswith(f"{path}: moved-in: ")


def test_a_date_must_be_written_yyyy_mm_dd(installed, tmp_path):
    # The message promises YYYY-MM-DD; the compact ISO form is not that.
    path = answers_file(tmp_path, {**ANSWERS, "moved-in": "20240501"})
    _, err = run_failing("score", "cli-check", "--answers", str(path))
    assert err.splitlines() == [f"{path}: moved-in: must be a date written YYYY-MM-DD"]


def test_score_with_an_unknown_instrument(tmp_path):
    path = answers_file(tmp_path, {})
    with pytest.raises(CommandError) as raised:
        run("score", "no-such-instrument", "--answers", str(path))
    message = str(raised.value)
    assert "No installed instrument 'no-such-instrument'" in message
    assert "caremap instrument list" in message


def test_score_with_an_unknown_version(installed, tmp_path):
    path = answers_file(tmp_path, ANSWERS)
    with pytest.raises(CommandError, match="at version '9.9.9'"):
        run("score", "cli-check", "--answers", str(path), "--version", "9.9.9")


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["recovery-capital-profile", "outcomes-profile"])
def test_export_writes_a_questionnaire_that_fhir_accepts(key, tmp_path):
    from fhir.resources.R4B.questionnaire import Questionnaire

    call_command("instrument", "import", "--shipped", stdout=io.StringIO())
    out = io.StringIO()
    call_command("instrument", "export", key, "--format", "fhir", stdout=out)
    resource = json.loads(out.getvalue())
    questionnaire = Questionnaire.model_validate(resource)
    assert questionnaire.version == "1.0.0"
    link_ids = {
        child.linkId for group in questionnaire.item for child in group.item or []
    }
    version = InstrumentVersion.objects.get(key=key)
    assert {item.id for item in version.instrument.items} <= link_ids

    target = tmp_path / "q.json"
    call_command(
        "instrument", "export", key, "--output", str(target), stdout=io.StringIO()
    )
    assert json.loads(target.read_text(encoding="utf-8")) == resource


@pytest.mark.django_db
def test_export_of_an_unknown_instrument_says_so():
    with pytest.raises(CommandError, match="No installed instrument 'nope'"):
        call_command("instrument", "export", "nope", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "answers", "expected"),
    [
        (
            # ordinalValue on codings; a repeating choice sums its options.
            "fhir-ordinal.json",
            {
                "r1": "mostly",
                "r2": "c",
                "r3": ["walk", "call"],
                "m1": 3,
                "m2": 2,
                "m3": True,
                "callback": False,
            },
            {"routine": 6, "mood": 6},
        ),
        (
            # itemWeight on answerOptions, integer options read as a scale.
            "fhir-item-weight.json",
            {"e1": "mid", "e2": 4, "e3": "Now and then", "s1": "y"},
            {"energy": 5.5, "support": 1},
        ),
    ],
)
def test_a_fhir_questionnaire_imports_and_scores_by_link_id(
    fixture, answers, expected, tmp_path
):
    path = FIXTURES / fixture
    out = io.StringIO()
    call_command("instrument", "import", str(path), stdout=out)
    key = InstrumentVersion.objects.get().key
    assert f"Installed {key}" in out.getvalue()
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers), encoding="utf-8")

    out = io.StringIO()
    call_command("instrument", "score", key, "--answers", str(answers_file), stdout=out)

    domains = json.loads(out.getvalue())["domains"]
    assert {d: domains[d]["score"] for d in expected} == expected
    assert all(domains[d]["answered"] == domains[d]["expected"] for d in expected)
