"""HSDS 3.0 tabular data packages (CSV) against the official examples and the
official compiled tabular schema."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from caremap.directory import hsds, tabular
from caremap.directory.exporting import directory_rows, export_services_json
from caremap.directory.importing import (
    import_document,
    import_rows,
    models_by_table,
    save_order,
)

HSDS = Path(__file__).parent / "hsds"
EXAMPLES = HSDS / "examples"
CSV_EXAMPLES = EXAMPLES / "csv"
JSON_EXAMPLES = ["service_full", "service_list", "organization_full"]

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
CONTACT = "1e7efce3-639b-4880-940c-b95cd30cdb50"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
# The broken references of the official CSV examples, as the import names
# them: file, data row, field, the row's table and id, the missing id.
BROKEN = [
    f"locations.csv: data row 1: field organization_id (location {LOCATION}): "
    "refers to organization 985e4a42-bd9f-4edc-911d-0243a4640aca, which is "
    "neither in the document nor in the directory",
    f"contacts.csv: data row 1: field organization_id (contact {CONTACT}): "
    "refers to organization ae67a707-5893-4225-b0b1-320ab9cb596b, which is "
    "neither in the document nor in the directory",
    f"contacts.csv: data row 1: field service_at_location_id (contact {CONTACT}): "
    "refers to service_at_location 93eaf18d-1cd2-4ec7-bffb-3c9172ee5070, which "
    "is neither in the document nor in the directory",
    f"taxonomy_terms.csv: data row 1: field taxonomy_id (taxonomy_term {TERM}): "
    "refers to taxonomy 07ff6aee-a219-438c-b694-d2fcb6c5373b, which is neither "
    "in the document nor in the directory",
]


def official_tabular():
    """Table -> (file, columns in order) from the compiled `tabular.json`,
    a JSON Schema whose properties describe the package's resources."""
    schema = json.loads(
        (HSDS / "schema" / "compiled" / "tabular.json").read_text(encoding="utf-8")
    )
    found = {}
    for table, spec in schema["properties"].items():
        items = spec["items"]
        names = [
            name
            for name, field in items["properties"].items()
            if field.get("type") != "array"
        ]
        found[table] = (items["path"], names)
    return found


def counts():
    return {table: m.objects.count() for table, m in models_by_table().items()}


def clear():
    by_table = models_by_table()
    for table in reversed(save_order()):
        by_table[table].objects.all().delete()


def run_failing(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("directory", *args)
    assert exit_info.value.code == 1
    return capsys.readouterr().err.splitlines()


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path, lines):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)


def test_upstream_descriptor_is_broken_so_files_are_found_by_name():
    text = (CSV_EXAMPLES / "datapackage.json").read_text(encoding="utf-8")
    assert text.strip() == "../../datapackage.json"
    rows, problems = tabular.read_package(CSV_EXAMPLES)
    assert problems == []
    assert {table: len(r) for table, r in rows.items()} == dict.fromkeys(hsds.TABLES, 1)


def test_file_names_are_the_official_ones():
    official = official_tabular()
    assert set(official) == set(hsds.TABLES)
    for table, (path, names) in official.items():
        assert tabular.file_name(table) == path
        assert list(tabular.columns(table)) == names


def test_cells_are_converted_to_hsds_types():
    rows, _ = tabular.read_package(CSV_EXAMPLES)
    organization = rows["organization"][0]
    assert organization["year_incorporated"] == 2011
    assert type(organization["year_incorporated"]) is int
    location = rows["location"][0]
    assert (location["latitude"], location["longitude"]) == (100, 101)
    assert rows["cost_option"][0]["amount"] == 35
    schedule = rows["schedule"][0]
    assert (schedule["timezone"], schedule["count"], schedule["interval"]) == (3, 3, 1)
    assert schedule["opens_at"] == "10:00:00"
    # Text stays text, even when it looks like a number.
    assert rows["organization_identifier"][0]["identifier"] == "1234567"
    assert rows["phone"][0]["number"] == '"+44 1234 234567"'


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("", "number", None),
        ("12", "number", 12),
        ("-1.5", "number", -1.5),
        ("1e3", "number", 1000.0),
        ("", "string", None),
        (" a ", "string", " a "),
        ("true", "boolean", True),
        ("FALSE", "boolean", False),
        ("2020-01-31", "date", "2020-01-31"),
        ("10:00", "time", "10:00"),
    ],
)
def test_convert(text, kind, value):
    assert tabular.convert(text, kind) == value


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("1_000", "number", "must be a number, not '1_000'"),
        ("nan", "number", "must be a number, not 'nan'"),
        ("ten", "number", "must be a number, not 'ten'"),
        ("yes", "boolean", "must be true or false, not 'yes'"),
        ("2020-13-01", "date", "must be an ISO 8601 date, not '2020-13-01'"),
    ],
)
def test_convert_refuses(text, kind, message):
    with pytest.raises(ValueError, match=message):
        tabular.convert(text, kind)


@pytest.mark.django_db
def test_official_examples_name_each_broken_reference(capsys):
    lines = run_failing(capsys, "import", str(CSV_EXAMPLES))
    assert lines == [f"{CSV_EXAMPLES}: {line}" for line in BROKEN]
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_official_examples_import_with_skip_invalid(capsys):
    call_command("directory", "import", "--skip-invalid", str(CSV_EXAMPLES))
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    skipped = [line.removeprefix(f"skipped: {CSV_EXAMPLES}: ") for line in err]
    for line in BROKEN:
        assert line in skipped
    # The rows that only depend on a broken row are listed too.
    assert (
        f"attributes.csv: data row 1: field taxonomy_term_id (attribute "
        f"ae58cc39-8b70-4ab1-8aea-786882e5ac8e): refers to taxonomy_term {TERM}, "
        "which is invalid"
    ) in skipped
    assert (
        f"warning: {CSV_EXAMPLES}: organizations.csv: data row 1: field "
        f"parent_organization_id (organization {ORG}): refers to organization "
        "cd09a387-91f4-4555-94ec-e799c35344cd, which is neither in the document "
        "nor in the directory; the link is not kept"
    ) in err
    assert captured.out == (
        f"{CSV_EXAMPLES}: 11 rows created, 0 updated, 12 problems skipped\n"
    )
    assert counts()["service"] == 1
    assert counts()["location"] == 0


@pytest.mark.django_db
def test_import_rows_report_names_table_row_and_field():
    rows, _ = tabular.read_package(CSV_EXAMPLES)
    report = import_rows(rows, source="csv", skip_invalid=True)
    broken = {(p.table, p.row, p.field) for p in report.skipped}
    assert ("location", LOCATION, "organization_id") in broken
    assert ("contact", CONTACT, "service_at_location_id") in broken
    assert ("taxonomy_term", TERM, "taxonomy_id") in broken
    problem = next(p for p in report.skipped if p.table == "location")
    assert "985e4a42-bd9f-4edc-911d-0243a4640aca" in problem.message
    # The rows given are not changed by the import.
    assert rows["organization"][0]["parent_organization_id"].startswith("cd09")


@pytest.fixture
def examples_imported(db, capsys):
    call_command("directory", "import", "--skip-invalid", str(CSV_EXAMPLES))
    capsys.readouterr()


def test_export_matches_the_official_tabular_schema(examples_imported, tmp_path):
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "csv", str(out))
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    resources = {r["name"]: r for r in descriptor["resources"]}
    for table, (path, names) in official_tabular().items():
        resource = resources[table]
        assert resource["path"] == path
        assert [f["name"] for f in resource["schema"]["fields"]] == names
        assert read_csv(out / path)[0] == names
    organization = read_csv(out / "organizations.csv")
    assert len(organization) == 2
    assert organization[1][names_index("organization", "year_incorporated")] == "2011"
    # Dropped outside links are exported empty.
    assert organization[1][names_index("organization", "parent_organization_id")] == ""
    assert read_csv(out / "locations.csv")[1:] == []


def names_index(table, name):
    return official_tabular()[table][1].index(name)


def test_csv_round_trip_gives_the_same_rows(examples_imported, tmp_path, capsys):
    before = directory_rows()
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "csv", str(out))
    rows, problems = tabular.read_package(out)
    assert problems == []
    clear()
    call_command("directory", "import", str(out))
    assert capsys.readouterr().err == ""
    assert directory_rows() == before
    # Importing again changes nothing.
    call_command("directory", "import", str(out))
    assert directory_rows() == before


def test_a_valid_descriptor_names_the_files(examples_imported, tmp_path):
    out = tmp_path / "package"
    tabular.write_package(directory_rows(), out)
    (out / "organizations.csv").rename(out / "orgs.csv")
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "organization":
            resource["path"] = "orgs.csv"
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rows, problems = tabular.read_package(out)
    assert problems == []
    assert rows["organization"][0]["id"] == ORG


def test_descriptor_problems_are_named(examples_imported, tmp_path):
    out = tmp_path / "package"
    tabular.write_package(directory_rows(), out)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../organizations.csv"
    descriptor["resources"][1]["name"] = "programme"
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    _, problems = tabular.read_package(out)
    assert [str(p) for p in problems] == [
        "datapackage.json resources[0]: field path: "
        "must be a relative path inside the folder",
        "datapackage.json resources[1]: field name: 'programme' is no HSDS table",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", JSON_EXAMPLES)
def test_json_to_csv_gives_the_same_services(name, tmp_path, capsys):
    document = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    assert import_document(document, source=name).ok
    services = export_services_json()
    assert services
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "csv", str(out))
    clear()
    call_command("directory", "import", str(out))
    capsys.readouterr()
    assert export_services_json() == services


@pytest.fixture
def package(db, tmp_path, capsys):
    """A clean package exported from the official full service, imported."""
    document = json.loads((EXAMPLES / "service_full.json").read_text("utf-8"))
    assert import_document(document, source="service_full").ok
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "csv", str(out))
    capsys.readouterr()
    return out


def set_cell(path, field, value, row=1):
    lines = read_csv(path)
    lines[row][lines[0].index(field)] = value
    write_csv(path, lines)


def drop_column(path, field):
    lines = read_csv(path)
    index = lines[0].index(field)
    write_csv(path, [line[:index] + line[index + 1 :] for line in lines])


def add_file_without_descriptor(folder, name):
    (folder / "datapackage.json").unlink()
    (folder / name).write_text("id\n1\n", encoding="utf-8")


def service_id(folder):
    return read_csv(folder / "services.csv")[1][0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda p: set_cell(p / "organizations.csv", "year_incorporated", "2O11"),
            [
                "organizations.csv: data row 1: field year_incorporated: "
                "must be a number, not '2O11'"
            ],
        ),
        (
            lambda p: set_cell(p / "services.csv", "program_id", "no-such-program"),
            [
                "services.csv: data row 1: field program_id (service {service}): "
                "refers to program no-such-program, which is neither in the "
                "document nor in the directory"
            ],
        ),
        (
            lambda p: drop_column(p / "services.csv", "name"),
            ["services.csv: field name: is a required column, missing"],
        ),
        (
            lambda p: set_cell(p / "services.csv", "status", ""),
            ["services.csv: data row 1: field status: must not be empty"],
        ),
        (
            lambda p: set_cell(p / "schedules.csv", "opens_at", "9am"),
            [
                "schedules.csv: data row 1: field opens_at: "
                "must be an ISO 8601 time, not '9am'"
            ],
        ),
        (
            lambda p: write_csv(
                p / "services.csv",
                [*read_csv(p / "services.csv"), read_csv(p / "services.csv")[1]],
            ),
            ["services.csv: data row 2: field id: {service} is also on data row 1"],
        ),
        (
            lambda p: write_csv(
                p / "services.csv", [*read_csv(p / "services.csv"), ["x", "y"]]
            ),
            ["services.csv: data row 2: has 2 cells, the header has 23"],
        ),
        (
            lambda p: add_file_without_descriptor(p, "extra.csv"),
            ["extra.csv: is not the file of any HSDS table"],
        ),
        (
            lambda p: write_csv(
                p / "services.csv",
                [[*line, "x"] for line in read_csv(p / "services.csv")],
            ),
            ["services.csv: field x: is not a field of the HSDS service table"],
        ),
    ],
)
def test_malformed_package_is_named_and_changes_nothing(
    package, capsys, change, expected
):
    before = directory_rows()
    service = service_id(package)
    change(package)
    lines = run_failing(capsys, "import", str(package))
    assert lines == [f"{package}: {line.format(service=service)}" for line in expected]
    assert directory_rows() == before
