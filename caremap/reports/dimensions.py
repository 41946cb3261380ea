"""The ways a cohort is broken down so inequity shows: gender, age band and
ethnic group, each a database expression over a person's fields, so a
breakdown is one grouped query.

Gender is recorded in the person's own words; for counting it is read into
four groups (women, men, in another way, not recorded). Age is taken on the
period's last day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Lower, Trim
from django.db.models.lookups import In
from django.utils.translation import gettext_lazy as _

from caremap.people.models import Person

WOMEN = ("woman", "women", "female", "f", "w", "trans woman", "cis woman")
MEN = ("man", "men", "male", "m", "trans man", "cis man")
NOT_RECORDED = "not-recorded"
# Lower bounds of the age bands, in years.
AGE_BANDS = (18, 25, 35, 45, 55, 65)


@dataclass(frozen=True)
class Dimension:
    key: str
    title: object
    labels: dict  # value -> label, in the order rows are shown

    def expression(self, prefix: str, on: datetime.date):
        return EXPRESSIONS[self.key](prefix, on)


def _gender_case(prefix):
    # The gender as written, lower-cased and trimmed, against each list of
    # words in one IN apiece.
    spoken = Lower(Trim(f"{prefix}gender"))
    return Case(
        When(**{f"{prefix}gender": ""}, then=Value(NOT_RECORDED)),
        When(In(spoken, list(WOMEN)), then=Value("women")),
        When(In(spoken, list(MEN)), then=Value("men")),
        default=Value("another"),
        output_field=CharField(),
    )


def _age_band(prefix, on):
    born = f"{prefix}date_of_birth"
    whens = [When(**{f"{born}__gt": on - relativedelta(years=18)}, then=Value("0"))]
    bounds = list(AGE_BANDS[1:])
    for low, high in zip(AGE_BANDS, bounds, strict=False):
        whens.append(
            When(
                **{f"{born}__gt": on - relativedelta(years=high)}, then=Value(str(low))
            )
        )
    return Case(*whens, default=Value(str(AGE_BANDS[-1])), output_field=CharField())


def _ethnic_group(prefix, on):
    field = f"{prefix}ethnic_group"
    return Case(
        When(**{field: ""}, then=Value(NOT_RECORDED)),
        default=f"{prefix}ethnic_group",
        output_field=CharField(),
    )


EXPRESSIONS = {
    "gender": lambda prefix, on: _gender_case(prefix),
    "age": _age_band,
    "ethnicity": _ethnic_group,
}


def _age_labels():
    labels = {"0": _("Under 18")}
    for low, high in zip(AGE_BANDS, [*AGE_BANDS[1:], None], strict=True):
        labels[str(low)] = f"{low}–{high - 1}" if high else f"{low}+"
    return labels


DIMENSIONS = {
    "gender": Dimension(
        "gender",
        _("Gender"),
        {
            "women": _("Women"),
            "men": _("Men"),
            "another": _("In another way"),
            NOT_RECORDED: _("Not recorded"),
        },
    ),
    "age": Dimension("age", _("Age band"), _age_labels()),
    "ethnicity": Dimension(
        "ethnicity",
        _("Ethnic group"),
        {**dict(Person.EthnicGroup.choices), NOT_RECORDED: _("Not recorded")},
    ),
}
