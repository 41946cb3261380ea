"""An instrument definition as typed, immutable objects.

`Instrument.from_dict` builds these from a dict that has already passed
`validation.validate_definition`; nothing here touches the database, so the
scoring engine, the CLI and the question pages all share one reading of a file.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SCORED_TYPES = frozenset(
    {"yes_no", "scale", "number", "single_choice", "multiple_choice"}
)
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})


@dataclass(frozen=True)
class Text:
    """Words a person reads, in English and optionally Welsh."""

    en: str
    cy: str = ""

    @classmethod
    def of(cls, value: Any) -> Text | None:
        if value is None:
            return None
        if isinstance(value, str):
            return cls(en=value)
        return cls(en=value["en"], cy=value.get("cy", ""))

    def get(self, language: str | None) -> str:
        if language and language.startswith("cy") and self.cy:
            return self.cy
        return self.en

    def __str__(self) -> str:
        # Imported lazily so the pure modules stay importable without Django.
        from django.utils.translation import get_language

        return self.get(get_language())

    def as_data(self) -> str | dict:
        return {"en": self.en, "cy": self.cy} if self.cy else self.en


@dataclass(frozen=True)
class Point:
    value: int
    label: Text


@dataclass(frozen=True)
class Option:
    code: str
    label: Text
    score: float | None = None


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    text: Text
    hint: Text | None = None
    summary: Text | None = None
    domain: str | None = None
    reverse: bool = False
    optional: bool = False
    barrier_at_least: float | None = None
    points: tuple[Point, ...] = ()
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unit: Text | None = None
    past_only: bool = False
    max_length: int | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Item:
        barrier = data.get("barrier", False)
        if barrier is True:
            barrier_at_least = 1e-9  # "above zero"
        elif isinstance(barrier, dict):
            barrier_at_least = barrier["at_least"]
        else:
            barrier_at_least = None
        return cls(
            id=data["id"],
            type=data["type"],
            text=Text.of(data["text"]),
            hint=Text.of(data.get("hint")),
            summary=Text.of(data.get("summary")),
            domain=data.get("domain"),
            reverse=data.get("reverse", False),
            optional=data.get("optional", False),
            barrier_at_least=barrier_at_least,
            points=tuple(
                Point(value=p["value"], label=Text.of(p["label"]))
                for p in data.get("points", ())
            ),
            options=tuple(
                Option(code=o["code"], label=Text.of(o["label"]), score=o.get("score"))
                for o in data.get("options", ())
            ),
            minimum=data.get("minimum"),
            maximum=data.get("maximum"),
            unit=Text.of(data.get("unit")),
            past_only=data.get("past_only", False),
            max_length=data.get("max_length"),
        )

    @property
    def is_barrier(self) -> bool:
        return self.barrier_at_least is not None

    @property
    def is_scorable(self) -> bool:
        if self.type not in SCORED_TYPES:
            return False
        if self.type in CHOICE_TYPES:
            return all(option.score is not None for option in self.options)
        if self.type == "number":
            # A count with no declared range (how many days?) is recorded,
            # not scored: a score needs known ends.
            return self.minimum is not None and self.maximum is not None
        return True

    def score_range(self) -> tuple[float, float]:
        """The lowest and highest score this item can give, after reverse-keying
        (which maps a range onto itself, so it never changes the bounds)."""
        if self.type == "yes_no":
            return (0, 1)
        if self.type == "scale":
            values = [p.value for p in self.points]
            return (min(values), max(values))
        if self.type == "number":
            return (self.minimum, self.maximum)
        scores = [o.score for o in self.options]
        if self.type == "single_choice":
            return (min(scores), max(scores))
        # Any subset of options may be chosen, including none.
        return (
            sum(s for s in scores if s < 0),
            sum(s for s in scores if s > 0),
        )

    def score(self, answer: Any) -> float:
        """The score of a cleaned answer (see `clean_answer`)."""
        if self.type == "yes_no":
            raw = 1 if answer else 0
        elif self.type in ("scale", "number"):
            raw = answer
        elif self.type == "single_choice":
            raw = self.option(answer).score
        else:
            raw = sum(self.option(code).score for code in answer)
        raw = _plain_number(raw)
        if self.reverse:
            low, high = self.score_range()
            return _plain_number(low + high - raw)
        return raw

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)

    def barrier_present(self, answer: Any) -> bool:
        return self.is_barrier and self.score(answer) >= self.barrier_at_least

    def clean_answer(self, value: Any) -> Any:
        """The answer in its canonical form, or AnswerError saying why not.

        Accepts what a JSON answers file holds (booleans, numbers, codes,
        lists of codes, strings, ISO dates) and what a form posts (strings).
        """
        if self.type == "yes_no":
            if isinstance(value, bool):
                return value
            if value in ("yes", "true"):
                return True
            if value in ("no", "false"):
                return False
            raise AnswerError("must be true or false")
        if self.type in ("scale", "number"):
            number = _whole_number(value)
            if self.type == "scale":
                allowed = [p.value for p in self.points]
                if number not in allowed:
                    raise AnswerError(
                        "must be one of " + ", ".join(str(v) for v in allowed)
                    )
            elif self.minimum is not None and number < self.minimum:
                raise AnswerError(f"must be {self.minimum} or more")
            elif self.maximum is not None and number > self.maximum:
                raise AnswerError(f"must be {self.maximum} or less")
            return number
        if self.type == "single_choice":
            if not isinstance(value, str):
                raise AnswerError("must be one option's code")
            self._check_codes([value])
            return value
        if self.type == "multiple_choice":
            if not isinstance(value, list) or not all(
                isinstance(code, str) for code in value
            ):
                raise AnswerError("must be a list of option codes")
            self._check_codes(value)
            # Canonical order is the instrument's, so answer order never matters.
            chosen = set(value)
            return [o.code for o in self.options if o.code in chosen]
        if self.type == "date":
            # fromisoformat also takes 20240501 and week dates; answers are
            # stored as written, so only the one form is accepted.
            if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
                raise AnswerError("must be a date written YYYY-MM-DD")
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                raise AnswerError("must be a real date written YYYY-MM-DD") from None
            if self.past_only and day > datetime.date.today():
                raise AnswerError("must be today or in the past")
            return value
        if not isinstance(value, str):
            raise AnswerError("must be text")
        if self.max_length and len(value) > self.max_length:
            raise AnswerError(f"must be at most {self.max_length} characters")
        return value

    def _check_codes(self, codes: list[str]) -> None:
        known = {o.code for o in self.options}
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise AnswerError(
                f"{', '.join(repr(c) for c in unknown)} is not one of the options "
                f"({', '.join(sorted(known))})"
            )


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    description: Text | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Band:
    band: str
    start: float
    end: float


@dataclass(frozen=True)
class Domain:
    id: str
    title: Text
    description: Text | None
    capital: str | None
    scoring: str
    minimum_answered: int | None
    range: tuple[float, float]
    strength: bool
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Term:
    kind: str  # "domain", "composite" or "count"
    ref: str
    weight: float = 1


@dataclass(frozen=True)
class Composite:
    id: str
    title: Text
    description: Text | None
    terms: tuple[Term, ...]
    range: tuple[float, float]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Need:
    id: str
    title: Text
    received: str
    wanted: str


# Scores and thresholds closer than this are the same number: a mean of 1/3
# meets a threshold a file writes as 0.333333333.
TOLERANCE = 1e-9


def band_for(bands: tuple[Band, ...], score: float | None) -> str | None:
    """The band a score falls in: `start <= score < end`, with the last band
    also holding its end."""
    if score is None:
        return None
    for index, band in enumerate(bands):
        last = index == len(bands) - 1
        above_start = score >= band.start - TOLERANCE
        below_end = (
            score <= band.end + TOLERANCE if last else score < band.end - TOLERANCE
        )
        if above_start and below_end:
            return band.band
    return None


def _bands(data: list | None) -> tuple[Band, ...]:
    return tuple(Band(b["band"], b["from"], b["to"]) for b in data or ())


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: Text
    description: Text | None
    notice: Text | None
    licence: str
    citation: str
    sections: tuple[Section, ...]
    domains: tuple[Domain, ...]
    composites: tuple[Composite, ...]
    needs: tuple[Need, ...]
    wellbeing: str | None
    items_by_id: dict[str, Item] = field(compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict) -> Instrument:
        sections = tuple(
            Section(
                id=s["id"],
                title=Text.of(s["title"]),
                description=Text.of(s.get("description")),
                items=tuple(Item.from_dict(i) for i in s["items"]),
            )
            for s in data["sections"]
        )
        return cls(
            id=data["id"],
            version=str(data["version"]),
            title=Text.of(data["title"]),
            description=Text.of(data.get("description")),
            notice=Text.of(data.get("notice")),
            licence=data["licence"],
            citation=data["citation"],
            sections=sections,
            domains=tuple(
                Domain(
                    id=d["id"],
                    title=Text.of(d["title"]),
                    description=Text.of(d.get("description")),
                    capital=d.get("capital"),
                    scoring=d["scoring"],
                    minimum_answered=d.get("minimum_answered"),
                    range=tuple(d["range"]),
                    strength=d.get("strength", False),
                    bands=_bands(d.get("bands")),
                )
                for d in data["domains"]
            ),
            composites=tuple(
                Composite(
                    id=c["id"],
                    title=Text.of(c["title"]),
                    description=Text.of(c.get("description")),
                    terms=tuple(_term(t) for t in c["terms"]),
                    range=tuple(c["range"]),
                    bands=_bands(c.get("bands")),
                )
                for c in data.get("composites", ())
            ),
            needs=tuple(
                Need(
                    id=n["id"],
                    title=Text.of(n["title"]),
                    received=n["received"],
                    wanted=n["wanted"],
                )
                for n in data.get("needs", ())
            ),
            wellbeing=data.get("wellbeing"),
            items_by_id={item.id: item for s in sections for item in s.items},
        )

    @property
    def items(self) -> list[Item]:
        return list(self.items_by_id.values())

    def domain(self, domain_id: str) -> Domain:
        return next(d for d in self.domains if d.id == domain_id)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def domain_items(self, domain_id: str) -> list[Item]:
        return [item for item in self.items if item.domain == domain_id]

    def clean_answers(self, raw: dict) -> tuple[dict, list[str]]:
        """Check a whole answers mapping (item id → answer).

        Returns the cleaned answers and a list of problems, each naming the
        item and saying what is wrong with its answer.
        """
        if not isinstance(raw, dict):
            return {}, ["the answers must be one object from item id to answer"]
        cleaned, problems = {}, []
        for item_id, value in raw.items():
            item = self.items_by_id.get(item_id)
            if item is None:
                problems.append(f"{item_id}: there is no item with this id")
                continue
            if value is None:
                continue
            try:
                cleaned[item_id] = item.clean_answer(value)
            except AnswerError as error:
                problems.append(f"{item_id}: {error}")
        return cleaned, problems


def _term(data: dict) -> Term:
    for kind in ("domain", "composite", "count"):
        if kind in data:
            return Term(kind=kind, ref=data[kind], weight=data.get("weight", 1))
    raise ValueError(data)


class AnswerError(ValueError):
    """An answer that does not fit its item."""


def _whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise AnswerError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise AnswerError("must be a whole number")


def _plain_number(value: float) -> float:
    """Whole numbers as int, so sums print as 4 rather than 4.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
