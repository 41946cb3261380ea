"""HSDS 3.0 JSON import and export against the official examples and schemas."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from caremap.directory import hsds
from caremap.directory.exporting import export_services_json
from caremap.directory.importing import import_document, models_by_table

HSDS = Path(__file__).parent / "hsds"
EXAMPLES = HSDS / "examples"
JSON_EXAMPLES = [
    "service_full",
    "service_list",
    "organization_full",
    "organization_list",
]


def example(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def service_validator():
    schema = json.loads(
        (HSDS / "schema" / "compiled" / "service.json").read_text(encoding="utf-8")
    )
    cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    return cls(schema)


def counts():
    return {table: m.objects.count() for table, m in models_by_table().items()}


def wipe():
    for model in models_by_table().values():
        model.objects.all().delete()


def messages(report):
    return [str(p) for p in report.problems]


def test_flatten_fills_parent_ids_and_nested_objects():
    rows = hsds.flatten(example("service_full"))
    service_id = "ac148810-d857-441c-9679-408f346de14b"
    (phone,) = rows["phone"]
    assert phone["service_id"] == service_id
    assert phone["number"] == '"+44 1234 234567"'
    (service,) = rows["service"]
    assert service["organization_id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    assert service["minimum_age"] == 0 or "minimum_age" in service
    (attribute,) = rows["attribute"]
    assert attribute["link_id"] == service_id
    assert attribute["taxonomy_term_id"] == rows["taxonomy_term"][0]["id"]
    assert rows["taxonomy_term"][0]["taxonomy_id"] == rows["taxonomy"][0]["id"]


def test_flatten_accepts_a_list_and_a_page():
    service = example("service_full")
    assert hsds.flatten([service]) == hsds.flatten(service)
    page = example("service_list")
    assert [r["id"] for r in hsds.flatten(page)["service"]] == [
        s["id"] for s in page["contents"]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_every_official_example_imports(name, service_validator):
    report = import_document(example(name), source=name)
    assert report.ok, messages(report)
    assert report.saved > 0
    for service in export_services_json():
        errors = [e.message for e in service_validator.iter_errors(service)]
        assert errors == []


@pytest.mark.django_db
def test_outside_parent_links_are_dropped_with_a_warning():
    report = import_document(example("service_full"), source="s.json")
    assert [str(w) for w in report.warnings] == [
        "s.json: organization d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610, "
        "parent_organization_id: refers to organization "
        "cd09a387-91f4-4555-94ec-e799c35344cd, which is neither in the document "
        "nor in the directory; the link is not kept",
        "s.json: taxonomy_term 3f7b145d-84af-42d7-8fae-eaca714b02b2, parent_id: "
        "refers to taxonomy_term 0bc248fa-dc27-4650-9ba4-8f1a24ef16a2, which is "
        "neither in the document nor in the directory; the link is not kept",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["service_full", "organization_full"])
def test_round_trip_is_stable(name, service_validator):
    assert import_document(example(name), source=name).ok
    first = export_services_json()
    assert first
    wipe()
    report = import_document(first, source="export")
    assert report.ok, messages(report)
    assert export_services_json() == first
    exported = first[0]
    original = example("service_full")
    assert exported["name"] == original["name"]
    assert exported["phones"][0]["number"] == original["phones"][0]["number"]
    assert (
        exported["service_at_locations"][0]["location"]["addresses"][0]["city"]
        == original["service_at_locations"][0]["location"]["addresses"][0]["city"]
    )


@pytest.mark.django_db
def test_reimport_changes_no_counts():
    assert import_document(example("service_full"), source="a").ok
    before = counts()
    report = import_document(example("service_full"), source="a")
    assert report.ok
    assert sum(report.created.values()) == 0
    assert counts() == before


@pytest.mark.django_db
def test_reimport_updates():
    assert import_document(example("service_full"), source="a").ok
    changed = example("service_full")
    changed["name"] = "Renamed"
    assert import_document(changed, source="a").ok
    assert export_services_json()[0]["name"] == "Renamed"


def broken_service(change):
    document = example("service_full")
    change(document)
    return document


def wrong_type(d):
    d["minimum_age"] = "zero"


def missing_required(d):
    del d["status"]


def too_long(d):
    d["description"] = "x" * 1_000_000


def unknown_reference(d):
    d["cost_options"][0]["service_id"] = "no-such-service"


SERVICE = "ac148810-d857-441c-9679-408f346de14b"
PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
COST = "1fdf4d39-3d80-484d-9f92-a8ffa08621e7"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            wrong_type,
            [f"x.json: service {SERVICE}, minimum_age: must be a number, not text"],
        ),
        (missing_required, [f"x.json: service {SERVICE}, status: is required"]),
        (
            too_long,
            [
                f"x.json: service {SERVICE}, description: must be 4,000 "
                "characters or fewer (it has 1,000,000)"
            ],
        ),
        (
            unknown_reference,
            [
                f"x.json: cost_option {COST}, service_id: refers to service "
                "no-such-service, which is neither in the document nor in the "
                "directory"
            ],
        ),
    ],
    ids=["wrong-type", "missing-required", "too-long", "unknown-reference"],
)
def test_malformed_rows_are_named_and_nothing_changes(change, expected):
    before = counts()
    report = import_document(broken_service(change), source="x.json")
    assert messages(report) == expected
    assert counts() == before


@pytest.mark.django_db
def test_an_id_given_twice_with_different_values_is_a_problem():
    document = example("service_full")
    document["phones"][0]["extension"] = 101
    report = import_document(document, source="x.json")
    assert messages(report) == [
        f"x.json: phone {PHONE}, extension: is given as both 101 and 100"
    ]
    assert sum(counts().values()) == 0


@pytest.mark.django_db
def test_problems_name_rows_without_id_by_position():
    document = example("service_full")
    del document["required_documents"][0]["id"]
    report = import_document(document, source="x.json")
    assert messages(report) == ["x.json: required_document row 1, id: is required"]


@pytest.mark.django_db
def test_not_a_document():
    report = import_document("text", source="x.json")
    assert messages(report) == [
        "x.json: (document): must be a JSON object or a list of objects"
    ]


@pytest.mark.django_db
def test_skip_invalid_imports_the_rest_and_lists_what_was_skipped():
    document = example("service_full")
    del document["service_at_locations"][0]["location"]["location_type"]
    del document["organization"]["locations"][0]["location_type"]
    report = import_document(document, source="x.json", skip_invalid=True)
    assert report.ok
    location = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
    skipped = [str(p) for p in report.skipped]
    assert skipped[0] == f"x.json: location {location}, location_type: is required"
    dependants = [s.split(":")[1].strip() for s in skipped[1:]]
    assert dependants == [
        "service_at_location e94c9f38-1e8f-4564-91d4-d53501ab1765, location_id",
        "address 74706e55-df26-4b84-80fe-ecc30b5befb4, location_id",
        "phone 1554f2e2-a373-45db-a3fa-9fc48a61c15e, location_id",
        "contact 1e7efce3-639b-4880-940c-b95cd30cdb50, location_id",
        "schedule 48102e86-bb50-41c4-8f1e-e269368c41d1, location_id",
        "language 2989d3ed-c547-48f8-8f9d-432d81c7892e, location_id",
        "accessibility afcf296e-1cb2-4139-9c88-33d587d1a50b, location_id",
    ]
    tables = models_by_table()
    assert tables["location"].objects.count() == 0
    assert tables["service"].objects.count() == 1
    assert tables["phone"].objects.count() == 0


# The command


@pytest.mark.django_db
def test_command_import_and_export(tmp_path, capsys, service_validator):
    call_command("directory", "import", str(EXAMPLES / "service_full.json"))
    out = tmp_path / "services.json"
    call_command("directory", "export", "--format", "json", str(out))
    services = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(services, list) and len(services) == 1
    assert list(service_validator.iter_errors(services[0])) == []
    wipe()
    call_command("directory", "import", str(out))
    assert export_services_json() == services


def run_failing(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("directory", *args)
    assert exit_info.value.code == 1
    return capsys.readouterr().err.splitlines()


@pytest.mark.django_db
def test_command_rejects_bad_json(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"id": ', encoding="utf-8")
    lines = run_failing(capsys, "import", str(path))
    assert lines == [f"{path}: line 1, column 8: is not valid JSON: Expecting value"]
    assert sum(counts().values()) == 0


@pytest.mark.django_db
def test_command_lists_each_problem_and_changes_nothing(tmp_path, capsys):
    document = broken_service(missing_required)
    unknown_reference(document)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    lines = run_failing(capsys, "import", str(path))
    assert lines == [
        f"{path}: service {SERVICE}, status: is required",
        f"{path}: cost_option {COST}, service_id: refers to service "
        "no-such-service, which is neither in the document nor in the directory",
    ]
    assert sum(counts().values()) == 0


@pytest.mark.django_db
def test_command_skip_invalid(tmp_path, capsys):
    document = copy.deepcopy(broken_service(unknown_reference))
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("directory", "import", str(path), "--skip-invalid")
    captured = capsys.readouterr()
    assert f"skipped: {path}: cost_option {COST}, service_id" in captured.err
    assert models_by_table()["cost_option"].objects.count() == 0
    assert models_by_table()["service"].objects.count() == 1
