"""On a 360px phone, in a real Chromium: a manager answers an area and
attaches a file, then reads the comparison; a commissioner reads the area's
audits side by side. Every page passes axe (WCAG 2.2 AA) and fits."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from caremap.selfaudits.models import Answer
from caremap.selfaudits.samples import load_demo
from caremap.testing.browser import check_on_a_phone, new_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    today = timezone.localdate()
    load_demo(world.riverside, world.mia, today)
    load_demo(world.hillside, world.hugo, today - datetime.timedelta(days=92))
    return world.riverside.self_audits.get(status="draft")


def test_answering_an_area_on_a_phone(world, demo, live_server, browser, tmp_path):
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.mia.email)
    page.goto(f"{live_server.url}/en/organisation/{world.riverside.pk}/self-audits/")
    check_on_a_phone(page, "the list of audits")
    page.get_by_role("link", name=demo.period_label).click()
    check_on_a_phone(page, "the audit")
    page.get_by_role("link", name="6. Tools for planning recovery").click()
    check_on_a_phone(page, "the answer page")

    page.get_by_label("Partially").check()
    page.get_by_label("Evidence").fill("Mapping used by one team so far.")
    wrong = tmp_path / "minutes.pdf"
    wrong.write_bytes(b"not a pdf at all")
    page.get_by_label("Attach a file").set_input_files(str(wrong))
    page.get_by_role("button", name="Save and stay on this area").click()
    expect(page.locator("#id_file_error")).to_contain_text("named as .pdf")
    expect(page.get_by_label("Partially")).to_be_checked()
    expect(page.get_by_label("Evidence")).to_have_value(
        "Mapping used by one team so far."
    )
    check_on_a_phone(page, "the answer page with an error")

    good = tmp_path / "minutes.txt"
    good.write_text("Team meeting: mapping training booked.")
    page.get_by_label("Attach a file").set_input_files(str(good))
    page.get_by_role("button", name="Save and go to the next area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce development")
    answer = Answer.objects.get(audit=demo, area="tools")
    assert answer.rating == "partially"
    assert answer.files.get().original_name == "minutes.txt"


def test_comparing_audits_on_a_phone(world, demo, live_server, browser):
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.mia.email)
    page.goto(
        f"{live_server.url}/en/organisation/{world.riverside.pk}/self-audits/compare/"
    )
    check_on_a_phone(page, "the comparison")
    expect(page.locator("#summary")).to_contain_text("improved")


def test_the_commissioners_view_on_a_phone(world, demo, live_server, browser):
    page = new_page(browser, phone=True)
    sign_in(page, live_server, world.cara.email)
    page.goto(f"{live_server.url}/en/area/{world.area.pk}/self-audits/")
    check_on_a_phone(page, "the area's audits")
    expect(page.locator("#organisations")).to_contain_text("Riverside Recovery")
    page.locator("#organisations a").first.click()
    check_on_a_phone(page, "a completed audit, as commissioner")
