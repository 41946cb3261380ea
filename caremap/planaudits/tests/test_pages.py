"""The audit pages: who may open them, what they show, the forms' errors,
the queries they cost, and both languages."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from caremap.planaudits import actions, indicators
from caremap.planaudits.models import PlanAudit, PlanAuditItem
from caremap.planaudits.tests.conftest import good_plan
from caremap.privacy.models import AuditEvent
from caremap.tests.test_every_page import check_page


@pytest.fixture
def audit(world):
    for person in (world.alices_person, world.bobs_person, world.unassigned_person):
        good_plan(person, by=world.mia)
    return actions.draw_sample(world.riverside, by=world.mia, size=3, seed=5)


def pages(world, audit):
    organisation = world.riverside.pk
    item = audit.items.first().pk
    return [
        ("planaudits:overview", [organisation]),
        ("planaudits:draw", [organisation]),
        ("planaudits:audit", [organisation, audit.pk]),
        ("planaudits:item", [organisation, audit.pk, item]),
        ("planaudits:results", [organisation, audit.pk]),
        ("planaudits:complete", [organisation, audit.pk]),
    ]


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


ANSWERS = {
    **dict.fromkeys(indicators.INDICATORS, "yes"),
    "follows_assessment": "n/a",
    "hopeful": "yes",
    "note": "Clear steps",
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_opens_for_the_manager_in_both_languages(
    world, sign_in, audit, language
):
    client = sign_in(world.mia)
    for name, args in pages(world, audit):
        check_page(client, name, args, language)


@pytest.mark.parametrize("persona", ["alice", "oscar", "hugo", "cara", "nora", "ada"])
def test_everyone_else_is_refused_every_page(world, sign_in, audit, persona):
    client = sign_in(getattr(world, persona))
    for name, args in pages(world, audit):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert (
        client.post(
            reverse("planaudits:draw", args=[world.riverside.pk]), {"size": 1}
        ).status_code
        == 403
    )
    assert PlanAudit.objects.count() == 1
    assert AuditEvent.objects.filter(
        actor=getattr(world, persona), action=AuditEvent.Action.DENIED
    ).exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, world, audit):
    for name, args in pages(world, audit):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "sign-in" in response.url


def test_another_organisations_audit_is_not_found(world, sign_in, audit):
    hillside_plan = good_plan(world.oscars_person, by=world.oscar)
    theirs = actions.draw_sample(world.hillside, by=world.hugo, size=1, seed=1)
    client = sign_in(world.mia)
    organisation = world.riverside.pk
    item = theirs.items.get().pk
    for name, args in [
        ("planaudits:audit", [organisation, theirs.pk]),
        ("planaudits:item", [organisation, theirs.pk, item]),
        ("planaudits:item", [organisation, audit.pk, item]),
        ("planaudits:results", [organisation, theirs.pk]),
        ("planaudits:complete", [organisation, theirs.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert PlanAuditItem.objects.get(pk=item).plan == hillside_plan


def test_the_overview_shows_navigators_not_people(world, sign_in, audit):
    client = sign_in(world.mia)
    response = client.get(reverse("planaudits:overview", args=[world.riverside.pk]))
    soup = soup_of(response)
    heads = [th.get_text(strip=True) for th in soup.select("tbody th[scope=row]")]
    assert heads[:3] == ["Alice Navigator", "Bob Navigator", "No navigator"]
    assert "Sam Jones" not in response.content.decode()
    summary = soup.find(id="summary").get_text(strip=True)
    assert summary.startswith("Of 3 active plans, 3 (100%) meet all six indicators.")
    total = soup.select_one("tfoot th").get_text(strip=True)
    assert total == "All navigators"
    assert AuditEvent.objects.filter(
        actor=world.mia, action=AuditEvent.Action.LIST, organisation=world.riverside
    ).exists()


def test_the_overview_query_count_does_not_grow_with_plans(
    world, sign_in, many_people, django_assert_max_num_queries
):
    client = sign_in(world.mia)
    url = reverse("planaudits:overview", args=[world.riverside.pk])
    bound = 12
    many_people(3, world.alice)
    actions.draw_sample(world.riverside, by=world.mia, size=2)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    many_people(27, world.bob)
    actions.draw_sample(world.riverside, by=world.mia, size=20)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert "Of 30 active plans" in soup_of(response).find(id="summary").get_text()


def test_the_audit_and_item_pages_have_bounded_queries(
    world, sign_in, many_people, django_assert_max_num_queries
):
    many_people(12, world.alice)
    audit = actions.draw_sample(world.riverside, by=world.mia, size=12)
    client = sign_in(world.mia)
    with django_assert_max_num_queries(12):
        client.get(audit.get_absolute_url())
    item_url = audit.items.first().get_absolute_url()
    with django_assert_max_num_queries(17):
        client.get(item_url)
    with django_assert_max_num_queries(12):
        client.get(reverse("planaudits:results", args=[world.riverside.pk, audit.pk]))


def test_drawing_a_sample(world, sign_in, audit):
    client = sign_in(world.mia)
    url = reverse("planaudits:draw", args=[world.riverside.pk])
    response = client.post(url, {"size": "2"})
    drawn = PlanAudit.objects.exclude(pk=audit.pk).get()
    assert response.status_code == 302 and response.url == drawn.get_absolute_url()
    assert drawn.items.count() == 2 and drawn.created_by == world.mia


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (
            "4",
            "The sample can have at most 3 plans: that is how many active plans there are",
        ),
        ("0", "The sample must have at least 1 plan"),
        ("ten", "Enter a whole number, like 10"),
        ("", "Enter how many plans the sample should have"),
    ],
)
def test_a_bad_sample_size_is_explained_beside_the_field(
    world, sign_in, audit, size, message
):
    client = sign_in(world.mia)
    response = client.post(
        reverse("planaudits:draw", args=[world.riverside.pk]), {"size": size}
    )
    assert response.status_code == 200
    soup = soup_of(response)
    assert (
        soup.select_one("#id_size_error").get_text(" ", strip=True)
        == f"Error: {message}"
    )
    assert soup.select_one(".govuk-error-summary a").get_text(strip=True) == message
    assert soup.select_one("#id_size").get("value", "") == size
    assert PlanAudit.objects.count() == 1


def test_the_item_form_shows_the_plan_and_saves_then_moves_on(world, sign_in, audit):
    client = sign_in(world.mia)
    first, second, third = audit.items.all()
    response = client.get(first.get_absolute_url())
    text = soup_of(response).get_text(" ", strip=True)
    assert "Find a place of my own 0" in text
    assert "Ring the housing team" in text
    assert "Housing advice drop-in" in text
    assert "Not reviewed yet" in text
    assert AuditEvent.objects.filter(
        actor=world.mia,
        action=AuditEvent.Action.VIEW,
        person=first.plan.person,
        record_type="careplans.careplan",
    ).exists()

    response = client.post(first.get_absolute_url(), {**ANSWERS, "agreed": "no"})
    assert response.status_code == 302 and response.url == second.get_absolute_url()
    # Opened again, the form shows the answers given.
    form = soup_of(client.get(first.get_absolute_url())).select_one("main form")
    assert form.select_one("#id_agreed_1").has_attr("checked")
    assert form.select_one("#id_own_words_0").has_attr("checked")
    assert not form.select_one("#id_own_words_1").has_attr("checked")
    first.refresh_from_db()
    assert first.own_words is True and first.follows_assessment == "n/a"
    assert first.note == "Clear steps" and first.reviewed_by == world.mia
    # From the last, it goes round to the one still waiting.
    response = client.post(third.get_absolute_url(), ANSWERS)
    assert response.url == second.get_absolute_url()
    response = client.post(second.get_absolute_url(), ANSWERS)
    assert response.url == audit.get_absolute_url()


def test_a_missing_answer_is_shown_beside_it_and_nothing_is_lost(world, sign_in, audit):
    client = sign_in(world.mia)
    item = audit.items.first()
    data = {**ANSWERS, "note": "Keep this note"}
    del data["smart_steps"]
    response = client.post(item.get_absolute_url(), data)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select_one("#id_smart_steps_error").get_text(" ", strip=True) == (
        "Error: Answer yes or no"
    )
    assert soup.select_one(".govuk-error-summary a")["href"] == "#id_smart_steps_0"
    assert soup.select_one("#id_note").get_text().strip() == "Keep this note"
    assert soup.select_one("#id_own_words_0").has_attr("checked")
    item.refresh_from_db()
    assert item.reviewed_at is None


def test_completing_is_refused_while_plans_are_unjudged(world, sign_in, audit):
    client = sign_in(world.mia)
    first, second, third = audit.items.all()
    client.post(first.get_absolute_url(), ANSWERS)
    url = reverse("planaudits:complete", args=[world.riverside.pk, audit.pk])
    response = client.post(url)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select_one(".govuk-error-summary a").get_text(strip=True) == (
        "2 plans are still to be judged"
    )
    listed = [a["href"] for a in soup.select("#unjudged a")]
    assert listed == [second.get_absolute_url(), third.get_absolute_url()]
    audit.refresh_from_db()
    assert audit.is_open

    for item in (second, third):
        client.post(item.get_absolute_url(), ANSWERS)
    response = client.post(url)
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == PlanAudit.Status.COMPLETED
    # A completed audit shows the answers and takes no more.
    response = client.post(first.get_absolute_url(), {**ANSWERS, "hopeful": "no"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.hopeful is True
    page = soup_of(client.get(first.get_absolute_url()))
    assert page.select("main form") == []
    answers = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True)
        for row in page.select("main .govuk-summary-list__row")
    }
    assert answers["Is the wording hopeful and built on strengths?"] == "Yes"
    assert answers["Does the plan follow from the latest assessment?"] == (
        "Not applicable"
    )
    assert answers["Note"] == "Clear steps"


def test_the_overview_lists_past_audits_with_the_share_judged_good(
    world, sign_in, audit
):
    client = sign_in(world.mia)
    first, second, _third = audit.items.all()
    client.post(first.get_absolute_url(), ANSWERS)
    client.post(second.get_absolute_url(), {**ANSWERS, "hopeful": "no"})
    response = client.get(reverse("planaudits:overview", args=[world.riverside.pk]))
    cells = [
        td.get_text(" ", strip=True)
        for td in soup_of(response).select("table")[1].select("tbody td")
    ]
    assert cells[1:] == ["3", "50% (1 of 2 judged)"]


def test_the_results_page_counts_disagreements(world, sign_in, audit):
    client = sign_in(world.mia)
    for item in audit.items.all():
        client.post(item.get_absolute_url(), {**ANSWERS, "agreed": "no"})
    response = client.get(
        reverse("planaudits:results", args=[world.riverside.pk, audit.pk])
    )
    rows = soup_of(response).select("table")[1].select("tbody tr")
    agreed = [
        r
        for r in rows
        if r.th.get_text(strip=True) == "The person’s agreement recorded"
    ]
    assert [td.get_text(strip=True) for td in agreed[0].select("td")] == ["3", "0"]
