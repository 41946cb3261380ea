"""The exact range of scores a domain or composite can reach.

The validator compares these with the ranges a file declares, and the scoring
engine only scores a domain when every required item is answered and at least
`minimum_answered` items are, so the two agree: no score can fall outside a
range the validator accepted (this is property-tested).
"""

from __future__ import annotations

from collections.abc import Sequence

from caremap.instruments.definition import Item


def required_count(items: Sequence[Item], minimum: int | None) -> int:
    """How many answered items a domain needs before it has a score: the
    declared minimum (by default, all of its non-optional items), and never
    fewer than the non-optional ones or than one."""
    required = sum(1 for item in items if not item.optional)
    declared = required if minimum is None else minimum
    return max(declared, required, 1)


def domain_range(
    scoring: str, items: Sequence[Item], minimum: int | None
) -> tuple[float, float]:
    required = [i.score_range() for i in items if not i.optional]
    optional = [i.score_range() for i in items if i.optional]
    need = required_count(items, minimum)
    extra = max(0, need - len(required))
    if scoring == "sum":
        low = _extreme_sum([r[0] for r in required], [r[0] for r in optional], extra)
        high = -_extreme_sum(
            [-r[1] for r in required], [-r[1] for r in optional], extra
        )
    else:
        low = _extreme_mean([r[0] for r in required], [r[0] for r in optional], extra)
        high = -_extreme_mean(
            [-r[1] for r in required], [-r[1] for r in optional], extra
        )
    return (_tidy(low), _tidy(high))


def _extreme_sum(required: list[float], optional: list[float], extra: int) -> float:
    """The least sum: every required value, the `extra` smallest optional
    values, and any other optional values that would lower it further."""
    chosen = sorted(optional)
    must, rest = chosen[:extra], chosen[extra:]
    return sum(required) + sum(must) + sum(v for v in rest if v < 0)


def _extreme_mean(required: list[float], optional: list[float], extra: int) -> float:
    """The least mean: required values, then optional values smallest first,
    taken while they are compulsory or still pull the mean down."""
    values = list(required)
    for index, value in enumerate(sorted(optional)):
        if index < extra or (values and value < sum(values) / len(values)):
            values.append(value)
        else:
            break
    return sum(values) / len(values)


def weighted_sum_range(
    terms: Sequence[tuple[float, tuple[float, float]]],
) -> tuple[float, float]:
    low = high = 0.0
    for weight, (term_low, term_high) in terms:
        a, b = weight * term_low, weight * term_high
        low += min(a, b)
        high += max(a, b)
    return (_tidy(low), _tidy(high))


def _tidy(value: float) -> float:
    rounded = round(value, 9)
    return int(rounded) if float(rounded).is_integer() else rounded
