"""The dashboards in a real Chromium: axe (WCAG 2.2 AA) finds nothing on
the area and organisation dashboards or the people behind a number, on a
desktop and on a 360px phone, and the filters and a download work."""

import pytest
from django.urls import reverse

from caremap.testing.browser import (
    assert_accessible,
    check_on_a_phone,
    new_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_area_dashboard_on_a_desktop_and_a_phone(
    world,
    cohort,
    live_server,
    browser,
):
    url = f"{live_server.url}{reverse('reports:area', args=[world.area.pk])}"
    desktop = new_page(browser)
    sign_in(desktop, live_server, world.cara.email)
    desktop.goto(url)
    assert_accessible(desktop, "the area dashboard")
    desktop.locator("#id_substance_group").select_option("alcohol")
    desktop.get_by_role("button", name="Show the figures").click()
    desktop.wait_for_url("**substance_group=alcohol**")
    assert_accessible(desktop, "the filtered area dashboard")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="CSV of Effective retention").first.click()
    assert download.value.suggested_filename.endswith(".csv")

    phone = new_page(browser, phone=True)
    sign_in(phone, live_server, world.cara.email)
    phone.goto(url)
    check_on_a_phone(phone, "the area dashboard")


def test_the_organisation_dashboard_and_the_people_behind_a_number(
    world,
    cohort,
    live_server,
    browser,
):
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.mia.email)
    page.goto(
        f"{live_server.url}{reverse('reports:organisation', args=[world.riverside.pk])}"
    )
    check_on_a_phone(page, "the organisation dashboard")
    page.locator("#retention a").first.click()
    page.wait_for_url("**/people/**")
    check_on_a_phone(page, "the people behind a number")
