"""The dashboards' tables, built once and shown three ways: as HTML, as CSV
and as a spreadsheet. Because a download is made from the very table the
page shows, anything hidden on the page is hidden in the file too.

`protect=True` (the area view commissioners see) runs every table of people
through disclosure control: counts from 1 to 4 are hidden ("[c]"), and so is
whatever would let them be worked out. Managers see their own organisation
in full, with each count linking to the people behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caremap.assessments.charts import ChartRow, bar_chart
from caremap.episodes.models import Episode
from caremap.reports import measures
from caremap.reports.dimensions import DIMENSIONS
from caremap.reports.disclosure import Table, is_small, protect, protect_counts
from caremap.reports.stats import Rate

HIDDEN = "[c]"

# The rate measures a breakdown can be drawn for, with their names.
RATE_TITLES = {
    "successful-completion": gettext_lazy(
        "Successful completion, not back within 6 months"
    ),
    "retention": gettext_lazy("Effective retention (12 weeks)"),
    "waiting-times": gettext_lazy("Started within 21 days of referral"),
    "mutual-aid-referral": gettext_lazy("Referred to mutual aid or peer-led groups"),
    "group-attendance": gettext_lazy("Went to a recovery group"),
    "reviews-on-time": gettext_lazy("Care plans reviewed on time"),
    "alerts-resolved": gettext_lazy("Alerts resolved"),
    "check-ups-reached": gettext_lazy("Check-ups after exit that reached the person"),
}
# The dashboard's sections, each its own page so each stays quick to draw
# and short to read on a phone.
SECTIONS = {
    "treatment": gettext_lazy("Treatment outcomes"),
    "recovery-capital": gettext_lazy("Recovery capital"),
    "connection": gettext_lazy("Connection and engagement"),
}
# What the numerator and denominator of each rate count.
UNITS = {
    "waiting-times": (gettext_lazy("Within 21 days"), gettext_lazy("Starts")),
    "reviews-on-time": (gettext_lazy("On time"), gettext_lazy("Plans")),
    "alerts-resolved": (gettext_lazy("Resolved"), gettext_lazy("Alerts")),
    "check-ups-reached": (gettext_lazy("Reached"), gettext_lazy("Due")),
}
DEFAULT_UNITS = (gettext_lazy("Met"), gettext_lazy("People"))


@dataclass(frozen=True)
class Filters:
    period: measures.Period
    scope: measures.Scope
    substance_group: str = ""
    stance: str = ""
    pathway: str = ""
    breakdown: str = "successful-completion"
    today: datetime.date = field(default_factory=timezone.localdate)

    def people_q(self, prefix=""):
        """People of the chosen segment and pathway."""
        q = Q()
        if self.stance:
            q &= Q(**{f"{prefix}stance": self.stance})
        if self.pathway:
            q &= Q(**{f"{prefix}pathway": self.pathway})
        return q

    def narrow(self, parts: measures.Parts) -> measures.Parts:
        """The parts, kept to people of the chosen segment and pathway."""
        q = self.people_q(parts.person)
        return parts.narrowed(q) if q else parts

    def parts(self, measure, substance_group=None) -> measures.Parts:
        group = self.substance_group if substance_group is None else substance_group
        return self.narrow(
            measures.parts(
                measure, self.period, self.scope, group or None, today=self.today
            )
        )


@dataclass
class Cell:
    value: object  # the number, or the text of a label; None when hidden
    text: str
    hidden: bool = False
    href: str = ""
    count: bool = False  # a count of people, checked by the privacy tests


@dataclass
class ReportTable:
    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    summary: str = ""
    note: str = ""
    chart: object = None
    # (label, link) for each file format, set by the view that shows it.
    downloads: list = field(default_factory=list)

    def plain_rows(self):
        """Rows for a file: numbers as numbers, hidden cells as [c]."""
        return [
            [HIDDEN if cell.hidden else cell.value for cell in row] for row in self.rows
        ]


def label(text):
    return Cell(str(text), str(text))


def count_cell(value, *, href=""):
    if value is None:
        return Cell(None, HIDDEN, hidden=True, count=True)
    return Cell(value, number_format(value, force_grouping=True), href=href, count=True)


def rate_cells(met, total):
    """The rate and its interval, from shown counts only: a rate beside a
    hidden count would give the count away."""
    if met is None or total is None:
        return [Cell(None, HIDDEN, hidden=True), Cell(None, HIDDEN, hidden=True)]
    rate = Rate(met, total)
    if rate.value is None:
        return [Cell(None, "–"), Cell(None, "–")]
    low, high = rate.interval
    return [
        Cell(round(rate.value * 100, 1), f"{number_format(rate.value * 100, 1)}%"),
        Cell(
            f"{round(low * 100, 1)}–{round(high * 100, 1)}",
            f"{number_format(low * 100, 1)}–{number_format(high * 100, 1)}%",
        ),
    ]


class Builder:
    """Builds the dashboard's tables for one set of filters."""

    def __init__(self, filters: Filters, *, protect: bool, link=None):
        self.filters = filters
        self.protect = protect
        # link(measure, part, substance_group, dimension, value) -> URL of
        # the people behind a count, for managers; None for commissioners.
        self.link = link
        self._grouped = {}
        self._tables = {}

    def _by_group(self, measure, parts):
        """A measure's counts per substance group, counted once per page."""
        if measure not in self._grouped:
            self._grouped[measure] = parts.grouped(F("substance_group"))
        return self._grouped[measure]

    def _href(self, measure, part, group="", dimension="", value=""):
        if self.link is None:
            return ""
        return self.link(measure, part, group, dimension, value)

    def _rate_table(self, table_id, title, measure, labels, counts, *, key, chart=True):
        """A table of rates, one row per label: (met, total) counts,
        protected together so no row's hidden count can be worked out from
        the others or the totals."""
        met_label, total_label = UNITS.get(measure, DEFAULT_UNITS)
        keys = list(labels)
        cells = [[counts[k][0], counts[k][1] - counts[k][0]] for k in keys]
        shown = cells
        totals = [counts[k][1] for k in keys]
        if self.protect:
            protected = protect(
                Table(
                    rows=[str(k) for k in keys],
                    columns=["met", "not"],
                    cells=cells,
                )
            )
            shown = protected.cells
            totals = protected.row_totals
        rows, chart_rows = [], []
        for index, k in enumerate(keys):
            met, total = shown[index][0], totals[index]
            rows.append(
                [
                    label(labels[k]),
                    count_cell(
                        total, href=self._href(measure, "denominator", **key(k))
                    ),
                    count_cell(met, href=self._href(measure, "numerator", **key(k))),
                    *rate_cells(met, total),
                ]
            )
            if chart and met is not None and total:
                rate = Rate(met, total)
                low, high = rate.interval
                chart_rows.append(
                    ChartRow(
                        label=str(labels[k]),
                        value=rate.value * 100,
                        low=0,
                        high=100,
                        band=None,
                        band_label="",
                        value_label=_("%(rate)s%% (%(low)s–%(high)s%%)")
                        % {
                            "rate": number_format(rate.value * 100, 1),
                            "low": number_format(low * 100, 1),
                            "high": number_format(high * 100, 1),
                        },
                    )
                )
        chart = (
            bar_chart(
                chart_rows,
                title=title,
                description=_(
                    "The share for each row, with its confidence interval (95%) in "
                    "brackets. Rows with hidden counts are left out."
                ),
                chart_id=f"chart-{table_id}",
            )
            if chart_rows
            else None
        )
        return ReportTable(
            id=table_id,
            title=title,
            columns=[
                "",
                str(total_label),
                str(met_label),
                _("Rate"),
                _("Confidence interval (95%)"),
            ],
            rows=rows,
            chart=chart,
            summary=self._summary(rows),
        )

    def _summary(self, rows):
        shown = [row for row in rows if not row[3].hidden and row[3].value is not None]
        if not shown:
            return _("No rate can be shown for these filters.")
        best = max(shown, key=lambda row: row[3].value)
        worst = min(shown, key=lambda row: row[3].value)
        if best is worst:
            return _("%(label)s: %(rate)s.") % {
                "label": best[0].text,
                "rate": best[3].text,
            }
        return _("Highest: %(best)s at %(high)s. Lowest: %(worst)s at %(low)s.") % {
            "best": best[0].text,
            "high": best[3].text,
            "worst": worst[0].text,
            "low": worst[3].text,
        }

    def by_substance_group(self, measure, table_id):
        if table_id not in self._tables:
            self._tables[table_id] = self._by_substance_group(measure, table_id)
        return self._tables[table_id]

    def _by_substance_group(self, measure, table_id):
        groups = (
            [self.filters.substance_group]
            if self.filters.substance_group
            else list(Episode.SubstanceGroup.values)
        )
        labels = {g: Episode.SubstanceGroup(g).label for g in groups}
        counted = self._by_group(measure, self.filters.parts(measure))
        counts = {group: counted.get(group, (0, 0)) for group in groups}
        return self._rate_table(
            table_id,
            _("%(measure)s, by substance group") % {"measure": RATE_TITLES[measure]},
            measure,
            labels,
            counts,
            key=lambda g: {"group": g},
        )

    def engagement(self):
        """One row per connection and engagement measure. The rows are
        different cohorts, so each is protected on its own."""
        ids = [
            "mutual-aid-referral",
            "group-attendance",
            "reviews-on-time",
            "alerts-resolved",
            "check-ups-reached",
        ]
        rows = []
        for measure in ids:
            rate = self.filters.parts(measure).rate()
            table = self._rate_table(
                measure,
                "",
                measure,
                {measure: RATE_TITLES[measure]},
                {measure: (rate.numerator, rate.denominator)},
                key=lambda _k: {},
                chart=False,
            )
            row = table.rows[0]
            total_label = UNITS.get(measure, DEFAULT_UNITS)[1]
            row[1].text = f"{row[1].text} {str(total_label).lower()}"
            rows.append(row)
        return ReportTable(
            id="connection",
            title=_("Connection and engagement"),
            columns=[
                "",
                _("Out of"),
                _("Met"),
                _("Rate"),
                _("Confidence interval (95%)"),
            ],
            rows=rows,
            summary=self._summary(rows),
        )

    def breakdown(self, dimension_key):
        measure = self.filters.breakdown
        dimension = DIMENSIONS[dimension_key]
        parts = self.filters.parts(measure)
        on = self.filters.period.end
        counted = parts.grouped(dimension.expression(parts.person, on))
        labels = dict(dimension.labels)
        counts = {k: counted.get(k, (0, 0)) for k in labels}
        return self._rate_table(
            f"breakdown-{dimension_key}",
            _("%(measure)s, by %(dimension)s")
            % {
                "measure": RATE_TITLES[measure],
                "dimension": str(dimension.title).lower(),
            },
            measure,
            labels,
            counts,
            key=lambda value: {"dimension": dimension_key, "value": value},
        )

    def waits(self):
        """The median wait per substance group, beside the starts shown in
        the waiting-times table. Where that table hides a group's starts
        (too few, or to protect another count), the median is hidden too: a
        median of a few starts describes those people."""
        groups = (
            [self.filters.substance_group]
            if self.filters.substance_group
            else list(Episode.SubstanceGroup.values)
        )
        starts = self.by_substance_group("waiting-times", "waiting-times")
        parts = self.filters.parts("waiting-times")
        rows = []
        for group, shown in zip(groups, starts.rows, strict=True):
            starts_cell = shown[1]
            if starts_cell.hidden:
                median_cell = Cell(None, HIDDEN, hidden=True)
            else:
                median = measures.median_wait(
                    parts.rows.filter(substance_group=group), starts_cell.value
                )
                median_cell = Cell(
                    median, "–" if median is None else number_format(median, 1)
                )
            rows.append([label(Episode.SubstanceGroup(group).label), median_cell])
        return ReportTable(
            id="median-wait",
            title=_("Median wait from referral to first intervention"),
            columns=["", _("Median wait (days)")],
            rows=rows,
            note=_("The number of starts is in the waiting-times table above."),
        )

    def growth(self):
        growth = measures.recovery_capital_growth(
            self.filters.period,
            self.filters.scope,
            self.filters.substance_group or None,
            where=self.filters.people_q(),
        )
        titles = growth.titles
        rows = []
        changes = list(growth.domains) + ([growth.total] if growth.total else [])
        everyone = growth.total.people if growth.total else 0
        for change in changes:
            hide = self.protect and is_small(change.people)
            # A domain's count a few short of the total's would say how many
            # people lack that score: the count is hidden, the mean is not.
            short = self.protect and is_small(everyone - change.people)
            if hide:
                rows.append(
                    [
                        label(titles.get(change.key, change.key)),
                        count_cell(None),
                        *[Cell(None, HIDDEN, hidden=True)] * 3,
                    ]
                )
                continue
            rows.append(
                [
                    label(titles.get(change.key, change.key)),
                    count_cell(None if short else change.people),
                    _number_cell(change.mean, signed=True),
                    Cell(
                        None
                        if change.interval is None
                        else f"{change.interval[0]:.2f} to {change.interval[1]:.2f}",
                        "–"
                        if change.interval is None
                        else _("%(low)s to %(high)s")
                        % {
                            "low": number_format(change.interval[0], 2),
                            "high": number_format(change.interval[1], 2),
                        },
                    ),
                    _number_cell(change.effect_size),
                ]
            )
        counts = {
            "improved": growth.improved,
            "same": growth.same,
            "worse": growth.worse,
        }
        shown = protect_counts(counts) if self.protect else None
        directions = {
            "improved": _("Improved"),
            "same": _("Stayed the same"),
            "worse": _("Got worse"),
        }
        total = shown.total if shown else sum(counts.values())
        direction_rows = []
        for k in counts:
            count = shown.counts[k] if shown else counts[k]
            direction_rows.append(
                [label(directions[k]), count_cell(count), *rate_cells(count, total)]
            )
        direction_rows.append(
            [label(_("Total")), count_cell(total), *rate_cells(total, total)]
        )
        return (
            ReportTable(
                id="growth",
                title=_("Change in recovery capital, first assessment to latest"),
                columns=[
                    _("Score"),
                    _("People"),
                    _("Mean change"),
                    _("Confidence interval (95%)"),
                    _("Effect size"),
                ],
                rows=rows,
                note=_(
                    "For barriers, a fall is an improvement. The effect size is the "
                    "mean change over the spread of the changes: about 0.2 is small, "
                    "0.5 medium and 0.8 large."
                ),
            ),
            ReportTable(
                id="growth-direction",
                title=_("Total recovery capital: who improved"),
                columns=["", _("People"), _("Share"), _("Confidence interval (95%)")],
                rows=direction_rows,
            ),
        )

    def groups(self):
        groups = measures.peer_led_groups(
            self.filters.period, self.filters.scope, self.filters.substance_group
        )
        return ReportTable(
            id="peer-led-groups",
            title=_("Independent peer-led groups in the area"),
            columns=["", _("Groups")],
            rows=[
                [
                    label(_("Active in the period")),
                    Cell(groups.active, str(groups.active)),
                ],
                [label(_("Started in the period")), Cell(groups.new, str(groups.new))],
            ],
            note=_("Groups are listed publicly in the directory, so none is hidden."),
        )

    def section(self, name):
        """The tables of one section of the dashboard."""
        if name == "recovery-capital":
            return list(self.growth())
        if name == "connection":
            return [self.engagement(), self.groups()]
        return [
            self.by_substance_group("successful-completion", "successful-completion"),
            self.by_substance_group("retention", "retention"),
            self.by_substance_group("waiting-times", "waiting-times"),
            self.waits(),
            self.breakdown("gender"),
            self.breakdown("age"),
            self.breakdown("ethnicity"),
        ]

    def all(self):
        return [table for name in SECTIONS for table in self.section(name)]


def _number_cell(value, *, signed=False):
    if value is None:
        return Cell(None, "–")
    rounded = round(value, 2)
    text = number_format(rounded, 2)
    if signed and rounded > 0:
        text = f"+{text}"
    return Cell(rounded, text)
