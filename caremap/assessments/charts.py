"""Geometry for the score-profile charts (no database, no templates).

The charts are laid out as an HTML/CSS grid: the domain label and the printed
value are HTML text, and only the mark for each row is a small inline SVG.
Everything here is in percent of a row's track (0 = the left end of the scale,
100 = the right end), so the templates can write the numbers straight into SVG
attributes such as ``x="12.5%"``. The Content-Security-Policy forbids inline
``style=`` attributes, which is why the geometry never goes into CSS.

Scales are fixed from ``low`` to ``high`` and never truncated. Bars grow from
zero when zero is inside the scale (totals that can be negative), otherwise
from the end of the scale nearest to zero. A value outside the scale is drawn
at the end of the scale and flagged as ``clamped`` so the template can say so;
the printed value (supplied by the caller) is the real one.

Colour never carries meaning alone: the caller prints the band word beside
every bar, and each band also has its own fill pattern (red hatched, amber
dotted, green solid).

Use::

    chart = bar_chart(rows, title=..., description=...)
    {% include "assessments/charts/bar_chart.html" with chart=chart %}
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from dataclasses import dataclass
from functools import cached_property

# Mark colours, also written as SVG presentation attributes so the PDF
# renderer (which does not apply the page's stylesheet inside SVG) draws the
# same chart. Each has at least 3:1 contrast against white (WCAG 1.4.11):
# red 5.2:1, amber 4.8:1, green 5.4:1, brand 7.8:1, text 19.6:1.
BAND_COLOURS = {
    "red": "#ca3535",
    "amber": "#b35a00",
    "green": "#0f7a52",
}
UNBANDED_COLOUR = "#1d5c4d"
MARK_COLOUR = "#0b0c0c"
TRACK_COLOUR = "#f3f2f1"
GRID_COLOUR = "#b1b4b6"

# Bands drawn with a <pattern> fill; green (and unbanded) bars are solid.
PATTERNED_BANDS = frozenset({"red", "amber"})

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_chart_numbers = itertools.count(1)

# Geometry is rounded so the HTML stays short; 0.001% of a track is far
# below a pixel.
_DECIMALS = 3


@dataclass(frozen=True)
class ChartRow:
    """One domain in a score profile, as given by the caller.

    ``value`` None means the domain could not be scored; ``value_label`` then
    carries the words to print instead (for example "Not enough answers").
    ``band`` is "red", "amber", "green" or None; ``band_label`` is the
    translated band word printed beside the value.
    """

    label: str
    value: float | None
    low: float
    high: float
    band: str | None
    band_label: str
    value_label: str


@dataclass(frozen=True)
class ChangeRow:
    """One domain compared between two assessments, as given by the caller.

    ``change_label`` is the printed text, for example "3 → 5 (up 2)".
    """

    label: str
    earlier: float | None
    later: float | None
    low: float
    high: float
    change_label: str


@dataclass(frozen=True)
class Tick:
    value: float | int
    x: float

    @property
    def anchor(self):
        """SVG text-anchor that keeps the tick's label inside the track."""
        if self.x <= 0:
            return "start"
        if self.x >= 100:
            return "end"
        return "middle"


@dataclass(frozen=True)
class Scale:
    low: float
    high: float

    def __post_init__(self):
        for name in ("low", "high"):
            object.__setattr__(self, name, _number(getattr(self, name), name))
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")

    def position(self, value):
        """Where ``value`` sits on the track, in percent, clamped to 0..100."""
        fraction = (value - self.low) / (self.high - self.low)
        return _round(min(max(fraction, 0.0), 1.0) * 100)

    def clamp(self, value):
        """``value`` limited to the scale, and which end it was cut at."""
        if value < self.low:
            return self.low, "low"
        if value > self.high:
            return self.high, "high"
        return value, None

    @property
    def display_low(self):
        """``low`` for printing: 0 rather than 0.0."""
        return _tidy(self.low)

    @property
    def display_high(self):
        return _tidy(self.high)

    @property
    def baseline(self):
        """The value bars grow from: zero, or the end of the scale nearest it."""
        return min(max(0, self.low), self.high)

    @property
    def baseline_x(self):
        return self.position(self.baseline)

    @property
    def has_zero_line(self):
        """True when zero is strictly inside the scale (negatives possible)."""
        return self.low < 0 < self.high

    @cached_property
    def ticks(self):
        """Gridline positions: every whole number on short whole-number
        scales (such as 0 to 5), otherwise the two ends and zero."""
        low, high = self.low, self.high
        if float(low).is_integer() and float(high).is_integer() and high - low <= 10:
            values = range(int(low), int(high) + 1)
        else:
            values = sorted(
                {_tidy(low), _tidy(high)} | ({0} if self.has_zero_line else set())
            )
        return tuple(
            Tick(value=_tidy(value), x=self.position(value)) for value in values
        )


@dataclass(frozen=True)
class BarChartRow:
    label: str
    value: float | None
    value_label: str
    band: str | None
    band_label: str
    scale: Scale
    bar_x: float | None
    bar_width: float | None
    clamped: str | None
    colour: str
    pattern_id: str | None

    @property
    def scored(self):
        return self.value is not None

    @property
    def patterned(self):
        return self.pattern_id is not None


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    rows: tuple[BarChartRow, ...]
    scale: Scale | None  # set when every row shares one scale (draws an axis)

    @property
    def any_clamped(self):
        return any(row.clamped for row in self.rows)


@dataclass(frozen=True)
class DumbbellChartRow:
    label: str
    earlier: float | None
    later: float | None
    change_label: str
    scale: Scale
    earlier_x: float | None
    later_x: float | None
    earlier_clamped: str | None
    later_clamped: str | None

    @property
    def has_line(self):
        return self.earlier_x is not None and self.later_x is not None

    @property
    def line_x1(self):
        return min(self.earlier_x, self.later_x) if self.has_line else None

    @property
    def line_x2(self):
        return max(self.earlier_x, self.later_x) if self.has_line else None

    @property
    def clamped(self):
        return bool(self.earlier_clamped or self.later_clamped)

    @property
    def scored(self):
        return self.earlier is not None or self.later is not None


@dataclass(frozen=True)
class DumbbellChart:
    id: str
    title: str
    description: str
    earlier_label: str
    later_label: str
    rows: tuple[DumbbellChartRow, ...]
    scale: Scale | None

    @property
    def any_clamped(self):
        return any(row.clamped for row in self.rows)


def bar_chart(rows, *, title, description="", chart_id=None):
    """Lay out one bar per row on the row's fixed scale.

    ``chart_id`` (default: a fresh id per call) prefixes every id the template
    writes, so two charts on one page never share a pattern id.
    """
    chart_id = _chart_id(chart_id)
    laid_out = []
    for index, row in enumerate(rows, start=1):
        scale = Scale(row.low, row.high)
        if row.band is not None and row.band not in BAND_COLOURS:
            raise ValueError(f"unknown band {row.band!r} for {row.label!r}")
        value = _optional_number(row.value, row.label)
        bar_x = bar_width = clamped = None
        if value is not None:
            clamped = scale.clamp(value)[1]
            start, end = sorted((scale.baseline_x, scale.position(value)))
            bar_x, bar_width = start, _round(end - start)
        patterned = value is not None and row.band in PATTERNED_BANDS
        laid_out.append(
            BarChartRow(
                label=row.label,
                value=value,
                value_label=row.value_label,
                band=row.band,
                band_label=row.band_label,
                scale=scale,
                bar_x=bar_x,
                bar_width=bar_width,
                clamped=clamped,
                colour=BAND_COLOURS.get(row.band, UNBANDED_COLOUR),
                pattern_id=f"{chart_id}-bar{index}-{row.band}" if patterned else None,
            )
        )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        rows=tuple(laid_out),
        scale=_shared_scale(laid_out),
    )


def dumbbell_chart(
    rows, *, title, description="", earlier_label, later_label, chart_id=None
):
    """Lay out an earlier (hollow circle) and later (filled square) mark per
    row, joined by a line, on the row's fixed scale."""
    chart_id = _chart_id(chart_id)
    laid_out = []
    for row in rows:
        scale = Scale(row.low, row.high)
        earlier = _optional_number(row.earlier, row.label)
        later = _optional_number(row.later, row.label)
        laid_out.append(
            DumbbellChartRow(
                label=row.label,
                earlier=earlier,
                later=later,
                change_label=row.change_label,
                scale=scale,
                earlier_x=None if earlier is None else scale.position(earlier),
                later_x=None if later is None else scale.position(later),
                earlier_clamped=None if earlier is None else scale.clamp(earlier)[1],
                later_clamped=None if later is None else scale.clamp(later)[1],
            )
        )
    return DumbbellChart(
        id=chart_id,
        title=title,
        description=description,
        earlier_label=earlier_label,
        later_label=later_label,
        rows=tuple(laid_out),
        scale=_shared_scale(laid_out),
    )


def _chart_id(chart_id):
    if chart_id is None:
        return f"app-chart-{next(_chart_numbers)}"
    if not _ID_RE.match(chart_id):
        raise ValueError(f"chart_id {chart_id!r} is not a usable HTML id")
    return chart_id


def _shared_scale(rows):
    scales = {row.scale for row in rows}
    return scales.pop() if len(scales) == 1 else None


def _number(value, what):
    """``value`` as a float; ints, floats, Decimals and Fractions are accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        raise ValueError(f"{what} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be a real number, not {value!r}") from error
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def _optional_number(value, label):
    return None if value is None else _number(value, f"the value for {label!r}")


def _round(number):
    # + 0.0 turns -0.0 into 0.0.
    return round(number, _DECIMALS) + 0.0


def _tidy(number):
    """Whole numbers as int, so a tick prints as "5" rather than "5.0"."""
    return int(number) if float(number).is_integer() else number
