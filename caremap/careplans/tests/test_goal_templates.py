"""Goal-template packs: the shipped pack is valid and complete, and a broken
file gets one exact message per problem."""

import copy

import pytest
import yaml
from django.core.management import call_command

from caremap.careplans import sources, validation
from caremap.careplans.goals import TemplatePack
from caremap.directory.models import Listing

SHIPPED = sources.shipped_paths()[0]


@pytest.fixture
def instrument(instruments):
    return instruments["recovery-capital-profile"].instrument


@pytest.fixture
def pack_data():
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def problems_in(data, instrument):
    return [
        f"{p.path}: {p.message}" for p in validation.validate(data, "pack", instrument)
    ]


def test_the_shipped_pack_is_valid_and_complete(instrument, pack_data):
    assert problems_in(pack_data, instrument) == []
    pack = TemplatePack.from_dict(pack_data)
    assert validation.coverage_gaps(pack, instrument) == []


def test_every_word_of_the_shipped_pack_is_in_welsh_too(pack_data):
    pack = TemplatePack.from_dict(pack_data)
    texts = []
    for template in pack.templates:
        texts += [(template.id, "title", template.title)]
        texts += [(template.id, "description", template.description)]
        for number, step in enumerate(template.actions, start=1):
            texts += [(template.id, f"step {number}", step.what)]
            if step.how_we_know:
                texts += [(template.id, f"step {number} measure", step.how_we_know)]
    missing = [(id_, part) for id_, part, text in texts if not text.cy.strip()]
    assert missing == []
    assert len(texts) > 400


def test_listing_kinds_match_the_directory():
    assert tuple(Listing.Kind.values) == validation.LISTING_KINDS


def broken(pack_data, change):
    data = copy.deepcopy(pack_data)
    change(data["templates"][0])
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda t: t.update(domain="sleep"),
            "templates[0].domain: 'sleep' is not a recovery-capital domain of "
            "recovery-capital-profile",
        ),
        (
            lambda t: t.update(triggers=[{"barrier": "barrier-weather"}]),
            "templates[0].triggers[0].barrier: 'barrier-weather' is not a barrier "
            "item of recovery-capital-profile",
        ),
        (
            lambda t: t.update(triggers=[{"need": "holidays"}]),
            "templates[0].triggers[0].need: 'holidays' is not a need of "
            "recovery-capital-profile",
        ),
        (
            lambda t: t.update(directory={"kinds": ["spa"]}),
            "templates[0].directory.kinds[0]: unknown kind of service 'spa'",
        ),
        (
            lambda t: t.update(triggers=[{"domain": "coping", "bands": ["purple"]}]),
            "templates[0].triggers[0]",
        ),
        (lambda t: t.pop("actions"), "templates[0]: 'actions' is missing"),
        (
            lambda t: t["actions"][0].update(who="everyone"),
            "templates[0].actions[0].who: 'everyone' is not allowed here",
        ),
    ],
)
def test_each_problem_is_named_with_its_place(instrument, pack_data, change, expected):
    found = problems_in(broken(pack_data, change), instrument)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_a_band_the_domain_lacks(instrument, pack_data):
    data = broken(
        pack_data,
        lambda t: t.update(triggers=[{"domain": "barriers", "bands": ["red"]}]),
    )
    # "barriers" is a domain, but not one a goal can build.
    assert problems_in(data, instrument) == []
    data["templates"][0]["domain"] = "barriers"
    assert problems_in(data, instrument)[0].startswith(
        "templates[0].domain: 'barriers' is not a recovery-capital domain"
    )


def test_duplicate_ids_name_both_places(instrument, pack_data):
    data = copy.deepcopy(pack_data)
    data["templates"].append(copy.deepcopy(data["templates"][0]))
    last = len(data["templates"]) - 1
    assert problems_in(data, instrument) == [
        f"templates[{last}].id: {data['templates'][0]['id']!r} is already used by "
        "templates[0]"
    ]


def test_an_uninstalled_instrument_is_a_problem(pack_data):
    pack_data["instrument"] = "not-installed"
    assert problems_in(pack_data, None) == [
        "instrument: instrument 'not-installed' is not installed; import it first "
        "(caremap instrument import)"
    ]


def run_failing(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("templates", *args)
    assert exit_info.value.code == 1
    return capsys.readouterr().err.splitlines()


def test_command_validates_the_shipped_pack(instruments, capsys):
    call_command("templates", "validate", "--shipped", "--complete")
    assert capsys.readouterr().out.strip() == "1 file(s) valid."


def test_command_lists_each_problem(instruments, tmp_path, capsys, pack_data):
    pack_data["templates"][0]["domain"] = "sleep"
    pack_data["templates"][1]["triggers"] = [{"need": "holidays"}]
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(pack_data), encoding="utf-8")
    lines = run_failing(capsys, "validate", str(path))
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: templates[0].domain: 'sleep'")
    assert lines[1].startswith(f"{path}: templates[1].triggers[0].need: 'holidays'")


def test_command_explains_bad_yaml(instruments, tmp_path, capsys):
    path = tmp_path / "pack.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    lines = run_failing(capsys, "validate", str(path))
    assert len(lines) == 1 and "is not valid YAML" in lines[0]


def test_command_explains_yaml_yes_and_no(instruments, tmp_path, capsys, pack_data):
    pack_data["templates"][0]["title"] = True
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(pack_data), encoding="utf-8")
    lines = run_failing(capsys, "validate", str(path))
    assert lines == [
        f"{path}: templates[0].title: YAML read this as true; put text such as yes "
        "or no in quotes"
    ]


def test_command_complete_lists_the_gaps(instruments, tmp_path, capsys, pack_data):
    pack_data["templates"] = pack_data["templates"][:1]
    path = tmp_path / "pack.yaml"
    path.write_text(yaml.safe_dump(pack_data), encoding="utf-8")
    call_command("templates", "validate", str(path))
    lines = run_failing(capsys, "validate", str(path), "--complete")
    assert any(
        "domain 'coping' has 0 templates (at least 3 wanted)" in line for line in lines
    )
    assert any("need 'money' has no template" in line for line in lines)
