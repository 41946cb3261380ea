"""FHIR R4 import and export: `Questionnaire` in and out, `QuestionnaireResponse` out.

Pure data conversion, no database: the CLI, the importer and the assessment
export all call these functions with plain dicts.

Import (`questionnaire_to_definition`)
    Top-level `group` items become sections, and each group with at least one
    scorable item is also a domain of the same id, scored as the sum of its
    scorable items. Groups nested inside a top-level group are flattened into
    it, and so are questions nested under a question. Top-level questions
    outside any group go in an unscored section `other`. `display` items are
    not questions: inside a group they become the section's description,
    under a question its hint, at the top level part of the description.
    Items marked `readOnly` (calculated totals) are not asked and are skipped.
    An item with `enableWhen` (or inside a group with one) is optional, since
    it is not always asked. Answer ids are the `linkId`s, unchanged.

    Options score by the `ordinalValue` or `itemWeight` extension, on the
    `answerOption` or on its `valueCoding`. A `choice` whose codes are
    whole numbers equal to their scores (`"0"` scored 0, `"1"` scored 1 ...)
    is a `scale`, and so is a `choice` of `valueInteger` options; this is how
    `definition_to_questionnaire` writes scales, so they survive a round trip.
    `open-choice` is read as `choice`: a person picks one of the options.
    `integer` and `decimal` items take their range from the `minValue` and
    `maxValue` extensions; one without both is kept as an unscored number
    (a score needs known ends). Answers are whole numbers.

Export (`definition_to_questionnaire`)
    Each section is a `group` (linkId = section id) and each item keeps its id
    as its `linkId`. A `scale` is a `choice` whose options are codings with
    code `str(value)`, display = the point's label and an `ordinalValue`
    extension: a coding keeps the labels a person reads (a `valueInteger`
    option has no label), and the import above reads it back as a scale. The
    `ordinalValue` of a scale or single-choice option is the score that answer
    gives, after reverse-keying; a FHIR `boolean` or `integer` has nowhere to
    carry a score, so reverse-keying of yes/no and number items (and of
    multiple-choice items, whose scores are per option) is not expressed.
    Hints and section descriptions are `display` child items (a hint carries
    the `itemControl` code `help`). Domains, bands, composites, needs,
    barriers and summaries have no FHIR equivalent and are not exported. A
    section `other` none of whose items scores is written as top-level items,
    the inverse of the import. Welsh text travels in the `translation`
    extension.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from caremap.instruments import ranges
from caremap.instruments.definition import Instrument, Item

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

OTHER_SECTION = "other"
OTHER_TITLE = "Other questions"
NO_LICENCE = "see source"

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ANSWER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
WHOLE_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)$")
ID_LENGTH = 80  # the schema's limit for ids
FHIR_ID_LENGTH = 64
CODE_LENGTH = 80

CHOICE = ("choice", "coding", "open-choice")
NUMBER = ("integer", "decimal")
TEXT = ("string", "text")
UNSUPPORTED = (
    "attachment",
    "reference",
    "quantity",
    "url",
    "time",
    "dateTime",
    "question",
)
RESPONSE_STATUSES = frozenset(
    {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
)


class FhirImportError(Exception):
    """A Questionnaire that cannot become an instrument. Each problem names
    the place in the resource (`item[2].item[0] (linkId q3)`) and what is
    wrong with it."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


# --- import -----------------------------------------------------------------


def questionnaire_to_definition(resource: dict) -> dict:
    """The Caremap instrument definition for a FHIR R4 Questionnaire (parsed
    JSON), or FhirImportError listing every problem. The result still goes
    through `validation.validate_definition` before it is installed."""
    if not isinstance(resource, dict):
        raise FhirImportError(["the resource must be a JSON object"])
    kind = resource.get("resourceType")
    if kind != "Questionnaire":
        raise FhirImportError(
            [
                f"resourceType: expected 'Questionnaire', got {kind!r}"
                if kind is not None
                else "resourceType: missing; expected 'Questionnaire'"
            ]
        )
    problems = _model_problems(resource)
    if problems:
        raise FhirImportError(problems)
    return _Importer(resource).run()


def _model_problems(resource: dict) -> list[str]:
    # Imported here: the R4B models take a moment to build, and only imports
    # and tests need them.
    from fhir.resources.R4B.questionnaire import Questionnaire

    try:
        Questionnaire.model_validate(resource)
    except ValidationError as error:
        return [
            f"{_where_in(resource, e['loc'])}: {_explain(e)}" for e in error.errors()
        ]
    return []


def _where_in(resource: dict, loc: tuple) -> str:
    """`item[2].item[0] (linkId q3)` for a pydantic error location."""
    path, node, link_id = "", resource, None
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
        if isinstance(node, dict) and not isinstance(part, int):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            link_id = node["linkId"]
    if not path:
        path = "Questionnaire"
    return f"{path} (linkId {link_id})" if link_id else path


def _explain(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "is not an element FHIR R4 defines here"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message


class _Importer:
    def __init__(self, resource: dict):
        self.resource = resource
        self.problems: list[str] = []
        self.link_ids: dict[str, str] = {}  # linkId -> where first used

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def run(self) -> dict:
        r = self.resource
        definition: dict[str, Any] = {}
        definition["id"] = self._id()
        version = r.get("version")
        if not isinstance(version, str) or not version.strip():
            self.problem(
                "version",
                "missing: give the Questionnaire a version (for example "
                '"1.0.0"); Caremap keeps each version of an instrument apart',
            )
        elif not VERSION.match(version) or len(version) > 40:
            self.problem(
                "version",
                f"{version!r} cannot be a Caremap version: use up to 40 letters, "
                "digits, '.', '+' and '-', starting with a letter or digit",
            )
        definition["version"] = version
        title = _text(r, "title") or _text(r, "name")
        if title is None:
            self.problem("title", "missing: give the Questionnaire a title or name")
        definition["title"] = title

        sections, domains, notes = [], [], []
        loose: list[dict] = []
        items = r.get("item") or []
        if not items:
            self.problem("item", "the Questionnaire has no items")
        section_ids: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"item[{index}]"
            kind = item.get("type")
            if item.get("readOnly"):
                continue
            if kind == "display":
                note = _text(item, "text")
                if note is not None:
                    notes.append(_en(note))
            elif kind == "group":
                result = self._group(item, path, section_ids)
                if result is not None:
                    section, domain = result
                    sections.append(section)
                    if domain is not None:
                        domains.append(domain)
            else:
                loose.extend(self._question(item, path, bool(item.get("enableWhen"))))
        if loose:
            other = OTHER_SECTION
            number = 1
            while other in section_ids:
                number += 1
                other = f"{OTHER_SECTION}-{number}"
            sections.append({"id": other, "title": OTHER_TITLE, "items": loose})
        if items and not sections and not self.problems:
            self.problem("item", "the Questionnaire has no questions to ask")

        description = "\n\n".join(
            part for part in [_en(_text(r, "description") or ""), *notes] if part
        )
        definition["licence"] = _plain(r.get("copyright")) or NO_LICENCE
        definition["citation"] = self._citation(title, version)
        if description:
            cy = _translation(r.get("_description"))
            definition["description"] = (
                {"en": description, "cy": cy} if cy and not notes else description
            )
        if self.problems:
            raise FhirImportError(self.problems)
        definition["domains"] = domains
        definition["sections"] = sections
        return definition

    def _id(self) -> str | None:
        r = self.resource
        for key in ("id", "name", "title"):
            value = r.get(key)
            if isinstance(value, str) and value.strip():
                slug = _slug(value)
                if slug:
                    return slug
                self.problem(
                    key,
                    f"{value!r} gives no usable instrument id (lower-case letters, "
                    "digits and hyphens)",
                )
                return None
        self.problem("id", "missing: the Questionnaire needs an id, name or title")
        return None

    def _citation(self, title: Any, version: Any) -> str:
        r = self.resource
        parts = [_plain(r.get("publisher")), _plain(r.get("url"))]
        parts = [p.rstrip(".") for p in parts if p]
        if parts:
            return ". ".join(parts)
        return f"{_en(title or '')}, version {version}".strip(", ")

    def _group(
        self, group: dict, path: str, section_ids: dict[str, str]
    ) -> tuple[dict, dict | None] | None:
        where = _label(path, group)
        if group.get("repeats"):
            self.problem(
                where,
                "a repeating group cannot be imported: Caremap asks each question once",
            )
            return None
        self._claim(group, where)
        section_id = _slug(group.get("linkId", ""))
        if not section_id:
            self.problem(where, "the linkId gives no usable section id")
            return None
        if section_id in section_ids:
            self.problem(
                where,
                f"gives the section id {section_id!r}, already used by "
                f"{section_ids[section_id]}",
            )
            return None
        section_ids[section_id] = where
        questions, notes = self._children(
            group.get("item") or [], path, bool(group.get("enableWhen"))
        )
        if not questions:
            # A group of display items only: nothing to answer.
            return None
        title = _text(group, "text") or group["linkId"]
        section: dict[str, Any] = {"id": section_id, "title": title}
        if notes:
            section["description"] = "\n\n".join(notes)
        section["items"] = questions
        scored = [item for item in questions if _scorable(item)]
        if not scored:
            return section, None
        for item in scored:
            item["domain"] = section_id
        # Many questionnaires mark nothing `required`. A sum over whatever
        # happens to be answered would read low rather than incomplete, so
        # then every scored question must be answered for a score.
        minimum = None
        if all(item.get("optional") for item in scored):
            minimum = len(scored)
        low, high = ranges.domain_range(
            "sum", [Item.from_dict(item) for item in scored], minimum
        )
        domain = {
            "id": section_id,
            "title": dict(title) if isinstance(title, dict) else title,
            "scoring": "sum",
            "range": [low, high],
        }
        if minimum is not None:
            domain["minimum_answered"] = minimum
        return section, domain

    def _children(
        self, children: list[dict], path: str, conditional: bool
    ) -> tuple[list[dict], list[str]]:
        """The questions under an item, nested groups flattened, and the
        texts of its display items."""
        questions: list[dict] = []
        notes: list[str] = []
        for index, child in enumerate(children):
            child_path = f"{path}.item[{index}]"
            if child.get("readOnly"):
                continue
            kind = child.get("type")
            if kind == "display":
                note = _text(child, "text")
                if note is not None:
                    notes.append(_en(note))
            elif kind == "group":
                where = _label(child_path, child)
                if child.get("repeats"):
                    self.problem(
                        where,
                        "a repeating group cannot be imported: Caremap asks each "
                        "question once",
                    )
                    continue
                self._claim(child, where)
                more, more_notes = self._children(
                    child.get("item") or [],
                    child_path,
                    conditional or bool(child.get("enableWhen")),
                )
                questions.extend(more)
                notes.extend(more_notes)
            else:
                questions.extend(
                    self._question(
                        child, child_path, conditional or bool(child.get("enableWhen"))
                    )
                )
        return questions, notes

    def _claim(self, item: dict, where: str) -> None:
        link_id = item.get("linkId")
        if link_id in self.link_ids:
            self.problem(
                where,
                f"the linkId {link_id!r} is also used by {self.link_ids[link_id]}",
            )
        else:
            self.link_ids[link_id] = where

    def _question(self, item: dict, path: str, conditional: bool) -> list[dict]:
        """The item as a Caremap item, followed by the questions nested
        under it (flattened)."""
        where = _label(path, item)
        kind = item.get("type")
        link_id = item.get("linkId", "")
        before = len(self.problems)
        self._claim(item, where)
        if not ANSWER_ID.match(link_id) or len(link_id) > ID_LENGTH:
            self.problem(
                where,
                f"the linkId {link_id!r} cannot be an answer id: use up to "
                f"{ID_LENGTH} letters, digits, '.', '_' and '-', starting with a "
                "letter or digit",
            )
        text = _text(item, "text")
        if text is None:
            self.problem(where, "the question has no text")
        if item.get("repeats") and kind not in CHOICE:
            self.problem(
                where,
                f"a repeating {kind} item cannot be imported: only choice items "
                "take more than one answer in Caremap",
            )
        out: dict[str, Any] = {"id": link_id, "type": None, "text": text}
        extra: dict[str, Any] = {}
        if kind == "boolean":
            out["type"] = "yes_no"
        elif kind in CHOICE:
            out["type"], extra = self._choice(item, where, path)
        elif kind in NUMBER:
            out["type"] = "number"
            extra = self._number(item, where)
        elif kind == "date":
            out["type"] = "date"
        elif kind in TEXT:
            out["type"] = "text"
            if isinstance(item.get("maxLength"), int) and item["maxLength"] >= 1:
                extra = {"max_length": item["maxLength"]}
        elif kind in UNSUPPORTED:
            self.problem(
                where,
                f"the item type {kind!r} is not supported (Caremap items are "
                "boolean, choice, integer, decimal, date, string and text)",
            )
        else:
            self.problem(where, f"unknown item type {kind!r}")
        questions, notes = self._children(item.get("item") or [], path, conditional)
        if notes:
            out["hint"] = "\n\n".join(notes)
        if not item.get("required") or conditional:
            out["optional"] = True
        out.update(extra)
        if len(self.problems) > before:
            return questions
        return [out, *questions]

    def _choice(self, item: dict, where: str, path: str) -> tuple[str, dict]:
        repeats = bool(item.get("repeats"))
        choice_type = "multiple_choice" if repeats else "single_choice"
        options = item.get("answerOption") or []
        if not options:
            if item.get("answerValueSet"):
                self.problem(
                    where,
                    "the options come from answerValueSet, which Caremap cannot "
                    "look up; list them as answerOption",
                )
            else:
                self.problem(where, "a choice item needs answerOption entries")
            return choice_type, {}
        kinds = {
            next((k for k in option if k.startswith("value")), None)
            for option in options
        }
        if len(kinds) > 1:
            self.problem(
                where,
                "the answerOptions mix "
                + ", ".join(sorted(str(k) for k in kinds))
                + "; use one kind",
            )
            return choice_type, {}
        kind = kinds.pop()
        if kind == "valueInteger":
            return self._integer_options(options, where, repeats)
        if kind not in ("valueCoding", "valueString"):
            self.problem(
                where,
                f"answerOption {kind} is not supported (use valueCoding, "
                "valueInteger or valueString)",
            )
            return choice_type, {}
        out = []
        seen: dict[str, int] = {}
        for index, option in enumerate(options):
            at = f"{path}.answerOption[{index}]"
            if kind == "valueCoding":
                coding = option["valueCoding"]
                code = coding.get("code")
                label = _text(coding, "display") or code
            else:
                coding = {}
                code = option["valueString"]
                label = _text(option, "valueString")
            if not isinstance(code, str) or not code.strip():
                self.problem(
                    _label(at, item),
                    "the option has no code: Caremap records the code as the answer",
                )
                continue
            if len(code) > CODE_LENGTH:
                self.problem(
                    _label(at, item),
                    f"the code is longer than {CODE_LENGTH} characters",
                )
                continue
            if code in seen:
                self.problem(
                    _label(at, item),
                    f"the code {code!r} is also used by answerOption[{seen[code]}]",
                )
                continue
            seen[code] = index
            entry: dict[str, Any] = {"code": code, "label": label}
            score = self._score(option, coding, _label(at, item))
            if score is not None:
                entry["score"] = score
            out.append(entry)
        if not repeats and len(out) >= 2 and all(_is_point(o) for o in out):
            points = [{"value": o["score"], "label": o["label"]} for o in out]
            return "scale", {"points": points}
        return choice_type, {"options": out}

    def _integer_options(
        self, options: list[dict], where: str, repeats: bool
    ) -> tuple[str, dict]:
        values = [option["valueInteger"] for option in options]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            self.problem(
                where,
                "the answerOption values "
                + ", ".join(str(v) for v in duplicates)
                + " appear more than once",
            )
            return "scale", {}
        if repeats or len(values) < 2:
            choice_type = "multiple_choice" if repeats else "single_choice"
            return choice_type, {
                "options": [
                    {"code": str(v), "label": str(v), "score": v} for v in values
                ]
            }
        return "scale", {"points": [{"value": v, "label": str(v)} for v in values]}

    def _score(self, option: dict, coding: dict, where: str) -> int | float | None:
        for holder in (option, coding):
            for extension in holder.get("extension") or []:
                if extension.get("url") not in (ORDINAL_VALUE, ITEM_WEIGHT):
                    continue
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, bool) or not isinstance(value, int | float):
                    self.problem(
                        where,
                        f"the {extension['url'].rsplit('/', 1)[-1]} extension needs "
                        "a valueDecimal",
                    )
                    return None
                return _number(value)
        return None

    def _number(self, item: dict, where: str) -> dict:
        bounds = {}
        for key, url in (("minimum", MIN_VALUE), ("maximum", MAX_VALUE)):
            for extension in item.get("extension") or []:
                if extension.get("url") == url:
                    value = extension.get("valueInteger", extension.get("valueDecimal"))
                    if (
                        isinstance(value, bool)
                        or not isinstance(value, int | float)
                        or value != int(value)
                    ):
                        self.problem(
                            where,
                            f"the {url.rsplit('/', 1)[-1]} extension must be a whole "
                            "number (valueInteger): Caremap number answers are whole "
                            "numbers",
                        )
                        return {}
                    bounds[key] = int(value)
        if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
            self.problem(
                where,
                f"minValue {bounds['minimum']} is greater than maxValue "
                f"{bounds['maximum']}",
            )
            return {}
        for extension in item.get("extension") or []:
            if extension.get("url") == UNIT and isinstance(
                extension.get("valueCoding"), dict
            ):
                coding = extension["valueCoding"]
                unit = _text(coding, "display") or _text(coding, "code")
                if unit is not None:
                    bounds["unit"] = unit
        return bounds


def _is_point(option: dict) -> bool:
    code, score = option["code"], option.get("score")
    return (
        bool(WHOLE_NUMBER.match(code)) and isinstance(score, int) and int(code) == score
    )


def _scorable(item: dict) -> bool:
    kind = item["type"]
    if kind in ("yes_no", "scale"):
        return True
    if kind == "number":
        return "minimum" in item and "maximum" in item
    if kind in ("single_choice", "multiple_choice"):
        return all("score" in option for option in item["options"])
    return False


def _label(path: str, item: dict) -> str:
    link_id = item.get("linkId")
    return f"{path} (linkId {link_id})" if link_id else path


def _text(element: dict, key: str) -> str | dict | None:
    """A Caremap text from a FHIR string element and its Welsh translation."""
    value = _plain(element.get(key))
    if not value:
        return None
    cy = _translation(element.get(f"_{key}"))
    return {"en": value, "cy": cy} if cy else value


def _translation(holder: Any, language: str = "cy") -> str | None:
    if not isinstance(holder, dict):
        return None
    for extension in holder.get("extension") or []:
        if extension.get("url") != TRANSLATION:
            continue
        parts = {
            part.get("url"): part
            for part in extension.get("extension") or []
            if isinstance(part, dict)
        }
        lang = (parts.get("lang") or {}).get("valueCode") or ""
        content = _plain((parts.get("content") or {}).get("valueString"))
        if content and (lang == language or lang.startswith(f"{language}-")):
            return content
    return None


def _plain(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _en(text: str | dict) -> str:
    return text if isinstance(text, str) else text["en"]


def _slug(value: str) -> str:
    """`DailyRoutineCheck`, `daily_routine check` -> `daily-routine-check`."""
    value = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", value)
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")
    return slug[:ID_LENGTH].rstrip("-")


def _number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- export -----------------------------------------------------------------


def definition_to_questionnaire(
    definition: dict, *, canonical_base: str = "urn:caremap:instrument:"
) -> dict:
    """A FHIR R4 Questionnaire for a valid instrument definition (see the
    module docstring for how each item type is written)."""
    instrument_id = definition["id"]
    q: dict[str, Any] = {"resourceType": "Questionnaire"}
    if len(instrument_id) <= FHIR_ID_LENGTH:
        q["id"] = instrument_id
    q["language"] = "en"
    q["url"] = canonical_base + instrument_id
    q["version"] = str(definition["version"])
    q["name"] = _pascal(instrument_id)
    _put_text(q, "title", definition["title"])
    q["status"] = "active"
    q["subjectType"] = ["Patient"]
    parts = [
        definition.get("description"),
        definition.get("notice"),
        definition.get("citation"),
    ]
    description = "\n\n".join(_en(p) for p in parts if p)
    if description:
        q["description"] = description
    q["copyright"] = definition["licence"]
    used = _all_ids(definition)
    items: list[dict] = []
    for link_id, section in _layout(definition):
        exported = [_export_item(item, used) for item in section["items"]]
        if link_id is None:
            items.extend(exported)
            continue
        group: dict[str, Any] = {"linkId": link_id}
        _put_text(group, "text", section["title"])
        group["type"] = "group"
        children = []
        if section.get("description"):
            note = {"linkId": _fresh(f"{link_id}.description", used)}
            _put_text(note, "text", section["description"])
            note["type"] = "display"
            children.append(note)
        group["item"] = children + exported
        items.append(group)
    q["item"] = items
    return q


def _layout(definition: dict) -> list[tuple[str | None, dict]]:
    """Each section with the linkId of its group, or None for the unscored
    `other` section, whose items stand at the top level."""
    item_ids = {i["id"] for s in definition["sections"] for i in s["items"]}
    layout = []
    for section in definition["sections"]:
        if section["id"] == OTHER_SECTION and not any(
            "domain" in item for item in section["items"]
        ):
            layout.append((None, section))
            continue
        link_id = section["id"]
        while link_id in item_ids:
            # linkIds are unique across a Questionnaire; item ids are the
            # answer keys, so the group gives way.
            link_id += "-section"
        layout.append((link_id, section))
    return layout


def _all_ids(definition: dict) -> set[str]:
    used = {section["id"] for section in definition["sections"]}
    used.update(i["id"] for s in definition["sections"] for i in s["items"])
    return used


def _fresh(base: str, used: set[str]) -> str:
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    used.add(candidate)
    return candidate


def _export_item(item: dict, used: set[str]) -> dict:
    parsed = Item.from_dict(item)
    out: dict[str, Any] = {}
    extensions: list[dict] = []
    out["linkId"] = item["id"]
    _put_text(out, "text", item["text"])
    kind = item["type"]
    if kind == "yes_no":
        out["type"] = "boolean"
    elif kind == "scale":
        out["type"] = "choice"
        out["answerOption"] = [
            _coding_option(str(p["value"]), p["label"], _effective(parsed, p["value"]))
            for p in item["points"]
        ]
    elif kind in ("single_choice", "multiple_choice"):
        out["type"] = "choice"
        if kind == "multiple_choice":
            out["repeats"] = True
        out["answerOption"] = [
            _coding_option(
                o["code"],
                o["label"],
                _effective(parsed, o["score"])
                if kind == "single_choice" and parsed.is_scorable
                else o.get("score"),
            )
            for o in item["options"]
        ]
    elif kind == "number":
        out["type"] = "integer"
        extensions.append({"url": MIN_VALUE, "valueInteger": item["minimum"]})
        extensions.append({"url": MAX_VALUE, "valueInteger": item["maximum"]})
        if item.get("unit"):
            extensions.append({"url": UNIT, "valueCoding": _coding_text(item["unit"])})
    elif kind == "date":
        out["type"] = "date"
    else:
        out["type"] = "text"
        if item.get("max_length"):
            out["maxLength"] = item["max_length"]
    out["required"] = not item.get("optional", False)
    if item.get("hint"):
        hint = {
            "extension": [
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]
                    },
                }
            ],
            "linkId": _fresh(f"{item['id']}.hint", used),
        }
        _put_text(hint, "text", item["hint"])
        hint["type"] = "display"
        out["item"] = [hint]
    if extensions:
        out = {"extension": extensions, **out}
    return out


def _effective(item: Item, value: int | float) -> int | float:
    """The score an answer gives, after reverse-keying."""
    if not item.reverse:
        return value
    low, high = item.score_range()
    return _number(low + high - value)


def _coding_option(code: str, label: Any, score: int | float | None) -> dict:
    option: dict[str, Any] = {}
    if score is not None:
        option["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": score}]
    option["valueCoding"] = {"code": code, **_coding_text(label)}
    return option


def _coding_text(text: Any) -> dict:
    coding: dict[str, Any] = {}
    _put_text(coding, "display", text)
    return coding


def _put_text(target: dict, key: str, text: str | dict) -> None:
    if isinstance(text, str):
        target[key] = text
        return
    target[key] = text["en"]
    if text.get("cy"):
        target[f"_{key}"] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": "cy"},
                        {"url": "content", "valueString": text["cy"]},
                    ],
                }
            ]
        }


def _pascal(instrument_id: str) -> str:
    """A FHIR `name` (starts with a capital, then letters, digits and _)."""
    name = "".join(part[:1].upper() + part[1:] for part in instrument_id.split("-"))
    return name if name[:1].isalpha() else f"Instrument{name}"


# --- QuestionnaireResponse --------------------------------------------------


def assessment_to_questionnaire_response(
    definition: dict,
    answers: dict,
    *,
    questionnaire_url: str,
    subject_reference: str | None = None,
    authored: str,
    status: str = "completed",
) -> dict:
    """A FHIR R4 QuestionnaireResponse for answers to the Questionnaire that
    `definition_to_questionnaire` writes: the same groups and linkIds, and
    answers typed to match (a scale answer is the coding of its point).

    `questionnaire_url` is the Questionnaire's canonical, ideally with its
    version (`urn:caremap:instrument:ID|1.0.0`). Unanswered items, and a
    multiple-choice item answered with no options, are left out. Raises
    ValueError when an answer does not fit its item.
    """
    if status not in RESPONSE_STATUSES:
        raise ValueError(
            f"status {status!r} is not one of {', '.join(sorted(RESPONSE_STATUSES))}"
        )
    instrument = Instrument.from_dict(definition)
    cleaned, problems = instrument.clean_answers(answers)
    if problems:
        raise ValueError("; ".join(problems))
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url,
        "status": status,
    }
    if subject_reference:
        response["subject"] = {"reference": subject_reference}
    response["authored"] = authored
    items: list[dict] = []
    for link_id, section in _layout(definition):
        answered = [
            _response_item(item, cleaned[item["id"]])
            for item in section["items"]
            if item["id"] in cleaned and cleaned[item["id"]] != []
        ]
        if not answered:
            continue
        if link_id is None:
            items.extend(answered)
        else:
            items.append(
                {"linkId": link_id, "text": _en(section["title"]), "item": answered}
            )
    if items:
        response["item"] = items
    return response


def _response_item(item: dict, answer: Any) -> dict:
    kind = item["type"]
    if kind == "yes_no":
        values = [{"valueBoolean": answer}]
    elif kind == "scale":
        point = next(p for p in item["points"] if p["value"] == answer)
        values = [
            {"valueCoding": {"code": str(answer), "display": _en(point["label"])}}
        ]
    elif kind == "number":
        values = [{"valueInteger": answer}]
    elif kind in ("single_choice", "multiple_choice"):
        labels = {o["code"]: _en(o["label"]) for o in item["options"]}
        codes = answer if kind == "multiple_choice" else [answer]
        values = [
            {"valueCoding": {"code": code, "display": labels[code]}} for code in codes
        ]
    elif kind == "date":
        values = [{"valueDate": answer}]
    else:
        values = [{"valueString": answer}]
    return {"linkId": item["id"], "text": _en(item["text"]), "answer": values}
