"""Checking a goal-template file, with problems a person can act on.

Like the instrument validator: the JSON Schema settles the shape, then the
checks here compare the templates with the instrument they are written for
(do the domains, bands, barrier items and needs they name exist?) and with
the directory's vocabulary. Every problem names the file, the place inside
it and what is wrong.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema

from caremap.careplans.goals import TemplatePack
from caremap.instruments.definition import Instrument
from caremap.instruments.validation import Problem, explain, path_text, read_yaml

# The directory's listing kinds, repeated here so this module needs no
# database; a test keeps the two lists the same.
LISTING_KINDS = (
    "mutual-aid",
    "peer-led",
    "treatment",
    "housing",
    "employment",
    "health",
    "legal-money",
    "family",
    "domestic-abuse",
    "other",
)
MINIMUM_PER_DOMAIN = 3


class InvalidTemplates(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@cache
def schema() -> dict:
    text = (
        resources.files("caremap.careplans")
        .joinpath("schema/goal-templates.schema.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def read_file(path: Path) -> tuple[dict | None, list[Problem]]:
    return read_yaml(path)


def validate(data: dict, source: str, instrument: Instrument | None) -> list[Problem]:
    """Every problem with a template pack; an empty list means it is valid.
    Without the instrument (not installed), only the shape is checked, and
    the missing instrument is itself a problem."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [
        Problem(source, path_text(error.absolute_path), explain(error))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    ]
    if problems:
        return problems
    if instrument is None:
        return [
            Problem(
                source,
                "instrument",
                f"instrument {data['instrument']!r} is not installed; import it "
                "first (caremap instrument import)",
            )
        ]
    if instrument.id != data["instrument"]:
        return [
            Problem(
                source,
                "instrument",
                f"is {data['instrument']!r} but the templates were checked "
                f"against {instrument.id!r}",
            )
        ]
    return _Checker(data, source, instrument).run()


def load(data: dict, source: str, instrument: Instrument | None) -> TemplatePack:
    problems = validate(data, source, instrument)
    if problems:
        raise InvalidTemplates(problems)
    return TemplatePack.from_dict(data)


class _Checker:
    def __init__(self, data, source, instrument):
        self.data = data
        self.source = source
        self.instrument = instrument
        self.problems: list[Problem] = []
        self.domains = {d.id: d for d in instrument.domains}
        self.capital_domains = {d.id for d in instrument.domains if d.capital}
        self.barriers = {i.id for i in instrument.items if i.is_barrier}
        self.needs = {n.id for n in instrument.needs}

    def problem(self, path, message):
        self.problems.append(Problem(self.source, path, message))

    def run(self) -> list[Problem]:
        seen: dict[str, int] = {}
        for index, template in enumerate(self.data["templates"]):
            where = f"templates[{index}]"
            if template["id"] in seen:
                self.problem(
                    f"{where}.id",
                    f"{template['id']!r} is already used by templates[{seen[template['id']]}]",
                )
            seen.setdefault(template["id"], index)
            self.check_template(template, where)
        return self.problems

    def check_template(self, template, where):
        domain = template.get("domain")
        if domain is not None and domain not in self.capital_domains:
            self.problem(f"{where}.domain", self.unknown_domain(domain))
        for number, trigger in enumerate(template["triggers"]):
            self.check_trigger(trigger, f"{where}.triggers[{number}]")
        links = template.get("directory", {})
        for number, need in enumerate(links.get("needs", [])):
            if need not in self.needs:
                self.problem(
                    f"{where}.directory.needs[{number}]", self.unknown_need(need)
                )
        for number, value in enumerate(links.get("domains", [])):
            if value not in self.capital_domains:
                self.problem(
                    f"{where}.directory.domains[{number}]", self.unknown_domain(value)
                )
        for number, kind in enumerate(links.get("kinds", [])):
            if kind not in LISTING_KINDS:
                self.problem(
                    f"{where}.directory.kinds[{number}]",
                    f"unknown kind of service {kind!r} (expected one of: "
                    f"{', '.join(LISTING_KINDS)})",
                )

    def check_trigger(self, trigger, where):
        if "domain" in trigger:
            domain = self.domains.get(trigger["domain"])
            if domain is None:
                self.problem(f"{where}.domain", self.unknown_domain(trigger["domain"]))
                return
            bands = {band.band for band in domain.bands}
            for number, band in enumerate(trigger["bands"]):
                if band not in bands:
                    self.problem(
                        f"{where}.bands[{number}]",
                        f"domain {domain.id!r} has no {band} band (it has: "
                        f"{', '.join(sorted(bands)) or 'none'})",
                    )
        elif "barrier" in trigger and trigger["barrier"] not in self.barriers:
            self.problem(
                f"{where}.barrier",
                f"{trigger['barrier']!r} is not a barrier item of "
                f"{self.instrument.id} (barrier items: "
                f"{', '.join(sorted(self.barriers)) or 'none'})",
            )
        elif "need" in trigger and trigger["need"] not in self.needs:
            self.problem(f"{where}.need", self.unknown_need(trigger["need"]))

    def unknown_domain(self, domain):
        return (
            f"{domain!r} is not a recovery-capital domain of {self.instrument.id} "
            f"(domains: {', '.join(sorted(self.capital_domains))})"
        )

    def unknown_need(self, need):
        return (
            f"{need!r} is not a need of {self.instrument.id} "
            f"(needs: {', '.join(sorted(self.needs))})"
        )


def coverage_gaps(pack: TemplatePack, instrument: Instrument) -> list[str]:
    """What a complete pack for `instrument` still lacks: at least three
    templates per recovery-capital domain, and one for each barrier item and
    each kind of unmet need."""
    per_domain = {d.id: 0 for d in instrument.domains if d.capital}
    barriers = {i.id: 0 for i in instrument.items if i.is_barrier}
    needs = {n.id: 0 for n in instrument.needs}
    for template in pack.templates:
        built = template.domain or next(
            (t.domain for t in template.triggers if t.domain), None
        )
        if built in per_domain:
            per_domain[built] += 1
        for trigger in template.triggers:
            if trigger.barrier in barriers:
                barriers[trigger.barrier] += 1
            if trigger.need in needs:
                needs[trigger.need] += 1
    gaps = [
        f"domain {domain!r} has {count} templates (at least {MINIMUM_PER_DOMAIN} wanted)"
        for domain, count in per_domain.items()
        if count < MINIMUM_PER_DOMAIN
    ]
    gaps += [f"barrier {b!r} has no template" for b, n in barriers.items() if not n]
    gaps += [f"need {need!r} has no template" for need, n in needs.items() if not n]
    return gaps
