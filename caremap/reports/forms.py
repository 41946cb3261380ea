"""The dashboards' filters: a GET form whose every choice is offered, so a
report can always be drawn; a choice that is no longer offered (a stale
link) falls back to the default and says so."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from caremap.episodes.models import Episode
from caremap.forms import Form
from caremap.people.models import Person
from caremap.reports import measures
from caremap.reports.tables import RATE_TITLES, Filters


def quarter_start(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def financial_year_start(day):
    # The UK financial year, which commissioners report in, starts in April.
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def periods(today):
    """(key, label, Period) for each period offered, the default first."""
    offered = []

    def add(start, end, text):
        offered.append((f"{start.isoformat()}_{end.isoformat()}", text, (start, end)))

    add(
        today - relativedelta(years=1) + datetime.timedelta(days=1),
        today,
        _("The last 12 months"),
    )
    current = quarter_start(today)
    for back in range(1, 5):
        start = current - relativedelta(months=3 * back)
        end = start + relativedelta(months=3) - datetime.timedelta(days=1)
        add(
            start,
            end,
            _("Quarter from %(start)s to %(end)s")
            % {"start": date_format(start, "j M Y"), "end": date_format(end, "j M Y")},
        )
    year = financial_year_start(today)
    add(year, today, _("This financial year so far"))
    for back in (1, 2):
        start = year - relativedelta(years=back)
        add(
            start,
            start + relativedelta(years=1) - datetime.timedelta(days=1),
            _("Financial year %(first)s to %(second)s")
            % {"first": start.year, "second": start.year + 1},
        )
    return offered


class FilterForm(Form):
    period = forms.ChoiceField(label=_("Period"))
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    substance_group = forms.ChoiceField(label=_("Substance group"), required=False)
    stance = forms.ChoiceField(label=_("Segment (the person's stance)"), required=False)
    pathway = forms.ChoiceField(label=_("Recovery pathway"), required=False)
    breakdown = forms.ChoiceField(label=_("Break down"), required=False)

    def __init__(self, data, *, today, area=None, organisation=None):
        super().__init__(data)
        self.today = today
        self.area = area
        self.organisation = organisation
        self.offered = periods(today)
        self.fields["period"].choices = [(key, text) for key, text, _ in self.offered]
        if area is not None:
            self.fields["organisation"].choices = [("", _("Every organisation"))] + [
                (str(o.pk), o.name) for o in area.organisations.order_by("name")
            ]
        else:
            del self.fields["organisation"]
        self.fields["substance_group"].choices = [
            ("", _("Every group")),
            *Episode.SubstanceGroup.choices,
        ]
        self.fields["stance"].choices = [("", _("Everyone")), *Person.Stance.choices]
        self.fields["pathway"].choices = [
            ("", _("Every pathway")),
            *Person.Pathway.choices,
        ]
        self.fields["breakdown"].choices = [
            (key, title) for key, title in RATE_TITLES.items()
        ]

    def value(self, name, default=""):
        """A filter's chosen value, or its default when it was not chosen or
        is no longer offered: one stale choice does not reset the others."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default

    def filters(self) -> Filters:
        chosen = self.value("period", self.offered[0][0])
        start, end = next(span for key, _t, span in self.offered if key == chosen)
        if self.area is not None:
            organisation = self.value("organisation")
            scope = (
                measures.Scope(organisation_id=int(organisation))
                if organisation
                else measures.Scope(area_id=self.area.pk)
            )
        else:
            scope = measures.Scope(organisation_id=self.organisation.pk)
        return Filters(
            period=measures.Period(start, end),
            scope=scope,
            substance_group=self.value("substance_group"),
            stance=self.value("stance"),
            pathway=self.value("pathway"),
            breakdown=self.value("breakdown", "successful-completion"),
            today=self.today,
        )
