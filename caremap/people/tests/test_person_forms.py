"""Adding and changing a person: what is saved, and what the user sees when
something they typed needs correcting (GOV.UK error pattern: the title starts
with "Error:", a summary links to each field, and nothing typed is lost)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from caremap.people.models import Person

TYPED = {
    "given_name": "Siân",
    "family_name": "O'Connor",
    "preferred_name": "Si",
    "reference": "R-777",
    "date_of_birth_day": "9",
    "date_of_birth_month": "7",
    "date_of_birth_year": "1979",
    "gender": "Woman",
    "pronouns": "she/her",
    "email": "sian@example.org",
    "phone": "07700 900777",
    "address": "1 River Street\nLlandeilo",
    "postcode": "SA19 6AA",
    "preferred_contact_method": "text",
    "preferred_language": "cy",
    "pathway": "medication_assisted",
}
TEXT_INPUTS = [
    "given_name",
    "family_name",
    "preferred_name",
    "reference",
    "date_of_birth_day",
    "date_of_birth_month",
    "date_of_birth_year",
    "gender",
    "pronouns",
    "email",
    "phone",
    "postcode",
]
RADIOS = ["preferred_contact_method", "preferred_language", "pathway"]


def typed(**changes):
    data = dict(TYPED)
    data.update(changes)
    return data


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def title_of(soup):
    return " ".join(soup.title.get_text().split())


def error_summary_links(soup):
    summary = soup.select_one(".govuk-error-summary")
    assert summary is not None, "no error summary on the page"
    return {a["href"]: " ".join(a.get_text().split()) for a in summary.select("a")}


def message_beside(soup, field_id):
    message = soup.find(id=f"{field_id}_error")
    assert message is not None, f"no error message beside {field_id}"
    return " ".join(message.get_text().split())


def assert_typed_values_kept(soup, data, *, except_for=()):
    for name in TEXT_INPUTS:
        if name in except_for:
            continue
        field = soup.find("input", attrs={"name": name})
        assert field is not None, name
        assert field.get("value", "") == data[name], name
    if "address" not in except_for:
        assert (
            soup.find("textarea", attrs={"name": "address"}).get_text().strip()
            == data["address"]
        )
    for name in RADIOS:
        if name in except_for:
            continue
        checked = soup.find("input", attrs={"name": name, "checked": True})
        assert checked is not None, name
        assert checked["value"] == data[name], name


def assert_shows_error(response, *, link, message, data, except_for=()):
    assert response.status_code == 200
    soup = page(response)
    assert title_of(soup).startswith("Error:")
    links = error_summary_links(soup)
    assert link in links, links
    assert message in links[link]
    assert_typed_values_kept(soup, data, except_for=except_for)
    assert soup.find(id=link.removeprefix("#")) is not None, (
        f"the summary links to {link}, which is not on the page"
    )
    return soup


def create(client, data):
    return client.post(reverse("people:person-create"), data)


# Adding a person


def test_a_navigator_adds_a_person_to_their_caseload(world, sign_in):
    response = create(sign_in(world.alice), typed())

    person = Person.objects.get(organisation=world.riverside, reference="R-777")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[person.pk])
    assert person.navigator == world.alice
    assert person.given_name == "Siân"
    assert person.family_name == "O'Connor"
    assert person.date_of_birth == datetime.date(1979, 7, 9)
    assert person.email == "sian@example.org"
    assert person.address.replace("\r\n", "\n") == "1 River Street\nLlandeilo"
    assert person.preferred_language == "cy"
    assert person.pathway == "medication_assisted"
    assert person.status == "active"
    assert person in Person.objects.filter(navigator=world.alice)


def test_the_new_person_appears_on_the_navigators_home_page(world, sign_in):
    client = sign_in(world.alice)
    follow = client.post(reverse("people:person-create"), typed(), follow=True)
    assert "Si O&#x27;Connor has been added." in follow.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "Si O&#x27;Connor" in home


def test_a_manager_adds_a_person_who_waits_for_a_navigator(world, sign_in):
    response = create(sign_in(world.mia), typed())
    assert response.status_code == 302
    person = Person.objects.get(reference="R-777")
    assert person.organisation == world.riverside
    assert person.navigator is None


def test_only_the_required_fields_are_needed(world, sign_in):
    data = {
        "given_name": "Nia",
        "family_name": "Owen",
        "reference": "R-778",
        "date_of_birth_day": "1",
        "date_of_birth_month": "1",
        "date_of_birth_year": "2000",
        "preferred_language": "en",
        "pathway": "not_decided",
    }
    response = create(sign_in(world.alice), data)
    assert response.status_code == 302
    assert Person.objects.filter(reference="R-778", navigator=world.alice).exists()


def test_the_same_reference_may_be_used_by_another_organisation(world, sign_in):
    # H-001 belongs to Hillside; references are unique within an organisation.
    response = create(sign_in(world.alice), typed(reference="H-001"))
    assert response.status_code == 302
    assert Person.objects.filter(
        organisation=world.riverside, reference="H-001"
    ).exists()


# Correcting what was typed


def test_an_invalid_email_address_keeps_what_was_typed(world, sign_in):
    data = typed(email="sian at example")
    response = create(sign_in(world.alice), data)

    soup = assert_shows_error(
        response,
        link="#id_email",
        message="Enter an email address in the correct format",
        data=data,
    )
    assert "Enter an email address in the correct format" in message_beside(
        soup, "id_email"
    )
    assert not Person.objects.filter(reference="R-777").exists()


def test_a_date_of_birth_in_the_future_is_refused(world, sign_in):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = typed(
        date_of_birth_day=str(tomorrow.day),
        date_of_birth_month=str(tomorrow.month),
        date_of_birth_year=str(tomorrow.year),
    )
    response = create(sign_in(world.alice), data)

    soup = assert_shows_error(
        response,
        link="#id_date_of_birth_day",
        message="must be today or in the past",
        data=data,
    )
    assert "must be today or in the past" in message_beside(soup, "id_date_of_birth")
    assert not Person.objects.filter(reference="R-777").exists()


def test_a_date_of_birth_today_is_accepted(world, sign_in):
    today = timezone.localdate()
    data = typed(
        date_of_birth_day=str(today.day),
        date_of_birth_month=str(today.month),
        date_of_birth_year=str(today.year),
    )
    assert create(sign_in(world.alice), data).status_code == 302


def test_a_date_of_birth_without_a_month_links_to_the_month(world, sign_in):
    data = typed(date_of_birth_month="")
    response = create(sign_in(world.alice), data)

    soup = assert_shows_error(
        response,
        link="#id_date_of_birth_month",
        message="must include a month",
        data=data,
    )
    month = soup.find(id="id_date_of_birth_month")
    assert month is not None, "the month box must have the id the summary links to"
    assert month["name"] == "date_of_birth_month"
    assert "Date of birth must include a month" in message_beside(
        soup, "id_date_of_birth"
    )


def test_a_date_of_birth_that_is_not_a_real_date_is_refused(world, sign_in):
    data = typed(date_of_birth_day="31", date_of_birth_month="2")
    response = create(sign_in(world.alice), data)
    assert_shows_error(
        response, link="#id_date_of_birth_day", message="must be a real date", data=data
    )


def test_a_reference_already_used_in_the_organisation_is_refused_beside_the_field(
    world, sign_in
):
    data = typed(reference="r-002")  # Bob's person is R-002; case does not matter.
    response = create(sign_in(world.alice), data)

    soup = assert_shows_error(
        response,
        link="#id_reference",
        message="already has the reference",
        data=data,
    )
    assert (
        "Another person in your organisation already has the reference r-002"
        in message_beside(soup, "id_reference")
    )
    assert Person.objects.filter(organisation=world.riverside).count() == 4


def test_a_reference_the_navigator_cannot_see_is_still_refused(world, sign_in):
    # R-003 is Carol's, in another team: Alice cannot see it but may not reuse it.
    data = typed(reference="R-003")
    response = create(sign_in(world.alice), data)
    assert_shows_error(
        response, link="#id_reference", message="already has the reference", data=data
    )


def test_missing_required_fields_are_each_listed(world, sign_in):
    data = typed(given_name="", family_name="", reference="")
    response = create(sign_in(world.alice), data)
    assert_shows_error(
        response,
        link="#id_given_name",
        message="Enter the person's first name",
        data=data,
        except_for=("given_name", "family_name", "reference"),
    )
    links = error_summary_links(page(response))
    assert "Enter the person" in links["#id_family_name"]
    assert "Enter the service reference number" in links["#id_reference"]


def test_every_error_is_listed_with_its_own_link(world, sign_in):
    data = typed(email="nope", date_of_birth_year="", reference="R-001")
    response = create(sign_in(world.alice), data)
    links = error_summary_links(page(response))
    assert set(links) == {"#id_email", "#id_date_of_birth_year", "#id_reference"}


def test_a_page_without_errors_has_no_error_title(world, sign_in):
    response = sign_in(world.alice).get(reverse("people:person-create"))
    soup = page(response)
    assert not title_of(soup).startswith("Error:")
    assert soup.select_one(".govuk-error-summary") is None


# Changing a person


def test_editing_shows_the_current_values_and_saves_changes(world, sign_in):
    person = world.alices_person
    client = sign_in(world.alice)
    soup = page(client.get(reverse("people:person-edit", args=[person.pk])))
    assert soup.find("input", attrs={"name": "given_name"})["value"] == "Sam"
    assert soup.find("input", attrs={"name": "date_of_birth_year"})["value"] == "1985"

    data = typed(reference="R-001")
    response = client.post(reverse("people:person-edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.given_name == "Siân"
    assert person.reference == "R-001"  # keeping one's own reference is fine


def test_editing_to_another_persons_reference_is_refused(world, sign_in):
    person = world.alices_person
    data = typed(reference="R-002")
    response = sign_in(world.alice).post(
        reverse("people:person-edit", args=[person.pk]), data
    )
    assert_shows_error(
        response, link="#id_reference", message="already has the reference", data=data
    )
    person.refresh_from_db()
    assert person.reference == "R-001"


# Closing support


@pytest.mark.parametrize("persona", ["alice", "mia"])
def test_closing_support_requires_a_reason(world, sign_in, persona):
    person = world.alices_person
    response = sign_in(getattr(world, persona)).post(
        reverse("people:person-status", args=[person.pk]),
        {"status": "closed", "closure_reason": ""},
    )
    assert response.status_code == 200
    soup = page(response)
    assert title_of(soup).startswith("Error:")
    links = error_summary_links(soup)
    assert "Select why support is being closed" in links["#id_closure_reason"]
    assert (
        soup.find("input", attrs={"name": "status", "value": "closed", "checked": True})
        is not None
    )
    person.refresh_from_db()
    assert person.status == "active"


def test_closing_support_with_a_reason_closes_it(world, sign_in):
    person = world.alices_person
    response = sign_in(world.alice).post(
        reverse("people:person-status", args=[person.pk]),
        {"status": "closed", "closure_reason": "moved_away"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[person.pk])
    person.refresh_from_db()
    assert person.status == "closed"
    assert person.closure_reason == "moved_away"


def test_reopening_support_clears_the_closure_reason(world, sign_in):
    person = world.alices_person
    person.status = "closed"
    person.closure_reason = "lost_contact"
    person.save()
    response = sign_in(world.alice).post(
        reverse("people:person-status", args=[person.pk]),
        {"status": "active", "closure_reason": "lost_contact"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "active"
    assert person.closure_reason == ""


def test_a_person_joins_a_caseload_only_where_their_creator_navigates(world, sign_in):
    # Alice navigates at Riverside and also manages Hillside, which comes
    # first by name: the person is added at Hillside, where Alice is not a
    # navigator, so nobody's caseload gains them until a navigator is chosen.
    from caremap.organisations.models import Membership

    Membership.objects.create(
        user=world.alice, role=Membership.Role.MANAGER, organisation=world.hillside
    )
    response = sign_in(world.alice).post(
        reverse("people:person-create"), typed(reference="H-777")
    )
    assert response.status_code == 302
    person = Person.objects.get(reference="H-777")
    assert person.organisation == world.hillside
    assert person.navigator is None
