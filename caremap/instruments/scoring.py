"""The scoring engine: an instrument and a person's answers in, a profile out.

Pure computation, no database: the same function scores a submitted
assessment, rescoring checks and `caremap instrument score`. Answers must
already be cleaned (`Instrument.clean_answers`). A domain is scored only when
all its required items and at least its minimum number of items are answered;
otherwise it is reported incomplete, never scored low.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from caremap.instruments.definition import Instrument, band_for
from caremap.instruments.ranges import required_count


@dataclass(frozen=True)
class DomainResult:
    score: float | None
    band: str | None
    answered: int
    expected: int
    complete: bool
    range: tuple[float, float]


@dataclass(frozen=True)
class CompositeResult:
    score: float | None
    band: str | None
    complete: bool
    range: tuple[float, float]


@dataclass(frozen=True)
class Wellbeing:
    domain: str
    score: float | None
    percentage: int | None


@dataclass(frozen=True)
class Result:
    instrument_id: str
    version: str
    domains: dict[str, DomainResult]
    composites: dict[str, CompositeResult]
    wellbeing: Wellbeing | None
    strengths: list[str]
    barriers: list[str]
    unmet_needs: list[str]

    def as_json(self) -> dict:
        """The stored and printed form (see docs/instruments.md, Scores)."""
        return {
            "instrument": {"id": self.instrument_id, "version": self.version},
            "domains": {k: _plain(asdict(v)) for k, v in self.domains.items()},
            "composites": {k: _plain(asdict(v)) for k, v in self.composites.items()},
            "wellbeing": asdict(self.wellbeing) if self.wellbeing else None,
            "strengths": list(self.strengths),
            "barriers": list(self.barriers),
            "unmet_needs": list(self.unmet_needs),
        }


def score(instrument: Instrument, answers: dict) -> Result:
    domains = {
        domain.id: _score_domain(instrument, domain, answers)
        for domain in instrument.domains
    }
    strengths = [
        d.id for d in instrument.domains if d.strength and domains[d.id].band == "green"
    ]
    barriers = [
        item.id
        for item in instrument.items
        if item.is_barrier
        and item.id in answers
        and item.barrier_present(answers[item.id])
    ]
    unmet_needs = [
        need.id
        for need in instrument.needs
        if answers.get(need.wanted) is True and answers.get(need.received) is not True
    ]
    counts = {
        "barriers": len(barriers),
        "unmet_needs": len(unmet_needs),
        "strengths": len(strengths),
    }
    composites: dict[str, CompositeResult] = {}
    for composite in instrument.composites:
        total, complete = 0.0, True
        for term in composite.terms:
            if term.kind == "count":
                value = counts[term.ref]
            else:
                source = domains if term.kind == "domain" else composites
                value = source[term.ref].score
            if value is None:
                complete = False
                break
            total += term.weight * value
        value = _round(total) if complete else None
        composites[composite.id] = CompositeResult(
            score=value,
            band=band_for(composite.bands, value),
            complete=complete,
            range=composite.range,
        )
    return Result(
        instrument_id=instrument.id,
        version=instrument.version,
        domains=domains,
        composites=composites,
        wellbeing=_wellbeing(instrument, domains),
        strengths=strengths,
        barriers=barriers,
        unmet_needs=unmet_needs,
    )


def _score_domain(instrument, domain, answers) -> DomainResult:
    items = [i for i in instrument.domain_items(domain.id) if i.is_scorable]
    answered = [i for i in items if i.id in answers]
    required_answered = all(i.id in answers for i in items if not i.optional)
    complete = required_answered and len(answered) >= required_count(
        items, domain.minimum_answered
    )
    value = None
    if complete:
        total = sum(i.score(answers[i.id]) for i in answered)
        value = _round(total if domain.scoring == "sum" else total / len(answered))
    return DomainResult(
        score=value,
        band=band_for(domain.bands, value),
        answered=len(answered),
        expected=len(items),
        complete=complete,
        range=domain.range,
    )


def _wellbeing(instrument, domains) -> Wellbeing | None:
    if not instrument.wellbeing:
        return None
    result = domains[instrument.wellbeing]
    low, high = result.range
    percentage = None
    if result.score is not None and high > low:
        # Halves round up, as people expect (62.5% reads as 63%).
        percentage = math.floor((result.score - low) / (high - low) * 100 + 0.5)
    return Wellbeing(
        domain=instrument.wellbeing, score=result.score, percentage=percentage
    )


def _round(value: float) -> float:
    """A value within float noise of a whole number becomes that whole number
    (so sums print as 4, not 4.0 or 3.9999999999); anything else is kept
    exact, so rounding can never move a score out of its range or band.
    Pages round for display."""
    nearest = round(value)
    if abs(value - nearest) <= 1e-9:
        return int(nearest)
    return value


def _plain(data: dict) -> dict:
    data["range"] = list(data["range"])
    return data
