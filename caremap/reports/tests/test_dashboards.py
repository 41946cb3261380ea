"""The dashboards through real HTTP: who may see which, that a commissioner
never sees a small count (on the page, in a file, or by subtraction) or a
name, that managers reach the people behind a number, and that downloads
open."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from caremap.reports.disclosure import TOTAL, is_small
from caremap.reports.tests.test_disclosure import solve
from caremap.reports.tests.test_measures import DAY, episode
from caremap.reports.tests.test_more_measures import person
from caremap.tests.test_every_page import check_page

RATE_TABLES = (
    "successful-completion",
    "retention",
    "waiting-times",
    "breakdown-gender",
    "breakdown-age",
    "breakdown-ethnicity",
)
# Counts of groups, not of people: the directory lists them publicly.
NOT_PEOPLE = {"peer-led-groups"}
NAMES = ("Zebedee", "Quintessa", "Ottoline", "Barnaby", "Philippa", "Hortensia")


def area_url(world, **query):
    url = reverse("reports:area", args=[world.area.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def tables_of(html):
    soup = BeautifulSoup(html, "html.parser")
    return {table["id"]: table for table in soup.select("table.govuk-table[id]")}


# Who may see what


def test_commissioners_see_their_area_and_nothing_person_level(world, sign_in, cohort):
    client = sign_in(world.cara)
    assert client.get(area_url(world)).status_code == 200
    organisation = reverse("reports:organisation", args=[world.riverside.pk])
    people = reverse("reports:people", args=[world.riverside.pk])
    assert client.get(organisation).status_code == 403
    assert client.get(f"{people}?measure=retention&part=numerator").status_code == 403
    assert client.get(reverse("reports:home")).status_code == 302


@pytest.mark.parametrize("who", ["alice", "mia", "hugo", "nora", "ada"])
def test_only_the_areas_commissioners_see_the_area_dashboard(world, sign_in, who):
    assert sign_in(getattr(world, who)).get(area_url(world)).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"), [("mia", 200), ("hugo", 403), ("alice", 403), ("cara", 403)]
)
def test_only_the_organisations_managers_see_its_dashboard(world, sign_in, who, status):
    url = reverse("reports:organisation", args=[world.riverside.pk])
    assert sign_in(getattr(world, who)).get(url).status_code == status


def test_navigators_have_no_reports(world, sign_in):
    assert sign_in(world.alice).get(reverse("reports:home")).status_code == 403


@pytest.mark.parametrize("language", ["en", "cy"])
def test_report_pages_open_in_both_languages(world, sign_in, cohort, language):
    check_page(sign_in(world.cara), "reports:area", [world.area.pk], language)
    manager = sign_in(world.mia)
    check_page(manager, "reports:organisation", [world.riverside.pk], language)


def test_every_report_view_is_audited(world, sign_in, cohort):
    from caremap.privacy.models import AuditEvent

    client = sign_in(world.cara)
    client.get(area_url(world))
    client.get(area_url(world, download="retention", format="csv"))
    actions = list(
        AuditEvent.objects.filter(actor=world.cara).values_list("action", flat=True)
    )
    assert AuditEvent.Action.VIEW in actions
    assert AuditEvent.Action.EXPORT in actions


# Disclosure control on everything a commissioner sees


def counts_on(html):
    soup = BeautifulSoup(html, "html.parser")
    return [cell["data-count"] for cell in soup.select("[data-count]")]


SECTIONS = ["treatment", "recovery-capital", "connection"]
FILTERS = [
    {},
    {"substance_group": "alcohol"},
    {"breakdown": "retention"},
    {"stance": "contemplating"},
    {"section": "recovery-capital"},
    {"section": "connection"},
]


@pytest.mark.parametrize("query", FILTERS)
def test_no_count_from_1_to_4_on_the_area_dashboard(world, sign_in, cohort, query):
    html = sign_in(world.cara).get(area_url(world, **query)).content.decode()
    counts = counts_on(html)
    assert counts, "the page should show some counts"
    shown = [int(c) for c in counts if c != "hidden"]
    assert not [c for c in shown if is_small(c)]
    # The cohort is small, so something must have been hidden.
    assert "hidden" in counts


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_opens_for_commissioners_and_managers(
    world, sign_in, cohort, section
):
    response = sign_in(world.cara).get(area_url(world, section=section))
    assert response.status_code == 200
    assert tables_of(response.content.decode())
    organisation = reverse("reports:organisation", args=[world.riverside.pk])
    assert (
        sign_in(world.mia).get(f"{organisation}?section={section}").status_code == 200
    )


def test_an_unknown_section_is_not_found(world, sign_in):
    assert sign_in(world.cara).get(area_url(world, section="x")).status_code == 404


def test_no_hidden_count_can_be_worked_out_from_the_rate_tables(world, sign_in, cohort):
    html = sign_in(world.cara).get(area_url(world)).content.decode()
    manager_view = {}
    for organisation in (world.riverside, world.hillside):
        # The true figures, as an attacker who knew every total might.
        manager_view[organisation.pk] = tables_of(
            sign_in(organisation.memberships.filter(role="manager").first().user)
            .get(reverse("reports:organisation", args=[organisation.pk]))
            .content.decode()
        )
    for table_id, table in tables_of(html).items():
        if table_id not in RATE_TABLES:
            continue
        rows = table.select("tbody tr")
        seen = {}
        for i, row in enumerate(rows):
            cells = row.select("td")
            total, met = (_shown(cells[0]), _shown(cells[1]))
            seen[(i, 0)] = met
            seen[(i, 1)] = None if met is None or total is None else total - met
            seen[(i, TOTAL)] = total
        # Give the attacker the column totals and the grand total for free.
        true = _true_rows(world, table_id)
        seen[(TOTAL, 0)] = sum(met for met, _total in true)
        seen[(TOTAL, 1)] = sum(total - met for met, total in true)
        seen[(TOTAL, TOTAL)] = sum(total for _met, total in true)
        fixed = solve(seen, len(rows), 2)
        worked_out = {p: v for p, v in fixed.items() if is_small(int(v))}
        assert not worked_out, f"{table_id}: {worked_out}"


def _shown(cell):
    value = cell["data-count"]
    return None if value == "hidden" else int(value)


def _true_rows(world, table_id):
    """(met, total) per row of the same table without protection."""
    from caremap.reports.forms import FilterForm
    from caremap.reports.tables import Builder

    form = FilterForm(None, today=timezone.localdate(), area=world.area)
    builder = Builder(form.filters(), protect=False)
    table = next(t for t in builder.all() if t.id == table_id)
    return [(row[2].value, row[1].value) for row in table.rows]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_hide_what_the_page_hides_and_open(
    world, sign_in, cohort, fmt, section
):
    client = sign_in(world.cara)
    page = tables_of(client.get(area_url(world, section=section)).content.decode())
    for table_id, table in page.items():
        response = client.get(
            area_url(world, section=section, download=table_id, format=fmt)
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
        rows = _read(response, fmt)
        title = table.find("caption").get_text(strip=True)
        assert rows[0][0] == title
        header = next(
            i
            for i, row in enumerate(rows)
            if row and row[0] in ("", "Score") and any(row[1:])
        )
        body = rows[header + 1 :]
        assert len(body) == len(table.select("tbody tr"))
        if table_id in NOT_PEOPLE:
            continue
        page_hidden = [
            [cell.get_text(strip=True) == "[c]" for cell in row.select("td")]
            for row in table.select("tbody tr")
        ]
        for file_row, hidden_row in zip(body, page_hidden, strict=True):
            assert [v == "[c]" for v in file_row[1:]] == hidden_row
            for value in file_row[1:]:
                if isinstance(value, int) or (
                    isinstance(value, str) and value.isdigit()
                ):
                    assert not is_small(int(value)), (table_id, file_row)


def _read(response, fmt):
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    return [
        ["" if v is None else v for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def test_a_download_of_an_unknown_table_is_not_found(world, sign_in, cohort):
    client = sign_in(world.cara)
    assert client.get(area_url(world, download="nope", format="csv")).status_code == 404
    assert (
        client.get(area_url(world, download="retention", format="pdf")).status_code
        == 404
    )


def test_no_page_a_commissioner_can_reach_shows_a_name(world, sign_in, cohort):
    client = sign_in(world.cara)
    start = [reverse("home"), reverse("reports:home"), area_url(world)]
    start += [area_url(world, **query) for query in FILTERS]
    seen, queue = set(), list(start)
    while queue:
        url = queue.pop()
        if url in seen or len(seen) > 80:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        for name in NAMES:
            assert name not in html, f"{name} on {url}"
        soup = BeautifulSoup(html, "html.parser")
        for link in soup.select("a[href]"):
            href = link["href"]
            if href.startswith("/en/") and "download=" not in href:
                queue.append(href)
    assert len(seen) > 5


# Managers


def test_managers_see_counts_in_full_with_the_people_behind_them(
    world, sign_in, cohort
):
    client = sign_in(world.mia)
    url = reverse("reports:organisation", args=[world.riverside.pk])
    html = client.get(url).content.decode()
    assert "hidden" not in counts_on(html)
    table = tables_of(html)["retention"]
    alcohol = next(
        row for row in table.select("tbody tr") if "Alcohol only" in row.get_text()
    )
    link = alcohol.select("td")[0].find("a")["href"]
    listed = BeautifulSoup(client.get(link).content.decode(), "html.parser")
    names = [a.get_text(strip=True) for a in listed.select("tbody a")]
    riverside_alcohol = [
        p for p in cohort if p.organisation_id == world.riverside.pk
    ]  # every Riverside person in the cohort is in the alcohol group
    assert (
        len(names)
        == len(riverside_alcohol)
        == int(alcohol.select("td")[0]["data-count"])
    )


def test_the_people_list_stays_inside_the_managers_organisation(world, sign_in, cohort):
    client = sign_in(world.hugo)
    url = reverse("reports:people", args=[world.riverside.pk])
    assert client.get(f"{url}?measure=retention&part=denominator").status_code == 403
    own = reverse("reports:people", args=[world.hillside.pk])
    html = client.get(f"{own}?measure=retention&part=denominator").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    refs = {row.select("td")[1].get_text(strip=True) for row in soup.select("tbody tr")}
    hillside = {p.reference for p in cohort if p.organisation_id == world.hillside.pk}
    assert refs and refs <= hillside


def test_a_people_list_needs_a_known_measure(world, sign_in):
    client = sign_in(world.mia)
    url = reverse("reports:people", args=[world.riverside.pk])
    assert client.get(f"{url}?measure=nope&part=numerator").status_code == 404
    assert client.get(f"{url}?measure=retention&part=all").status_code == 404


def test_a_stale_filter_falls_back_and_says_so_keeping_the_others(
    world, sign_in, cohort
):
    client = sign_in(world.cara)
    response = client.get(
        area_url(world, period="1999-01-01_1999-03-31", substance_group="alcohol")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    rows = tables_of(html)["retention"].select("tbody tr")
    assert [row.find("th").get_text(strip=True) for row in rows] == ["Alcohol only"]


def test_dashboard_queries_do_not_grow_with_people(
    world, sign_in, cohort, django_assert_max_num_queries
):
    client = sign_in(world.cara)
    with django_assert_max_num_queries(30):
        client.get(area_url(world))
    for n in range(20):
        someone = person(world, f"E-{n:02}", born=datetime.date(1950, 1, 1) + n * DAY)
        episode(
            someone,
            referred=timezone.localdate() - 100 * DAY,
            started=timezone.localdate() - 90 * DAY,
        )
    with django_assert_max_num_queries(30):
        client.get(area_url(world))


def test_a_domain_count_a_few_short_of_the_total_is_hidden(world, sign_in, instruments):
    from caremap.assessments.models import Assessment
    from caremap.reports.tests.test_more_measures import at

    version = instruments["recovery-capital-profile"]
    today = timezone.localdate()
    for n in range(7):
        someone = person(world, f"S-{n}", born=datetime.date(1970, 1, 1) + n * DAY)
        episode(someone, referred=today - 400 * DAY, started=today - 390 * DAY)
        for days, total in ((300, 20), (20, 25)):
            domains = {} if n < 2 else {"substance-use": {"score": 2.0 + n}}
            Assessment.objects.create(
                person=someone,
                organisation=someone.organisation,
                instrument=version,
                status=Assessment.Status.SUBMITTED,
                mode=Assessment.Mode.WITH_NAVIGATOR,
                scores={"domains": domains, "composites": {"total": {"score": total}}},
                started_at=at(today - days * DAY),
                submitted_at=at(today - days * DAY),
            )
        Assessment.objects.filter(person=someone).link_baselines()
    html = sign_in(world.cara).get(area_url(world, section="recovery-capital"))
    table = tables_of(html.content.decode())["growth"]
    counts = {
        row.find("th").get_text(strip=True): row.select("td")[0]["data-count"]
        for row in table.select("tbody tr")
    }
    # 7 with a total, 5 with a substance-use score: showing 5 would tell
    # that 2 people have none.
    assert counts["Overall recovery capital"] == "7"
    assert counts["Alcohol and drug use"] == "hidden"


def test_a_median_wait_is_hidden_wherever_its_starts_are(world, sign_in, cohort):
    tables = tables_of(sign_in(world.cara).get(area_url(world)).content.decode())
    starts = [row.select("td")[0] for row in tables["waiting-times"].select("tbody tr")]
    medians = [row.select("td")[0] for row in tables["median-wait"].select("tbody tr")]
    hidden = [cell["data-count"] == "hidden" for cell in starts]
    assert any(hidden), "the cohort should have a group too small to show"
    assert [m.get_text(strip=True) == "[c]" for m in medians] == hidden
