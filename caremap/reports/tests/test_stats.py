"""The Wilson interval: checked against published worked values and as
properties."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremap.reports.stats import Rate, wilson


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_matches_published_values(successes, trials, low, high):
    lower, upper = wilson(successes, trials)
    assert lower == pytest.approx(low, abs=5e-4)
    assert upper == pytest.approx(high, abs=5e-4)


def test_no_trials_has_no_rate_and_no_interval():
    assert wilson(0, 0) is None
    assert Rate(0, 0).value is None and Rate(0, 0).interval is None


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 3), (4, 3)])
def test_impossible_rates_are_refused(numerator, denominator):
    with pytest.raises(ValueError, match="numerator"):
        Rate(numerator, denominator)


@given(
    st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
)
def test_the_interval_holds_the_share_and_stays_within_0_and_1(case):
    successes, trials = case
    low, high = wilson(successes, trials)
    share = successes / trials
    assert 0.0 <= low <= share <= high <= 1.0
    assert not math.isnan(low) and not math.isnan(high)


@given(st.integers(1, 1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_is_symmetric_under_swapping_success_and_failure(case):
    successes, trials = case
    low, high = wilson(successes, trials)
    other_low, other_high = wilson(trials - successes, trials)
    assert low == pytest.approx(1 - other_high, abs=1e-12)
    assert high == pytest.approx(1 - other_low, abs=1e-12)
