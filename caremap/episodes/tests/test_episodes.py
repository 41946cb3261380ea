"""Episodes: the rules on their dates and exits, overlaps at one service,
the linkage key across an area's services, re-presentation, and the pages
(who may use them, what they say, what they cost)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caremap.episodes import actions
from caremap.episodes.models import Episode, LinkageSecret
from caremap.organisations.models import Area, Organisation
from caremap.privacy.models import AuditEvent
from caremap.testing.personas import make_person

DAY = datetime.timedelta(days=1)


def ago(days):
    return timezone.localdate() - days * DAY


def record(person, by, **fields):
    values = {
        "referred_on": ago(200),
        "referral_source": Episode.ReferralSource.SELF,
        "substance_group": Episode.SubstanceGroup.ALCOHOL,
        **fields,
    }
    return actions.record_episode(person, by=by, **values)


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# The rules.


def test_an_exit_before_the_start_is_refused_beside_the_exit(world):
    errors = errors_of(
        lambda: record(
            world.alices_person,
            world.alice,
            started_on=ago(100),
            ended_on=ago(120),
            exit_reason=Episode.ExitReason.DROPPED_OUT,
        )
    )
    assert errors == {
        "ended_on": ["The exit date must be on or after the first intervention"]
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"referred_on": ago(-1)}, "referred_on", "must be today or in the past"),
        ({"started_on": ago(-3)}, "started_on", "must be today or in the past"),
        ({"started_on": ago(201)}, "started_on", "on or after the referral"),
        ({"triaged_on": ago(250)}, "triaged_on", "on or after the referral"),
        (
            {"ended_on": ago(250), "exit_reason": "declined"},
            "ended_on",
            "on or after the referral",
        ),
        ({"ended_on": ago(10)}, "exit_reason", "Choose the reason for the exit"),
        ({"exit_reason": "dropped_out"}, "ended_on", "Enter the exit date"),
        (
            {"started_on": ago(150), "ended_on": ago(10), "exit_reason": "declined"},
            "exit_reason",
            "it was not declined",
        ),
        (
            {"ended_on": ago(10), "exit_reason": "completed_free"},
            "exit_reason",
            "needs a date of first intervention",
        ),
    ],
)
def test_impossible_dates_and_exits_are_refused(world, fields, field, message):
    errors = errors_of(lambda: record(world.alices_person, world.alice, **fields))
    assert message in " ".join(errors[field])
    assert not Episode.objects.exists()


def test_an_open_episode_blocks_a_second_at_the_same_service(world):
    record(world.alices_person, world.alice, started_on=ago(190))
    errors = errors_of(
        lambda: record(world.alices_person, world.alice, referred_on=ago(20))
    )
    assert "which is still open" in errors["referred_on"][0]
    assert Episode.objects.count() == 1


def test_an_ended_episode_may_not_be_overlapped_but_may_be_followed(world):
    first = record(
        world.alices_person,
        world.alice,
        started_on=ago(190),
        ended_on=ago(100),
        exit_reason=Episode.ExitReason.DROPPED_OUT,
    )
    errors = errors_of(
        lambda: record(world.alices_person, world.alice, referred_on=ago(150))
    )
    assert "Episodes at the same service cannot overlap" in errors["referred_on"][0]
    # Nor may a correction stretch the first over the second.
    second = record(world.alices_person, world.alice, referred_on=ago(99))
    errors = errors_of(
        lambda: actions.change_episode(first, by=world.alice, ended_on=ago(50))
    )
    assert "still open" in errors["referred_on"][0]
    first.refresh_from_db()
    assert first.ended_on == ago(100)
    assert second.referred_on == ago(99)


def test_the_same_person_at_another_service_is_not_an_overlap(world):
    record(world.alices_person, world.alice, started_on=ago(190))
    elsewhere = make_person(world.hillside, reference="H-9", navigator=world.oscar)
    record(elsewhere, world.oscar, referred_on=ago(30))
    assert Episode.objects.count() == 2


# The key and re-presentation.


def test_episodes_are_keyed_alike_across_an_areas_services(world):
    here = record(world.alices_person, world.alice)
    # Sam Jones, born 27 March 1985, recorded at Hillside as "sam o'jones"
    # would not match (another initial), but "SAM JONES" does.
    elsewhere = make_person(
        world.hillside, reference="H-9", given_name="SAM", family_name="JONES"
    )
    there = record(elsewhere, world.oscar, referred_on=ago(30))
    assert here.linkage_key and here.linkage_key == there.linkage_key
    assert LinkageSecret.objects.count() == 1
    other_area = Area.objects.create(name="South Hills")
    far = Organisation.objects.create(area=other_area, name="Far Away Recovery")
    stranger = make_person(far, reference="F-1")
    assert record(stranger, world.ada, referred_on=ago(30)).linkage_key not in (
        "",
        here.linkage_key,
    )


def completed(person, by, *, ended_days_ago=300, group="alcohol", medication=False):
    return record(
        person,
        by,
        referred_on=ago(ended_days_ago + 200),
        started_on=ago(ended_days_ago + 190),
        ended_on=ago(ended_days_ago),
        exit_reason=Episode.ExitReason.COMPLETED_FREE,
        substance_group=group,
        on_substitution_medication=medication,
    )


def test_a_return_within_six_months_anywhere_in_the_area_is_a_representation(
    world,
):
    exit_ = completed(world.alices_person, world.alice)
    elsewhere = make_person(world.hillside, reference="H-9")
    back = record(elsewhere, world.oscar, referred_on=exit_.ended_on + 170 * DAY)
    assert list(Episode.objects.representations_of(exit_)) == [back]


def test_a_return_after_six_months_is_not(world):
    exit_ = completed(world.alices_person, world.alice, ended_days_ago=400)
    record(world.alices_person, world.alice, referred_on=exit_.ended_on + 190 * DAY)
    assert not Episode.objects.representations_of(exit_).exists()


def test_an_opiate_exit_on_substitution_medication_is_not_a_success(world):
    on_medication = completed(
        world.alices_person, world.alice, group="opiate", medication=True
    )
    without = completed(world.bobs_person, world.bob, group="opiate", medication=False)
    assert not on_medication.successful and without.successful
    assert list(Episode.objects.successful()) == [without]


# Pages.


@pytest.fixture
def episode(world):
    return record(world.alices_person, world.alice, started_on=ago(190))


def page_urls(world, episode):
    person = world.alices_person
    return [
        reverse("episodes:person-episodes", args=[person.pk]),
        reverse("episodes:episode", args=[episode.pk]),
        reverse("episodes:edit", args=[episode.pk]),
        reverse("episodes:exit", args=[episode.pk]),
        reverse("episodes:create", args=[person.pk]),
        reverse("people:person-detail", args=[person.pk]),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("mia", 200), ("oscar", 404), ("cara", 403), ("nora", 403)],
)
def test_who_may_open_each_page(world, episode, sign_in, persona, expected):
    client = sign_in(getattr(world, persona))
    for url in page_urls(world, episode):
        assert client.get(url).status_code == expected, url


def test_refused_people_cannot_record_either(world, sign_in):
    for persona, expected in [("oscar", 404), ("cara", 403)]:
        client = sign_in(getattr(world, persona))
        url = reverse("episodes:create", args=[world.alices_person.pk])
        assert client.post(url, form_data()).status_code == expected
    assert not Episode.objects.exists()


def date_parts(name, day):
    return {
        f"{name}_day": day.day,
        f"{name}_month": day.month,
        f"{name}_year": day.year,
    }


def form_data(**overrides):
    return {
        **date_parts("referred_on", ago(14)),
        "referral_source": "gp",
        "substance_group": "alcohol",
        **overrides,
    }


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_recording_a_referral_and_then_its_exit(world, sign_in):
    client = sign_in(world.alice)
    url = reverse("episodes:create", args=[world.alices_person.pk])
    response = client.post(url, form_data(**date_parts("started_on", ago(7))))
    episode = Episode.objects.get()
    assert response.url == episode.get_absolute_url()
    assert (episode.referred_on, episode.started_on) == (ago(14), ago(7))
    assert episode.recorded_by == world.alice and episode.linkage_key
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        record_id=str(episode.pk),
        actor=world.alice,
        person=world.alices_person,
    ).exists()
    page = soup(client.get(episode.get_absolute_url())).get_text(" ", strip=True)
    assert "7 days after the referral" in page

    exit_url = reverse("episodes:exit", args=[episode.pk])
    form = soup(client.get(exit_url))
    # Each exit reason says when to choose it.
    hint = form.select_one("#id_exit_reason_0-hint").get_text(" ", strip=True)
    assert "no longer needed" in hint
    response = client.post(
        exit_url, {**date_parts("ended_on", ago(1)), "exit_reason": "completed_free"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.ended_on, episode.exit_reason) == (ago(1), "completed_free")
    event = AuditEvent.objects.filter(record_id=str(episode.pk)).latest("pk")
    assert event.summary == "Ended an episode"
    assert event.changes["exit_reason"] == ["", "completed_free"]


def test_mistakes_are_shown_beside_the_fields_and_input_kept(world, sign_in, episode):
    client = sign_in(world.alice)
    exit_url = reverse("episodes:exit", args=[episode.pk])
    response = client.post(
        exit_url,
        {
            "ended_on_day": "31",
            "ended_on_month": "2",
            "ended_on_year": "2026",
            "exit_reason": "dropped_out",
        },
    )
    assert response.status_code == 200
    page = soup(response)
    assert (
        "The date must be a real date"
        in page.select_one(".govuk-error-summary").get_text()
    )
    assert page.select_one("input[name=ended_on_day]")["value"] == "31"
    assert page.select_one("input[value=dropped_out]").has_attr("checked")
    # An exit before the start, refused beside the date.
    response = client.post(
        exit_url, {**date_parts("ended_on", ago(300)), "exit_reason": "dropped_out"}
    )
    assert (
        "on or after the referral"
        in soup(response).select_one("#id_ended_on_error").get_text()
    )
    # A second open referral, refused with the reason.
    response = client.post(
        reverse("episodes:create", args=[world.alices_person.pk]), form_data()
    )
    assert "still open" in soup(response).select_one(".govuk-error-summary").get_text()
    episode.refresh_from_db()
    assert episode.ended_on is None and Episode.objects.count() == 1


def test_pages_cost_a_bounded_number_of_queries(
    world, sign_in, episode, django_assert_max_num_queries
):
    client = sign_in(world.alice)
    for index in range(6):
        record(
            world.bobs_person,
            world.bob,
            referred_on=ago(1000 - index * 100),
            started_on=ago(990 - index * 100),
            ended_on=ago(950 - index * 100),
            exit_reason="transferred",
        )
    for url in page_urls(world, episode)[:4] + [
        reverse("episodes:person-episodes", args=[world.bobs_person.pk])
    ]:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_the_episode_list_groups_journeys(world, sign_in):
    person = world.alices_person
    first = record(
        person,
        world.alice,
        referred_on=ago(400),
        started_on=ago(390),
        ended_on=ago(300),
        exit_reason="transferred",
    )
    record(
        person,
        world.alice,
        referred_on=ago(290),
        started_on=ago(285),
        ended_on=ago(200),
        exit_reason="dropped_out",
    )
    record(person, world.alice, referred_on=ago(20))
    page = soup(
        sign_in(world.alice).get(reverse("episodes:person-episodes", args=[person.pk]))
    )
    headings = [h.get_text(strip=True) for h in page.select("main h2.govuk-heading-m")]
    assert headings[0].startswith("Referred in")
    assert "A journey of 2 episodes" in headings
    assert first.get_absolute_url() in str(page)
    assert "Record a referral" not in page.get_text()
