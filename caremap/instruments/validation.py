"""Checking an instrument file, with problems a person can act on.

Every problem names the file, the place inside it (`sections[2].items[0].type`)
and what is wrong. The JSON Schema settles the shape first; the checks here
are the ones a schema cannot express: references between parts, duplicate
ids, score ranges that cannot be reached and bands that overlap or leave gaps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema
import yaml

from caremap.instruments import ranges
from caremap.instruments.definition import CHOICE_TYPES, Instrument, Item

UNSCORABLE_REASONS = {
    "single_choice": " unless every option has a score",
    "multiple_choice": " unless every option has a score",
    "number": " without both a minimum and a maximum",
}

# Score arithmetic works in floats for means and weights; anything closer than
# this is the same number.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Problem:
    source: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: {self.message}"


class InvalidInstrument(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@cache
def schema() -> dict:
    text = (
        resources.files("caremap.instruments")
        .joinpath("schema/instrument.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def read_yaml(path: Path) -> tuple[dict | None, list[Problem]]:
    """Parse a YAML instrument file, reporting a syntax error with its line."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(source, "", f"cannot be read ({error.strerror})")]
    except UnicodeDecodeError:
        return None, [Problem(source, "", "is not UTF-8 text")]
    try:
        data = yaml.safe_load(text)
    except yaml.reader.ReaderError as error:
        # Raised for characters YAML refuses (a vertical tab pasted from a
        # word processor); it knows only the character's position.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return None, [
            Problem(
                source,
                f"line {line}, column {column}",
                f"is not valid YAML: the character #x{error.character:04x} is not "
                "allowed",
            )
        ]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, [Problem(source, where, f"is not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(source, "", "must hold a mapping (id, version, ...)")]
    return data, []


def load_file(path: Path) -> Instrument:
    """Read, validate and build an instrument, or raise InvalidInstrument."""
    data, problems = read_yaml(path)
    if data is not None:
        problems = validate_definition(data, str(path))
    if problems:
        raise InvalidInstrument(problems)
    return Instrument.from_dict(data)


def validate_definition(data: dict, source: str) -> list[Problem]:
    """Every problem with a definition; an empty list means it is valid."""
    problems = _schema_problems(data, source)
    if problems:
        # The semantic checks below assume the shape the schema guarantees.
        return problems
    return _Checker(data, source).run()


def _schema_problems(data: dict, source: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        problems.append(Problem(source, path_text(error.absolute_path), explain(error)))
    return problems


def path_text(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def explain(error: jsonschema.ValidationError) -> str:
    if isinstance(error.instance, bool) and error.validator in ("oneOf", "type"):
        # YAML 1.1 reads bare yes/no/on/off as booleans: a classic trap.
        return (
            f"YAML read this as {str(error.instance).lower()}; put text such as "
            "yes or no in quotes"
        )
    if error.validator == "enum" and error.path and error.path[-1] == "type":
        allowed = ", ".join(error.validator_value)
        return f"unknown item type {error.instance!r} (expected one of: {allowed})"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{error.instance!r} is not allowed here (expected one of: {allowed})"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    if error.validator == "pattern":
        return (
            f"{error.instance!r} is not a valid id (use lower-case letters, digits "
            "and hyphens)"
        )
    if error.validator == "oneOf" and error.context:
        best = jsonschema.exceptions.best_match(error.context)
        return best.message
    return error.message


class _Checker:
    def __init__(self, data: dict, source: str):
        self.data = data
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path, message))

    def run(self) -> list[Problem]:
        data = self.data
        self.item_paths: dict[str, str] = {}
        self.items: dict[str, Item] = {}
        self._check_unique("domains", data["domains"], "domain")
        self._check_unique("composites", data.get("composites", []), "composite")
        self._check_unique("needs", data.get("needs", []), "need")
        self._check_unique("sections", data["sections"], "section")
        domain_ids = {d["id"] for d in data["domains"]}
        for s_index, section in enumerate(data["sections"]):
            for i_index, raw in enumerate(section["items"]):
                path = f"sections[{s_index}].items[{i_index}]"
                item = Item.from_dict(raw)
                if item.id in self.item_paths:
                    self.problem(
                        f"{path}.id",
                        f"duplicate item id {item.id!r} "
                        f"(first used at {self.item_paths[item.id]})",
                    )
                    continue
                self.item_paths[item.id] = path
                self.items[item.id] = item
                self._check_item(item, raw, path, domain_ids)
        self._check_domains()
        self._check_needs()
        self._check_composites(domain_ids)
        wellbeing = data.get("wellbeing")
        if wellbeing is not None and wellbeing not in domain_ids:
            self.problem(
                "wellbeing", f"names domain {wellbeing!r}, which is not declared"
            )
        return self.problems

    def _check_unique(self, key: str, entries: list[dict], noun: str) -> None:
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if entry["id"] in seen:
                self.problem(
                    f"{key}[{index}].id",
                    f"duplicate {noun} id {entry['id']!r} "
                    f"(first used at {key}[{seen[entry['id']]}])",
                )
            else:
                seen[entry["id"]] = index

    def _check_item(self, item: Item, raw: dict, path: str, domain_ids) -> None:
        extra = {
            "points": item.type == "scale",
            "options": item.type in CHOICE_TYPES,
            "minimum": item.type == "number",
            "maximum": item.type == "number",
            "unit": item.type == "number",
            "past_only": item.type == "date",
            "max_length": item.type == "text",
        }
        for key, allowed in extra.items():
            if key in raw and not allowed:
                self.problem(f"{path}.{key}", f"does not apply to a {item.type} item")
        if item.type == "scale":
            values = [p.value for p in item.points]
            for dup in sorted({v for v in values if values.count(v) > 1}):
                self.problem(f"{path}.points", f"the value {dup} appears twice")
        if item.type in CHOICE_TYPES:
            codes = [o.code for o in item.options]
            for dup in sorted({c for c in codes if codes.count(c) > 1}):
                self.problem(f"{path}.options", f"the code {dup!r} appears twice")
        if (
            item.type == "number"
            and item.minimum is not None
            and item.maximum is not None
            and item.minimum > item.maximum
        ):
            self.problem(
                f"{path}.minimum",
                f"minimum {item.minimum} is greater than maximum {item.maximum}",
            )
            return
        if item.domain is not None:
            if item.domain not in domain_ids:
                self.problem(
                    f"{path}.domain",
                    f"maps to domain {item.domain!r}, which is not declared in domains",
                )
            elif not item.is_scorable:
                self.problem(
                    f"{path}.domain",
                    f"a {item.type} item cannot score into a domain"
                    + UNSCORABLE_REASONS.get(item.type, ""),
                )
        if item.reverse and not item.is_scorable:
            self.problem(
                f"{path}.reverse", f"a {item.type} item has no score to reverse"
            )
        if item.is_barrier:
            if not item.is_scorable:
                self.problem(
                    f"{path}.barrier",
                    f"a {item.type} item cannot record a barrier"
                    + UNSCORABLE_REASONS.get(item.type, ""),
                )
            else:
                low, high = item.score_range()
                if item.barrier_at_least > high:
                    self.problem(
                        f"{path}.barrier",
                        f"the threshold {item.barrier_at_least} is above the item's "
                        f"highest score {high}, so the barrier can never be present",
                    )

    def _domain_items(self, domain_id: str) -> list[Item]:
        return [i for i in self.items.values() if i.domain == domain_id]

    def _check_domains(self) -> None:
        self.domain_ranges: dict[str, tuple[float, float]] = {}
        for index, raw in enumerate(self.data["domains"]):
            path = f"domains[{index}]"
            items = [i for i in self._domain_items(raw["id"]) if i.is_scorable]
            if not items:
                self.problem(path, f"no item scores into domain {raw['id']!r}")
                continue
            minimum = raw.get("minimum_answered")
            if minimum is not None and minimum > len(items):
                self.problem(
                    f"{path}.minimum_answered",
                    f"{minimum} items can never be answered: the domain has "
                    f"{len(items)}",
                )
                continue
            if raw.get("strength") and not any(
                band["band"] == "green" for band in raw.get("bands", [])
            ):
                self.problem(
                    f"{path}.strength",
                    "a strength is a domain in its green band, but this domain has "
                    "no green band",
                )
            reachable = ranges.domain_range(raw["scoring"], items, minimum)
            self.domain_ranges[raw["id"]] = reachable
            self._check_range(path, raw["range"], reachable, "its items")
            self._check_bands(path, raw.get("bands"), raw["range"])

    def _check_range(self, path, declared, reachable, what) -> None:
        low, high = declared
        if low > high:
            self.problem(f"{path}.range", f"the range [{low}, {high}] runs backwards")
            return
        if _same(low, reachable[0]) and _same(high, reachable[1]):
            return
        shown = f"[{_fmt(reachable[0])}, {_fmt(reachable[1])}]"
        if low < reachable[0] - TOLERANCE or high > reachable[1] + TOLERANCE:
            self.problem(
                f"{path}.range",
                f"the declared range [{_fmt(low)}, {_fmt(high)}] cannot be reached: "
                f"{what} give {shown}",
            )
        else:
            self.problem(
                f"{path}.range",
                f"the declared range [{_fmt(low)}, {_fmt(high)}] is too narrow: "
                f"{what} give {shown}",
            )

    def _check_bands(self, path: str, bands: list[dict] | None, declared) -> None:
        if not bands:
            return
        low, high = declared
        names = [b["band"] for b in bands]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            self.problem(f"{path}.bands", f"the band {dup!r} appears twice")
        for index, band in enumerate(bands):
            where = f"{path}.bands[{index}]"
            last = index == len(bands) - 1
            # Only the last band holds its end, so only it may be one point wide.
            if band["from"] > band["to"] or (band["from"] == band["to"] and not last):
                self.problem(
                    where,
                    f"{band['band']} runs from {_fmt(band['from'])} to "
                    f"{_fmt(band['to'])}, which is empty or backwards",
                )
            if index == 0 and not _same(band["from"], low):
                self.problem(
                    f"{where}.from",
                    f"the first band starts at {_fmt(band['from'])} but the range "
                    f"starts at {_fmt(low)}",
                )
            if index > 0:
                before = bands[index - 1]
                if band["from"] > before["to"] + TOLERANCE:
                    self.problem(
                        f"{where}.from",
                        f"gap between {before['band']} (ends {_fmt(before['to'])}) "
                        f"and {band['band']} (starts {_fmt(band['from'])})",
                    )
                elif band["from"] < before["to"] - TOLERANCE:
                    self.problem(
                        f"{where}.from",
                        f"{band['band']} (starts {_fmt(band['from'])}) overlaps "
                        f"{before['band']} (ends {_fmt(before['to'])})",
                    )
            if index == len(bands) - 1 and not _same(band["to"], high):
                self.problem(
                    f"{where}.to",
                    f"the last band ends at {_fmt(band['to'])} but the range ends "
                    f"at {_fmt(high)}",
                )

    def _check_needs(self) -> None:
        for index, need in enumerate(self.data.get("needs", [])):
            for key in ("received", "wanted"):
                item = self.items.get(need[key])
                if item is None:
                    self.problem(
                        f"needs[{index}].{key}",
                        f"names item {need[key]!r}, which does not exist",
                    )
                elif item.type != "yes_no":
                    self.problem(
                        f"needs[{index}].{key}",
                        f"names item {need[key]!r}, a {item.type} item; it must be "
                        "yes_no",
                    )

    def _check_composites(self, domain_ids) -> None:
        counts = {
            "barriers": sum(1 for i in self.items.values() if i.is_barrier),
            "unmet_needs": len(self.data.get("needs", [])),
            "strengths": sum(1 for d in self.data["domains"] if d.get("strength")),
        }
        earlier: dict[str, tuple[float, float] | None] = {}
        for index, raw in enumerate(self.data.get("composites", [])):
            path = f"composites[{index}]"
            if raw["id"] in domain_ids:
                self.problem(
                    f"{path}.id", f"{raw['id']!r} is already the id of a domain"
                )
            term_ranges = []
            for t_index, term in enumerate(raw["terms"]):
                where = f"{path}.terms[{t_index}]"
                if "domain" in term:
                    if term["domain"] not in domain_ids:
                        self.problem(
                            where, f"names domain {term['domain']!r}, not declared"
                        )
                        term_ranges.append(None)
                    else:
                        term_ranges.append(self.domain_ranges.get(term["domain"]))
                elif "composite" in term:
                    if term["composite"] not in earlier:
                        self.problem(
                            where,
                            f"names composite {term['composite']!r}, which is not "
                            "declared before this one",
                        )
                        term_ranges.append(None)
                    else:
                        term_ranges.append(earlier[term["composite"]])
                else:
                    if counts[term["count"]] == 0:
                        self.problem(
                            where,
                            f"counts {term['count']}, but the instrument declares none",
                        )
                    term_ranges.append((0, counts[term["count"]]))
            if any(r is None for r in term_ranges):
                earlier[raw["id"]] = None
                continue
            reachable = ranges.weighted_sum_range(
                [
                    (t.get("weight", 1), r)
                    for t, r in zip(raw["terms"], term_ranges, strict=True)
                ]
            )
            earlier[raw["id"]] = reachable
            self._check_range(path, raw["range"], reachable, "its terms")
            self._check_bands(path, raw.get("bands"), raw["range"])


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def _fmt(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)
