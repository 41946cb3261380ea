"""Form data and page reading shared by the care-plan editor tests."""

import datetime

from bs4 import BeautifulSoup
from django.utils import timezone

from caremap.careplans.models import CarePlan


def revision(plan):
    return CarePlan.objects.get(pk=plan.pk).revision


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def error_texts(response):
    soup = soup_of(response)
    summary = [
        li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary li")
    ]
    beside = [p.get_text(" ", strip=True) for p in soup.select(".govuk-error-message")]
    return summary, beside


def assert_error(response, message):
    assert response.status_code == 200
    summary, beside = error_texts(response)
    assert message in summary
    assert any(message in text for text in beside)


def in_future(days=14):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day


def date_parts(name, day):
    return {
        f"{name}_day": day.day,
        f"{name}_month": day.month,
        f"{name}_year": day.year,
    }


def goal_data(plan, **overrides):
    return {
        "revision": revision(plan),
        "wording": "Find a place of my own",
        "domain": "",
        "proposed_by": "together",
        "person_agreed": "on",
        **overrides,
    }


def step_data(plan, **overrides):
    return {
        "revision": revision(plan),
        "what": "Ring the housing team",
        "who": "person",
        **date_parts("due_on", in_future()),
        **overrides,
    }
