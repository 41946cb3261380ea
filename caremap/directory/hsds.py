"""HSDS 3.0 JSON documents to flat table rows and back, without the database.

`flatten` turns a nested HSDS document (a service, a list of services, an
organization with its `services`, or an API page with `contents`) into rows
per HSDS table, keyed by the HSDS field names. `service_documents` builds
nested service objects, the shape of the compiled `service.json`, from such
rows.

Nesting follows the HSDS table schemas: an array property holds the child
rows that point at the parent (`phones` of a service are the phones whose
`service_id` is the service's id; `attributes` and `metadata` link through
`link_id` and `resource_id`), an object property is the row the parent points
at (`organization` of a service is the row its `organization_id` names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

TABLES = (
    "organization",
    "program",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "contact",
    "schedule",
    "service_area",
    "language",
    "funding",
    "accessibility",
    "cost_option",
    "required_document",
    "organization_identifier",
    "taxonomy",
    "taxonomy_term",
    "attribute",
    "metadata",
    "meta_table_description",
)

# The column a child row uses to point at its parent, where it is not
# `<parent table>_id`.
LINK_COLUMNS = {"attribute": "link_id", "metadata": "resource_id"}
# The column a parent uses to point at a nested object, by property name.
OBJECT_COLUMNS = {"taxonomy_detail": "taxonomy_id"}
# Kinds of document `flatten` recognises at the top level.
DOCUMENT_KINDS = (
    "service",
    "organization",
    "location",
    "service_at_location",
    "taxonomy_term",
    "taxonomy",
)


@cache
def table_schema(table: str) -> dict:
    text = (
        resources.files("caremap.directory")
        .joinpath(f"hsds_schema/{table}.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@dataclass(frozen=True)
class Nested:
    name: str
    table: str
    many: bool


@cache
def nested_properties(table: str) -> tuple[Nested, ...]:
    """The properties of `table` that hold other tables' rows, in schema order."""
    found = []
    for name, spec in table_schema(table)["properties"].items():
        if spec.get("type") == "array":
            ref = (spec.get("items") or {}).get("$ref")
            many = True
        else:
            ref = spec.get("$ref")
            many = False
        if ref:
            found.append(Nested(name, ref.removesuffix(".json"), many))
    return tuple(found)


@cache
def scalar_properties(table: str) -> tuple[str, ...]:
    nested = {n.name for n in nested_properties(table)}
    return tuple(n for n in table_schema(table)["properties"] if n not in nested)


def child_column(parent_table: str, child_table: str) -> str:
    """The column of a child row in an array property that names its parent."""
    return LINK_COLUMNS.get(child_table, f"{parent_table}_id")


def object_column(prop: Nested) -> str:
    """The column of a parent that names the object nested under `prop`."""
    return OBJECT_COLUMNS.get(prop.name, f"{prop.table}_id")


@dataclass
class ShapeProblem:
    """A part of the document that is not shaped like HSDS (not a row)."""

    path: str
    message: str


@dataclass
class Flattened:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    # (table, id, field, first value, other value) for an id given twice
    # with different values.
    conflicts: list[tuple[str, str, str, object, object]] = field(default_factory=list)
    shape_problems: list[ShapeProblem] = field(default_factory=list)


def document_kind(document: dict) -> str | None:
    """Which HSDS object a top-level JSON object is, or None if unclear."""
    if "services" in document:
        return "organization"
    if "status" in document or "service_at_locations" in document:
        return "service"
    keys = set(document)
    scores = {
        kind: len(keys & set(table_schema(kind)["properties"]))
        for kind in DOCUMENT_KINDS
    }
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def flatten(document) -> dict[str, list[dict]]:
    """Rows per HSDS table (only tables with rows) from an HSDS document."""
    return flatten_document(document).rows


def flatten_document(document) -> Flattened:
    """`flatten`, also reporting ids given twice with different values and
    parts of the document that are not shaped like HSDS."""
    return _Flattener().run(document)


class _Flattener:
    def __init__(self):
        self.result = Flattened()
        # (table, id) -> (row as given, implied values)
        self.by_id: dict[tuple[str, str], tuple[dict, dict]] = {}
        self.order: list[tuple[str, object]] = []
        self.anonymous: list[tuple[str, dict, dict]] = []

    def run(self, document) -> Flattened:
        if isinstance(document, dict) and "contents" in document:
            contents = document["contents"]
            if not isinstance(contents, list):
                self.problem("contents", "must be a list")
            else:
                self.top_level(contents, "contents")
        elif isinstance(document, list):
            self.top_level(document, "")
        elif isinstance(document, dict):
            self.top_level_object(document, "")
        else:
            self.problem("", "must be a JSON object or a list of objects")
        self.collect()
        return self.result

    def problem(self, path, message):
        self.result.shape_problems.append(ShapeProblem(path or "(document)", message))

    def top_level(self, items, path):
        for index, item in enumerate(items):
            where = f"{path}[{index}]"
            if isinstance(item, dict):
                self.top_level_object(item, where)
            else:
                self.problem(where, "must be a JSON object")

    def top_level_object(self, obj, path):
        kind = document_kind(obj)
        if kind is None:
            self.problem(path, "is not recognisably an HSDS service or organization")
            return
        self.add(kind, obj, {}, path)

    def add(self, table, obj, implied, path):
        """Add `obj` as a row of `table` and its nested rows; its id."""
        row = {
            name: value
            for name, value in obj.items()
            if name in scalar_properties(table)
        }
        implied = {k: v for k, v in implied.items() if v is not None}
        row_id = row.get("id")
        for prop in nested_properties(table):
            if prop.name not in obj or obj[prop.name] is None:
                continue
            value = obj[prop.name]
            where = f"{path}.{prop.name}" if path else prop.name
            if prop.many:
                if not isinstance(value, list):
                    self.problem(where, "must be a list")
                    continue
                link = {child_column(table, prop.table): row_id}
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        self.add(prop.table, item, link, f"{where}[{index}]")
                    else:
                        self.problem(f"{where}[{index}]", "must be a JSON object")
            elif isinstance(value, dict):
                child_id = self.add(prop.table, value, {}, where)
                implied.setdefault(object_column(prop), child_id)
            else:
                self.problem(where, "must be a JSON object")
        if table == "organization" and obj.get("services") is not None:
            services = obj["services"]
            where = f"{path}.services" if path else "services"
            if not isinstance(services, list):
                self.problem(where, "must be a list")
            else:
                for index, item in enumerate(services):
                    if isinstance(item, dict):
                        link = {"organization_id": row_id}
                        self.add("service", item, link, f"{where}[{index}]")
                    else:
                        self.problem(f"{where}[{index}]", "must be a JSON object")
        self.store(table, row, implied)
        return row_id

    def store(self, table, row, implied):
        row_id = row.get("id")
        if not isinstance(row_id, str):
            self.order.append((table, len(self.anonymous)))
            self.anonymous.append((table, row, implied))
            return
        key = (table, row_id)
        if key not in self.by_id:
            self.by_id[key] = ({}, {})
            self.order.append((table, key))
        given, implied_before = self.by_id[key]
        for name, value in row.items():
            before = given.get(name)
            if before is not None and value is not None and before != value:
                if not any(
                    c[:3] == (table, row_id, name) for c in self.result.conflicts
                ):
                    self.result.conflicts.append((table, row_id, name, before, value))
            elif before is None and (value is not None or name not in given):
                given[name] = value
        for name, value in implied.items():
            implied_before.setdefault(name, value)

    def collect(self):
        rows = self.result.rows
        for table, key in self.order:
            if isinstance(key, tuple):
                given, implied = self.by_id[key]
            else:
                _, given, implied = self.anonymous[key]
            row = dict(given)
            for name, value in implied.items():
                if row.get(name) is None:
                    row[name] = value
            rows.setdefault(table, []).append(row)


def service_documents(rows_by_table: dict[str, list[dict]]) -> list[dict]:
    """Full HSDS service objects, nested as in the compiled `service.json`,
    from flat rows; null fields and empty lists are left out."""
    index = Index(rows_by_table)
    return [
        index.build("service", row, ())
        for row in sorted(rows_by_table.get("service", []), key=_by_id)
    ]


def _by_id(row):
    return str(row.get("id"))


class Index:
    """Rows by table and id, for building nested documents; shared by the
    exporter and the HSDS API."""

    def __init__(self, rows_by_table):
        self.by_id = {
            table: {row.get("id"): row for row in rows}
            for table, rows in rows_by_table.items()
        }
        self.children: dict[tuple[str, str], dict[object, list[dict]]] = {}
        self.rows = rows_by_table

    def children_of(self, table, column, parent_id):
        key = (table, column)
        if key not in self.children:
            grouped: dict[object, list[dict]] = {}
            for row in sorted(self.rows.get(table, []), key=_by_id):
                if row.get(column) is not None:
                    grouped.setdefault(row[column], []).append(row)
            self.children[key] = grouped
        return self.children[key].get(parent_id, [])

    def build(self, table, row, ancestors):
        document = {
            name: plain(row[name])
            for name in scalar_properties(table)
            if row.get(name) is not None
        }
        ancestors = (*ancestors, table)
        for prop in nested_properties(table):
            if prop.many:
                column = child_column(table, prop.table)
                children = [
                    self.build(prop.table, child, ancestors)
                    for child in self.children_of(prop.table, column, row.get("id"))
                ]
                if children:
                    document[prop.name] = children
            else:
                target = row.get(object_column(prop))
                found = self.by_id.get(prop.table, {}).get(target)
                if found is not None and prop.table not in ancestors:
                    document[prop.name] = self.build(prop.table, found, ancestors)
        return document


def plain(value):
    """Whole numbers stored as floats go out as JSON integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
