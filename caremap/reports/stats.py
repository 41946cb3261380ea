"""The statistics the measures report with. Pure: numbers in, numbers out.

Every rate comes with a 95% Wilson score interval, which behaves at the
small counts and extreme rates services see (0 of 3, 12 of 12) where the
usual normal approximation gives nonsense such as intervals below zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    def __post_init__(self):
        if not 0 <= self.numerator <= self.denominator:
            raise ValueError(
                f"a rate needs 0 <= numerator <= denominator, not "
                f"{self.numerator} of {self.denominator}"
            )

    @property
    def value(self) -> float | None:
        """The share, or None when there is nobody to share among."""
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.numerator, self.denominator)


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for `successes` of `trials`, or None for no
    trials."""
    if trials == 0:
        return None
    share = successes / trials
    z2 = z * z
    centre = (share + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (
        z
        * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials))
        / (1 + z2 / trials)
    )
    # At the extremes the bound is exact; rounding would leave it a hair off.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


# Two-sided 95% critical values of Student's t for 1 to 30 degrees of
# freedom; beyond 30 the normal value is within 2% and is used instead.
T_95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_95(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("a t interval needs at least one degree of freedom")
    if degrees_of_freedom <= len(T_95):
        return T_95[degrees_of_freedom - 1]
    return Z_95


def mean_interval(
    mean: float, spread: float | None, n: int
) -> tuple[float, float] | None:
    """The 95% interval of a mean from `n` values with standard deviation
    `spread` (Student's t), or None when there are fewer than two values."""
    if n < 2 or spread is None:
        return None
    half = t_95(n - 1) * spread / math.sqrt(n)
    return mean - half, mean + half
