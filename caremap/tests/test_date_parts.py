"""The GOV.UK date input refuses every impossible date with a message, never
an error page, however many digits are typed."""

import datetime

import pytest

from caremap.forms import DatePartsField, Form


class WhenForm(Form):
    when = DatePartsField(label="Date of birth")


def errors_for(day, month, year):
    form = WhenForm({"when_day": day, "when_month": month, "when_year": year})
    assert not form.is_valid()
    return form.errors["when"]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1" * 30, "1", "2020"),
        ("1", "9" * 30, "2020"),
        ("31", "2", "2021"),
        ("0", "1", "2020"),
        ("-1", "1", "2020"),
    ],
)
def test_an_impossible_date_is_refused_beside_the_field(day, month, year):
    assert errors_for(day, month, year) == ["Date of birth must be a real date"]


def test_a_thirty_digit_year_asks_for_four_numbers():
    assert errors_for("1", "1", "9" * 30) == ["Year must include 4 numbers"]


def test_a_real_date_is_read():
    form = WhenForm({"when_day": "29", "when_month": "2", "when_year": "2024"})
    assert form.is_valid()
    assert form.cleaned_data["when"] == datetime.date(2024, 2, 29)
