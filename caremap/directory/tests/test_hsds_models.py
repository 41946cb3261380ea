"""The directory's models hold every HSDS 3.0 field, under its HSDS name."""

import json
from pathlib import Path

import pytest
from django.apps import apps

SCHEMAS = Path(__file__).parent / "hsds" / "schema"
MODELS = {
    model.HSDS_TABLE: model
    for model in apps.get_app_config("directory").get_models()
    if hasattr(model, "HSDS_TABLE")
}
TABLES = sorted(
    path.stem for path in SCHEMAS.glob("*.json") if path.stem not in {"openapi"}
)


def scalar_fields(table):
    schema = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))
    return {
        name: spec
        for name, spec in schema["properties"].items()
        if "$ref" not in spec and spec.get("type") not in ("array", "object")
    }, set(schema.get("required", []))


def test_every_hsds_table_has_a_model():
    assert set(TABLES) == set(MODELS)


@pytest.mark.parametrize("table", TABLES)
def test_every_hsds_field_is_a_column_with_its_name(table):
    fields, required = scalar_fields(table)
    columns = {f.column: f for f in MODELS[table]._meta.concrete_fields}
    assert set(fields) == set(columns)
    for name, spec in fields.items():
        column = columns[name]
        if name == "id":
            assert column.primary_key
            continue
        # Only what HSDS requires may be NOT NULL: "not given" must survive.
        assert column.null == (name not in required), name
        if spec.get("type") == "number":
            assert column.get_internal_type() == "FloatField", name
