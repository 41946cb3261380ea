"""Importing an HSDS 3.0 JSON document into the directory.

The document is flattened into table rows (`hsds.flatten_document`), every
row is checked against its HSDS table schema (scalar fields and `required`)
and every reference between rows must name a row in the document or already
in the database. Then all rows are saved by id in one transaction: a row
already present is replaced by the document's version (a field the document
leaves out becomes empty), so importing the same document twice changes
nothing. With problems nothing is saved, unless `skip_invalid`: then the
invalid rows, and the rows that depend on them, are left out and listed.

One exception to "unknown reference is a problem": the hierarchy links
`organization.parent_organization_id` and `taxonomy_term.parent_id` often
name a parent outside the data set (the official HSDS examples do). Such a
link cannot be stored, so it is dropped and reported as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jsonschema
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from caremap.directory import hsds

# Links that may point outside the data set: dropped with a warning.
OUTSIDE_LINKS = {
    ("organization", "parent_organization_id"),
    ("taxonomy_term", "parent_id"),
}
MAX_ID_LENGTH = 250


@dataclass(frozen=True)
class Problem:
    source: str
    table: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.row, self.field) if part)
        place = f"{self.table} {where}" if self.table else where
        return f"{self.source}: {place}: {self.message}"


@dataclass
class ImportReport:
    source: str
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    # Ids of the services saved, so a caller can list them in an area.
    service_ids: list[str] = field(default_factory=list)
    listed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def saved(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def models_by_table() -> dict[str, type[models.Model]]:
    return {
        model.HSDS_TABLE: model
        for model in apps.get_app_config("directory").get_models()
        if hasattr(model, "HSDS_TABLE")
    }


def foreign_keys(model) -> dict[str, str]:
    """Column -> HSDS table it refers to."""
    return {
        f.column: f.related_model.HSDS_TABLE
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
    }


def save_order() -> list[str]:
    """Tables in an order where every table comes after those it refers to."""
    by_table = models_by_table()
    done: list[str] = []

    def visit(table):
        if table in done:
            return
        for target in foreign_keys(by_table[table]).values():
            if target != table:
                visit(target)
        done.append(table)

    for table in hsds.TABLES:
        visit(table)
    return done


def _scalar_schema(table: str) -> dict:
    """The table's scalar properties with their HSDS types, and the maximum
    length Caremap keeps for each text, so an imported row is held to the
    same limits as one typed into a form."""
    schema = hsds.table_schema(table)
    model = models_by_table()[table]
    properties = {}
    for name in hsds.scalar_properties(table):
        properties[name] = {"type": schema["properties"][name]["type"]}
        try:
            limit = model._meta.get_field(name).max_length
        except FieldDoesNotExist:
            limit = None
        if limit:
            properties[name]["maxLength"] = limit
    return {
        "type": "object",
        "properties": properties,
        "required": schema.get("required", []),
    }


def _label(row: dict, index: int) -> str:
    row_id = row.get("id")
    return row_id if isinstance(row_id, str) and row_id else f"row {index + 1}"


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return missing, "is required"
    field_name = str(error.path[0]) if error.path else ""
    if error.validator == "type":
        wanted = {"string": "text", "number": "a number"}.get(
            error.validator_value, error.validator_value
        )
        return field_name, f"must be {wanted}, not {_json_type(error.instance)}"
    if error.validator == "maxLength":
        return field_name, (
            f"must be {error.validator_value:,} characters or fewer "
            f"(it has {len(error.instance):,})"
        )
    return field_name, error.message


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class _Importer:
    def __init__(self, source, skip_invalid):
        self.report = ImportReport(source)
        self.source = source
        self.skip_invalid = skip_invalid
        self.models = models_by_table()
        self.dependants: set[Problem] = set()

    def problem(self, table, row, field_name, message):
        return Problem(self.source, table, row, field_name, message)

    def run(self, document):
        flat = hsds.flatten_document(document)
        report = self.report
        for shape in flat.shape_problems:
            report.problems.append(self.problem("", shape.path, "", shape.message))
        if report.problems:
            return report
        rows = flat.rows
        # (table, index) -> problems with that row
        invalid: dict[tuple[str, int], list[Problem]] = {}
        for table, row_id, name, first, other in flat.conflicts:
            index = next(i for i, r in enumerate(rows[table]) if r.get("id") == row_id)
            invalid.setdefault((table, index), []).append(
                self.problem(
                    table, row_id, name, f"is given as both {first!r} and {other!r}"
                )
            )
        return self.run_rows(rows, invalid)

    def run_rows(self, rows, invalid=None):
        """Check and save rows per table (copies: links may be dropped)."""
        report = self.report
        rows = {
            table: [dict(row) for row in table_rows]
            for table, table_rows in rows.items()
        }
        unknown = sorted(set(rows) - set(self.models))
        for table in unknown:
            report.problems.append(self.problem(table, "", "", "is no HSDS table"))
        if report.problems:
            return report
        invalid = {} if invalid is None else invalid
        self.check_rows(rows, invalid)
        skipped = self.check_references(rows, invalid)
        if skipped and not self.skip_invalid:
            # Rows refused only because they depend on a refused row are
            # not worth a line each: fixing the first fixes them.
            for key in sorted(skipped, key=self._order_key(rows)):
                report.problems.extend(
                    p for p in invalid[key] if p not in self.dependants
                )
            return report
        for key in sorted(skipped, key=self._order_key(rows)):
            report.skipped.extend(invalid[key])
        keep = {
            table: [r for i, r in enumerate(table_rows) if (table, i) not in skipped]
            for table, table_rows in rows.items()
        }
        self.save(keep)
        return report

    def _order_key(self, rows):
        order = {table: n for n, table in enumerate(hsds.TABLES)}
        return lambda key: (order[key[0]], key[1])

    def check_rows(self, rows, invalid):
        for table, table_rows in rows.items():
            validator = jsonschema.Draft202012Validator(_scalar_schema(table))
            for index, row in enumerate(table_rows):
                label = _label(row, index)
                for error in validator.iter_errors(row):
                    name, message = _explain(error)
                    invalid.setdefault((table, index), []).append(
                        self.problem(table, label, name, message)
                    )
                row_id = row.get("id")
                if isinstance(row_id, str) and len(row_id) > MAX_ID_LENGTH:
                    invalid.setdefault((table, index), []).append(
                        self.problem(
                            table,
                            label[:40] + "...",
                            "id",
                            f"is longer than {MAX_ID_LENGTH} characters",
                        )
                    )
                elif row_id == "":
                    invalid.setdefault((table, index), []).append(
                        self.problem(table, label, "id", "must not be empty")
                    )

    def check_references(self, rows, invalid) -> set[tuple[str, int]]:
        """Rows to leave out: the invalid ones and those depending on them;
        adds a problem to `invalid` for each unknown reference."""
        in_db: dict[str, set[str]] = {}

        def existing(table, ids):
            known = in_db.setdefault(table, set())
            wanted = {i for i in ids if isinstance(i, str)} - known
            if wanted:
                known |= set(
                    self.models[table]
                    .objects.filter(pk__in=wanted)
                    .values_list("pk", flat=True)
                )
            return known

        skipped = set(invalid)
        wanted: dict[str, set] = {}
        for table, table_rows in rows.items():
            for column, target in foreign_keys(self.models[table]).items():
                wanted.setdefault(target, set()).update(
                    row[column] for row in table_rows if row.get(column) is not None
                )
        for target, ids in wanted.items():
            existing(target, ids)
        changed = True
        first_pass = True
        while changed:
            changed = False
            present = {
                table: {
                    r.get("id")
                    for i, r in enumerate(table_rows)
                    if (table, i) not in skipped
                }
                for table, table_rows in rows.items()
            }
            for table, table_rows in rows.items():
                links = foreign_keys(self.models[table])
                for index, row in enumerate(table_rows):
                    if (table, index) in skipped:
                        continue
                    for column, target in links.items():
                        value = row.get(column)
                        if value is None or value in in_db.get(target, ()):
                            continue
                        if value in present.get(target, ()):
                            continue
                        label = _label(row, index)
                        given = {r.get("id") for r in rows.get(target, [])}
                        if (table, column) in OUTSIDE_LINKS and value not in given:
                            if first_pass:
                                self.report.warnings.append(
                                    self.problem(
                                        table,
                                        label,
                                        column,
                                        f"refers to {target} {value}, which is "
                                        "neither in the document nor in the "
                                        "directory; the link is not kept",
                                    )
                                )
                                row[column] = None
                            continue
                        dependant = value in given
                        if dependant:
                            message = f"refers to {target} {value}, which is invalid"
                        else:
                            message = (
                                f"refers to {target} {value}, which is neither "
                                "in the document nor in the directory"
                            )
                        problem = self.problem(table, label, column, message)
                        if dependant:
                            self.dependants.add(problem)
                        invalid.setdefault((table, index), []).append(problem)
                        skipped.add((table, index))
                        changed = True
            first_pass = False
        return skipped

    @transaction.atomic
    def save(self, rows):
        for table in save_order():
            table_rows = rows.get(table)
            if not table_rows:
                continue
            model = self.models[table]
            if table in {"organization", "taxonomy_term"}:
                table_rows = _parents_first(table_rows, model)
            columns = {f.column: f.attname for f in model._meta.concrete_fields}
            ids = [row["id"] for row in table_rows]
            before = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            objects = [
                model(
                    **{attname: row.get(column) for column, attname in columns.items()}
                )
                for row in table_rows
            ]
            update = [
                f.attname for f in model._meta.concrete_fields if not f.primary_key
            ]
            model.objects.bulk_create(
                objects,
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=update,
            )
            if table == "service":
                self.report.service_ids = ids
            self.report.created[table] = len(set(ids) - before)
            self.report.updated[table] = len(set(ids) & before)


def _parents_first(rows, model):
    column = next(
        column
        for column, target in foreign_keys(model).items()
        if target == model.HSDS_TABLE
    )
    by_id = {row["id"]: row for row in rows}
    ordered, seen = [], set()

    def visit(row, trail):
        if row["id"] in seen or row["id"] in trail:
            return
        parent = by_id.get(row.get(column))
        if parent is not None:
            visit(parent, trail | {row["id"]})
        seen.add(row["id"])
        ordered.append(row)

    for row in rows:
        visit(row, frozenset())
    return ordered


def import_document(document, *, source, skip_invalid=False) -> ImportReport:
    """Check and save an HSDS document; see the module docstring. Callers
    audit through `actions.import_directory`."""
    with transaction.atomic():
        return _Importer(source, skip_invalid).run(document)


def import_rows(rows_by_table, *, source, skip_invalid=False) -> ImportReport:
    """Check and save rows per HSDS table, keyed by HSDS field name (as
    `hsds.flatten` or `tabular.read_package` give them), like
    `import_document`. A problem's `row` is the row's id, or `row N` (the
    1-based position in its table's list) for a row without one."""
    with transaction.atomic():
        return _Importer(source, skip_invalid).run_rows(rows_by_table)
