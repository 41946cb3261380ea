"""HSDS 3.0 tabular data packages (one CSV per table) to rows and back.

Pure: no database. `read_package` reads a folder holding the package into
rows per HSDS table, keyed by HSDS field name, the shape
`importing.import_rows` takes; `write_package` writes such rows as a
package.

The file of each table, its column order and the field types come from the
HSDS table schemas (`hsds_schema/<table>.json`: `path`, the scalar
properties in order, `type` and `datapackage_type`), the same data as the
official compiled `tabular.json`. A folder's `datapackage.json` is used to
find the files when it is a valid descriptor (an object with a `resources`
list naming HSDS tables); otherwise, as with the official examples whose
`datapackage.json` holds only the text `../../datapackage.json`, the files
are found by their HSDS names (`organizations.csv` for `organization`).

Cells are converted to the HSDS type of their field: an empty cell is not
given (the field is left out of the row), a `number` field holds an int or
a float, a `boolean` field true/false; `date`, `time` and `datetime` fields
stay text but must be ISO 8601. Problems name the file, the data row
(1-based, the header not counted) and the field.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from caremap.directory import hsds

DESCRIPTOR = "datapackage.json"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_TEMPORAL = {
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "datetime": datetime.datetime.fromisoformat,
}


@dataclass(frozen=True)
class Problem:
    """Something wrong with the package: `row` is the 1-based data row
    (0 when the problem is with the file or its header)."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row:
            parts.append(f"data row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return f"{': '.join(parts)}: {self.message}"


def file_name(table: str) -> str:
    """The official CSV file name of an HSDS table."""
    return hsds.table_schema(table)["path"]


def table_of_file() -> dict[str, str]:
    return {file_name(table): table for table in hsds.TABLES}


def columns(table: str) -> tuple[str, ...]:
    """The official columns of a table's CSV file, in order."""
    return hsds.scalar_properties(table)


def field_type(table: str, name: str) -> str:
    spec = hsds.table_schema(table)["properties"][name]
    return spec.get("datapackage_type") or spec.get("type", "string")


def required_columns(table: str) -> list[str]:
    """The table schema's `required` fields. Its `tabular_required` (links
    such as a program's `organization_id`) are not enforced: the JSON import
    accepts rows without them, and a package of such rows must read back."""
    return list(hsds.table_schema(table).get("required", []))


def read_package(folder) -> tuple[dict[str, list[dict]], list[Problem]]:
    """Rows per HSDS table from a tabular package folder, and the problems
    found; see the module docstring."""
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        return {}, [Problem(str(folder), 0, "", "is not a folder")]
    files = _files_from_descriptor(folder, problems)
    if files is None:
        files = _files_by_name(folder, problems)
    rows_by_table: dict[str, list[dict]] = {}
    for table in hsds.TABLES:
        if table in files:
            rows = _read_table(folder, table, files[table], problems)
            if rows is not None:
                rows_by_table[table] = rows
    return rows_by_table, problems


def _files_from_descriptor(folder: Path, problems) -> dict[str, str] | None:
    """Table -> file from a valid `datapackage.json`, or None."""
    path = folder / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("name"), str) for r in resources
    ):
        return None
    files = {}
    for index, resource in enumerate(resources):
        name, where = resource["name"], f"{DESCRIPTOR} resources[{index}]"
        resource_path = resource.get("path")
        if name not in hsds.TABLES:
            problems.append(Problem(where, 0, "name", f"{name!r} is no HSDS table"))
        elif name in files:
            problems.append(Problem(where, 0, "name", f"{name} is given twice"))
        elif not isinstance(resource_path, str) or not _inside(resource_path):
            problems.append(
                Problem(where, 0, "path", "must be a relative path inside the folder")
            )
        else:
            files[name] = resource_path
    return files


def _inside(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts


def _files_by_name(folder: Path, problems) -> dict[str, str]:
    known = table_of_file()
    files = {}
    for path in sorted(folder.glob("*.csv")):
        table = known.get(path.name)
        if table is None:
            problems.append(
                Problem(path.name, 0, "", "is not the file of any HSDS table")
            )
        else:
            files[table] = path.name
    return files


def _read_table(folder, table, name, problems) -> list[dict] | None:
    try:
        with open(folder / name, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except FileNotFoundError:
        problems.append(Problem(name, 0, "", "is named in the package but missing"))
        return None
    except OSError as error:
        problems.append(Problem(name, 0, "", f"cannot be read ({error.strerror})"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(name, 0, "", "is not UTF-8 text"))
        return None
    except csv.Error as error:
        problems.append(Problem(name, 0, "", f"is not valid CSV: {error}"))
        return None
    if not lines:
        problems.append(Problem(name, 0, "", "is empty: it has no header row"))
        return None
    header, *data = lines
    known = columns(table)
    bad_header = False
    for column in header:
        if column not in known:
            problems.append(
                Problem(name, 0, column, f"is not a field of the HSDS {table} table")
                if column
                else Problem(name, 0, "", "has a column without a name")
            )
            bad_header = True
    for column in sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem(name, 0, column, "is a column twice"))
        bad_header = True
    for column in required_columns(table):
        if column not in header:
            problems.append(Problem(name, 0, column, "is a required column, missing"))
            bad_header = True
    if bad_header:
        return None
    rows, seen = [], {}
    for number, cells in enumerate(data, start=1):
        if not any(cells):
            problems.append(Problem(name, number, "", "is empty"))
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    name,
                    number,
                    "",
                    f"has {len(cells)} cells, the header has {len(header)}",
                )
            )
            continue
        row = {}
        for column, text in zip(header, cells, strict=True):
            try:
                value = convert(text, field_type(table, column))
            except ValueError as error:
                problems.append(Problem(name, number, column, str(error)))
                continue
            if value is not None:
                row[column] = value
            elif column in required_columns(table):
                problems.append(Problem(name, number, column, "must not be empty"))
        row_id = row.get("id")
        if row_id is not None:
            if row_id in seen:
                problems.append(
                    Problem(
                        name,
                        number,
                        "id",
                        f"{row_id} is also on data row {seen[row_id]}",
                    )
                )
            seen.setdefault(row_id, number)
        rows.append(row)
    return rows


def convert(cell: str, kind: str):
    """A CSV cell as a value of the Frictionless/HSDS type `kind`; None for an
    empty cell. Raises ValueError saying what is wrong."""
    if cell == "":
        return None
    if kind == "number" or kind == "integer":
        text = cell.strip()
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"must be a number, not {cell!r}")
        if kind == "integer" or re.fullmatch(r"[+-]?\d+", text):
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ValueError(f"must be a whole number, not {cell!r}")
            return int(text)
        return float(text)
    if kind == "boolean":
        value = _BOOLEANS.get(cell.strip().lower())
        if value is None:
            raise ValueError(f"must be true or false, not {cell!r}")
        return value
    if kind in _TEMPORAL:
        try:
            _TEMPORAL[kind](cell)
        except ValueError:
            raise ValueError(f"must be an ISO 8601 {kind}, not {cell!r}") from None
    return cell


def cell(value) -> str:
    """A value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def descriptor() -> dict:
    """The package descriptor: the official tabular schema's resources as a
    Frictionless tabular data package."""
    resources = []
    tables = sorted(
        hsds.TABLES,
        key=lambda t: hsds.table_schema(t)["datapackage_metadata"]["order"],
    )
    for table in tables:
        schema = hsds.table_schema(table)
        required = required_columns(table)
        fields = []
        for name in columns(table):
            spec = schema["properties"][name]
            entry = {"name": name, "type": field_type(table, name)}
            for key in ("title", "description", "format"):
                if key in spec and not (key == "format" and "datapackage_type" in spec):
                    entry[key] = spec[key]
            constraints = dict(spec.get("constraints") or {})
            if name in required:
                constraints["required"] = True
            if "enum" in spec:
                constraints["enum"] = spec["enum"]
            if constraints:
                entry["constraints"] = constraints
            fields.append(entry)
        metadata = schema.get("datapackage_metadata", {})
        resources.append(
            {
                "name": table,
                "path": schema["path"],
                "description": schema.get("description", ""),
                "profile": metadata.get("profile", "tabular-data-resource"),
                "format": metadata.get("format", "csv"),
                "mediatype": metadata.get("mediatype", "text/csv"),
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["id"]},
            }
        )
    return {
        "name": "hsds",
        "title": "Human Services Data Specification 3.0 data",
        "profile": "tabular-data-package",
        "resources": resources,
    }


def write_package(rows_by_table: dict[str, list[dict]], folder) -> None:
    """Write `datapackage.json` and one CSV per HSDS table (all 21, with the
    official columns in order; a table without rows gets only its header)."""
    # Cells are written exactly, not passed through caremap.spreadsheets:
    # this is a data exchange for other HSDS systems (and our own import),
    # which have no way to know that a leading quote is not part of a name,
    # so quoting would change the data for every reader to guard one kind.
    # It is written by an administrator's command, never offered as a
    # download to open in a spreadsheet.
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    package = descriptor()
    (folder / DESCRIPTOR).write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for resource in package["resources"]:
        table = resource["name"]
        names = [f["name"] for f in resource["schema"]["fields"]]
        rows = sorted(rows_by_table.get(table, []), key=lambda r: str(r.get("id")))
        with open(folder / resource["path"], "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            for row in rows:
                writer.writerow([cell(row.get(name)) for name in names])


def locate(problem, rows_by_table: dict[str, list[dict]]) -> str:
    """An import problem (`importing.Problem`) about rows read by
    `read_package`, placed in its file and data row: rows are kept in file
    order, so a row's position in its table's list is its data row."""
    table_rows = rows_by_table.get(problem.table)
    if table_rows is None:
        return str(problem)
    number = next(
        (
            n
            for n, row in enumerate(table_rows, start=1)
            if row.get("id") == problem.row
        ),
        None,
    )
    if number is None:
        return str(problem)
    place = Problem(file_name(problem.table), number, problem.field, "")
    return f"{problem.source}: {str(place)[:-2]} ({problem.table} {problem.row}): {problem.message}"
