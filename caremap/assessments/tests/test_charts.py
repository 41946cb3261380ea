import math
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from caremap.assessments.charts import (
    ChangeRow,
    ChartRow,
    Scale,
    bar_chart,
    dumbbell_chart,
)

# Geometry is rounded to 0.001 % of the track.
EPSILON = 1e-6

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
bands = st.sampled_from(["red", "amber", "green", None])


@st.composite
def scales(draw):
    low = draw(finite)
    high = draw(finite)
    assume(high - low > 1e-3)
    return low, high


def row(value, low=0, high=5, band="green", label="Housing"):
    return ChartRow(
        label=label,
        value=value,
        low=low,
        high=high,
        band=band,
        band_label=(band or "").title(),
        value_label="Not enough answers" if value is None else f"{value} of {high}",
    )


def only_row(chart):
    (laid_out,) = chart.rows
    return laid_out


# --- Bar geometry -----------------------------------------------------------


@given(scales(), finite, bands)
def test_every_bar_lies_inside_the_track(bounds, value, band):
    low, high = bounds
    bar = only_row(bar_chart([row(value, low, high, band)], title="T"))
    assert bar.bar_width >= 0
    assert 0 <= bar.bar_x <= 100
    assert bar.bar_x + bar.bar_width <= 100 + EPSILON


@given(scales(), finite)
def test_bars_grow_from_zero_or_the_end_of_the_scale_nearest_zero(bounds, value):
    low, high = bounds
    bar = only_row(bar_chart([row(value, low, high)], title="T"))
    baseline_x = bar.scale.baseline_x
    if low >= 0:
        assert baseline_x == 0
    elif high <= 0:
        assert baseline_x == 100
    else:
        assert 0 <= baseline_x <= 100
        assert math.isclose(baseline_x, -low / (high - low) * 100, abs_tol=1e-3)
    # One end of the bar is always on the baseline.
    ends = (bar.bar_x, bar.bar_x + bar.bar_width)
    assert min(abs(end - baseline_x) for end in ends) <= EPSILON


@given(scales(), finite)
def test_values_outside_the_scale_are_clamped_and_flagged(bounds, value):
    low, high = bounds
    bar = only_row(bar_chart([row(value, low, high)], title="T"))
    if value > high:
        assert bar.clamped == "high"
    elif value < low:
        assert bar.clamped == "low"
    else:
        assert bar.clamped is None
    # The value as given is kept: the printed label is the real value.
    assert bar.value == value


def test_a_score_on_a_zero_to_five_scale():
    bar = only_row(bar_chart([row(4)], title="T"))
    assert (bar.bar_x, bar.bar_width) == (0, 80)
    assert not bar.scale.has_zero_line


def test_negative_totals_grow_left_from_the_zero_line():
    chart = bar_chart([row(-6, -10, 10, "red"), row(4, -10, 10)], title="T")
    negative, positive = chart.rows
    assert negative.scale.has_zero_line
    assert negative.scale.baseline_x == 50
    assert (negative.bar_x, negative.bar_width) == (20, 30)
    assert (positive.bar_x, positive.bar_width) == (50, 20)


def test_a_scale_entirely_below_zero_grows_from_its_top():
    bar = only_row(bar_chart([row(-3, -5, 0)], title="T"))
    assert bar.scale.baseline_x == 100
    assert not bar.scale.has_zero_line
    assert (bar.bar_x, bar.bar_width) == (40, 60)


def test_values_beyond_the_scale_are_drawn_to_its_end():
    over, under = bar_chart([row(7), row(-2)], title="T").rows
    assert (over.bar_x, over.bar_width, over.clamped) == (0, 100, "high")
    assert (under.bar_x, under.bar_width, under.clamped) == (0, 0, "low")


@given(scales(), bands)
def test_unscored_rows_have_no_bar(bounds, band):
    low, high = bounds
    bar = only_row(bar_chart([row(None, low, high, band)], title="T"))
    assert not bar.scored
    assert bar.bar_x is None and bar.bar_width is None
    assert bar.pattern_id is None
    assert bar.clamped is None


def test_red_and_amber_bars_are_patterned_and_green_bars_solid():
    chart = bar_chart(
        [
            row(1, band="red"),
            row(2, band="amber"),
            row(3, band="green"),
            row(3, band=None),
        ],
        title="T",
    )
    assert [bar.patterned for bar in chart.rows] == [True, True, False, False]


def test_numbers_of_any_kind_are_accepted():
    bar = only_row(bar_chart([row(Decimal("2.5"), Decimal(0), Decimal(5))], title="T"))
    assert (bar.bar_x, bar.bar_width) == (0, 50)


@pytest.mark.parametrize(
    ("low", "high", "value"),
    [
        (5, 5, 1),
        (5, 0, 1),
        (0, math.inf, 1),
        (0, 5, math.nan),
        (0, 5, math.inf),
        (0, 5, True),
        (0, 5, "3"),
    ],
)
def test_unusable_numbers_are_refused(low, high, value):
    with pytest.raises(ValueError):
        bar_chart([row(value, low, high)], title="T")


def test_unknown_bands_are_refused():
    with pytest.raises(ValueError, match="band"):
        bar_chart([row(3, band="blue")], title="T")


def test_chart_ids_must_be_usable_as_html_ids():
    with pytest.raises(ValueError):
        bar_chart([row(3)], title="T", chart_id='x" onload="alert(1)')


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 5, [0, 1, 2, 3, 4, 5]),
        (-10, 10, [-10, 0, 10]),
        (0, 100, [0, 100]),
        (0, 2.5, [0, 2.5]),
    ],
)
def test_gridlines(low, high, ticks):
    scale = Scale(low, high)
    assert [tick.value for tick in scale.ticks] == ticks
    assert scale.ticks[0].x == 0 and scale.ticks[-1].x == 100


def test_an_axis_is_drawn_only_when_every_row_shares_one_scale():
    assert bar_chart([row(1), row(2)], title="T").scale == Scale(0, 5)
    assert bar_chart([row(1), row(2, -5, 5)], title="T").scale is None


def test_every_chart_gets_its_own_id():
    assert bar_chart([row(1)], title="T").id != bar_chart([row(1)], title="T").id


# --- Dumbbell geometry ------------------------------------------------------


def change(earlier, later, low=0, high=5, label="Housing"):
    return ChangeRow(
        label=label,
        earlier=earlier,
        later=later,
        low=low,
        high=high,
        change_label=f"{earlier} → {later}",
    )


def dumbbell(*rows, **kwargs):
    return dumbbell_chart(
        rows,
        title="Change",
        earlier_label="12 March 2026",
        later_label="20 November 2026",
        **kwargs,
    )


@given(scales(), st.one_of(st.none(), finite), st.one_of(st.none(), finite))
def test_dumbbell_marks_lie_inside_the_track(bounds, earlier, later):
    low, high = bounds
    laid_out = only_row(dumbbell(change(earlier, later, low, high)))
    for x in (laid_out.earlier_x, laid_out.later_x):
        assert x is None or 0 <= x <= 100
    assert laid_out.has_line == (earlier is not None and later is not None)
    if laid_out.has_line:
        assert laid_out.line_x1 <= laid_out.line_x2
    assert laid_out.clamped == any(
        value is not None and not low <= value <= high for value in (earlier, later)
    )


def test_dumbbell_positions():
    up, down, only_later, neither = dumbbell(
        change(3, 5), change(5, 0), change(None, 2), change(None, None)
    ).rows
    assert (up.earlier_x, up.later_x, up.line_x1, up.line_x2) == (60, 100, 60, 100)
    assert (down.line_x1, down.line_x2) == (0, 100)
    assert (only_later.earlier_x, only_later.later_x) == (None, 40)
    assert not only_later.has_line
    assert not neither.scored


def test_dumbbell_on_a_scale_with_negatives():
    laid_out = only_row(dumbbell(change(-4, 12, -10, 10)))
    assert laid_out.scale.has_zero_line
    assert (laid_out.earlier_x, laid_out.later_x) == (30, 100)
    assert laid_out.later_clamped == "high"
    assert laid_out.earlier_clamped is None


# --- Templates --------------------------------------------------------------


def parse(html):
    return BeautifulSoup(html, "html.parser")


def render_bar(chart):
    return render_to_string("assessments/charts/bar_chart.html", {"chart": chart})


def render_dumbbell(chart):
    return render_to_string("assessments/charts/dumbbell_chart.html", {"chart": chart})


def profile_rows():
    return [
        row(4, band="green", label="Housing and safety"),
        row(
            2,
            band="red",
            label="Cefnogaeth gymdeithasol a chymunedol: perthnasoedd a rhwydweithiau",
        ),
        row(3, band="amber", label="Meaningful activities"),
        row(None, band=None, label="Physical health"),
        row(7, band="green", label="Beyond the scale"),
    ]


def test_bar_chart_prints_every_label_value_and_band_word():
    chart = bar_chart(
        profile_rows(), title="Strengths", description="Higher is better."
    )
    soup = parse(render_bar(chart))
    figure = soup.find("figure")
    assert figure.find("figcaption").get_text(strip=True) == "Strengths"
    assert "Higher is better." in figure.get_text()
    assert "A table with every number follows the chart." in figure.get_text()
    items = figure.select("li.app-chart__row")
    assert len(items) == 5
    for item, source in zip(items, profile_rows(), strict=True):
        assert item.select_one(".app-chart__label").get_text(strip=True) == source.label
        value_text = item.select_one(".app-chart__value").get_text(" ", strip=True)
        assert source.value_label in value_text
        assert source.band_label in value_text
    assert items[0].select_one(".app-chart__value").get_text(" ", strip=True) == (
        "4 of 5 — Green"
    )
    assert "beyond the end of the scale" in items[4].get_text()
    assert "beyond the end of the scale" not in items[0].get_text()


def test_unscored_rows_draw_no_bar_and_say_why():
    soup = parse(render_bar(bar_chart(profile_rows(), title="T")))
    unscored = soup.select("li.app-chart__row")[3]
    assert "app-chart__row--unscored" in unscored["class"]
    assert unscored.select(".app-chart__bar") == []
    assert unscored.select_one(".app-chart__value").get_text(strip=True) == (
        "Not enough answers"
    )
    scored = soup.select("li.app-chart__row")[0]
    assert len(scored.select("rect.app-chart__bar")) == 1


def test_bars_carry_their_geometry_in_svg_attributes():
    soup = parse(render_bar(bar_chart([row(-6, -10, 10, "red")], title="T")))
    bar = soup.select_one("rect.app-chart__bar")
    assert (bar["x"], bar["width"]) == ("20.0%", "30.0%")
    zero = soup.select_one("line.app-chart__zero")
    assert zero["x1"] == zero["x2"] == "50.0%"


def test_geometry_is_never_localised():
    # A decimal comma would make the SVG attributes invalid.
    chart = bar_chart([row(1, 0, 3)], title="T")
    with translation.override("de"):
        soup = parse(render_bar(chart))
    assert soup.select_one("rect.app-chart__bar")["width"] == "33.333%"


def test_svg_tracks_are_hidden_from_assistive_technology():
    html = render_bar(bar_chart(profile_rows(), title="T")) + render_dumbbell(
        dumbbell(change(3, 5), change(None, None))
    )
    soup = parse(html)
    svgs = soup.find_all("svg")
    assert svgs
    for svg in svgs:
        assert svg["aria-hidden"] == "true"
        assert svg["focusable"] == "false"


def test_two_charts_on_one_page_share_no_ids():
    first = bar_chart(profile_rows(), title="Strengths")
    second = bar_chart(profile_rows(), title="Barriers")
    page = Template(
        '{% include "assessments/charts/bar_chart.html" with chart=first %}'
        '{% include "assessments/charts/bar_chart.html" with chart=second %}'
    ).render(Context({"first": first, "second": second}))
    soup = parse(page)
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    pattern_ids = [pattern["id"] for pattern in soup.find_all("pattern")]
    assert len(pattern_ids) == 4  # red and amber, in each chart
    # Each pattern is referenced from (and defined in) the same small SVG, as
    # the PDF renderer cannot follow references between SVG elements.
    for svg in soup.find_all("svg"):
        for reference in re.findall(r"url\(#([^)]+)\)", str(svg)):
            assert svg.find("pattern", id=reference) is not None


def test_charts_use_no_inline_styles_or_scripts():
    html = render_bar(bar_chart(profile_rows(), title="T")) + render_dumbbell(
        dumbbell(change(3, 5), change(5, 0))
    )
    soup = parse(html)
    assert soup.find_all(style=True) == []
    assert soup.find_all("style") == []
    assert soup.find_all("script") == []
    assert not any(
        attribute.startswith("on")
        for element in soup.find_all(True)
        for attribute in element.attrs
    )


def test_labels_are_escaped():
    chart = bar_chart([row(3, label="<b>Housing</b>")], title="<i>T</i>")
    html = render_bar(chart)
    assert "<b>Housing</b>" not in html
    assert "&lt;b&gt;Housing&lt;/b&gt;" in html


def test_an_axis_prints_the_scale_once():
    soup = parse(render_bar(bar_chart([row(1), row(2)], title="T")))
    axis = soup.select_one(".app-chart__axis")
    assert [text.get_text() for text in axis.find_all("text")] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    anchors = [text["text-anchor"] for text in axis.find_all("text")]
    assert anchors == ["start", "middle", "middle", "middle", "middle", "end"]
    no_axis = parse(render_bar(bar_chart([row(1), row(2, -5, 5)], title="T")))
    assert no_axis.select_one(".app-chart__axis") is None


def test_dumbbell_chart_prints_legend_labels_and_changes():
    chart = dumbbell(
        ChangeRow("Housing and safety", 3, 5, 0, 5, "3 → 5 (up 2)"),
        ChangeRow("Social support", 4, 4, 0, 5, "4 → 4 (no change)"),
        ChangeRow("Work", None, None, 0, 5, "Not enough answers"),
    )
    soup = parse(render_dumbbell(chart))
    legend = soup.select_one(".app-chart__legend")
    assert [
        text.get_text(strip=True) for text in legend.select(".app-chart__legend-text")
    ] == ["12 March 2026", "20 November 2026"]
    assert legend.select_one("circle.app-chart__earlier")
    assert legend.select_one("rect.app-chart__later")
    items = soup.select("li.app-chart__row")
    texts = [
        (
            item.select_one(".app-chart__label").get_text(strip=True),
            item.select_one(".app-chart__value").get_text(strip=True),
        )
        for item in items
    ]
    assert texts == [
        ("Housing and safety", "3 → 5 (up 2)"),
        ("Social support", "4 → 4 (no change)"),
        ("Work", "Not enough answers"),
    ]
    first, _, unscored = items
    assert first.select_one("circle.app-chart__earlier")["cx"] == "60.0%"
    assert first.select_one("rect.app-chart__later")["x"] == "100.0%"
    assert first.select_one("line.app-chart__link")
    assert unscored.select("circle, line.app-chart__link, rect.app-chart__later") == []


def test_charts_render_in_welsh():
    with translation.override("cy"):
        html = render_dumbbell(dumbbell(change(3, 5)))
    assert "12 March 2026" in html
