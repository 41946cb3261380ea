import itertools

import pytest
from django.urls import reverse

from caremap.directory.demo import service_id_for
from caremap.directory.models import Service
from caremap.privacy.models import AuditEvent
from caremap.referrals import actions
from caremap.referrals.models import Rating, RatingSummary, Referral
from caremap.testing.personas import make_person

REFERENCES = itertools.count()
OTHER = "Alcoholics Anonymous: Aberafon Tuesday Night Group"


@pytest.fixture
def referral(directory, mentoring, refer):
    return refer(directory.alices_person, mentoring, by=directory.alice)


def test_rating_and_re_rating_keeps_one_rating(referral, sign_in):
    client = sign_in(referral.created_by)
    url = reverse("referrals:rate", args=[referral.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "---------" not in page.content.decode()

    response = client.post(
        url, {"score": "4", "comment": "Friendly people", "given_by_person": "True"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.given_by_person) == (
        4,
        "Friendly people",
        True,
    )
    assert rating.entered_by == referral.created_by

    response = client.post(
        url, {"score": "2", "comment": "", "given_by_person": "False"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.given_by_person) == (2, "", False)

    events = AuditEvent.objects.filter(record_type="referrals.rating").order_by("pk")
    assert [e.action for e in events] == [
        AuditEvent.Action.CREATE,
        AuditEvent.Action.UPDATE,
    ]
    assert events[1].changes["score"] == [4, 2]
    # The person's words stay on the referral, not in the audit trail.
    assert "Friendly people" not in str([e.changes for e in events])


def test_a_rating_needs_a_score_and_who_gave_it(referral, sign_in):
    client = sign_in(referral.created_by)
    response = client.post(
        reverse("referrals:rate", args=[referral.pk]), {"score": "9"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"score", "given_by_person"}
    assert not Rating.objects.exists()


def test_the_comment_shows_on_the_referral_page(referral, sign_in):
    actions.rate_referral(
        referral,
        score=5,
        comment="Changed my week",
        given_by_person=True,
        by=referral.created_by,
    )
    html = (
        sign_in(referral.created_by).get(referral.get_absolute_url()).content.decode()
    )
    assert "Changed my week" in html
    assert "5 – extremely useful" in html


def rate(world, refer, service, scores):
    for score in scores:
        person = make_person(
            world.riverside,
            reference=f"RATE-{next(REFERENCES)}",
            navigator=world.alice,
        )
        referral = refer(person, service, by=world.alice)
        actions.rate_referral(
            referral,
            score=score,
            comment="private",
            given_by_person=True,
            by=world.alice,
        )


def test_rating_summary_hides_fewer_than_three_ratings(
    directory, mentoring, refer, django_assert_num_queries
):
    other = Service.objects.get(pk=service_id_for(OTHER))
    rate(directory, refer, mentoring, [5, 4])
    rate(directory, refer, other, [1, 2, 2, 5])
    unrated = service_id_for("A service nobody has rated")

    with django_assert_num_queries(1):
        summaries = Referral.objects.rating_summary([mentoring.pk, other.pk, unrated])

    assert summaries[mentoring.pk] == RatingSummary(mean=4.5, count=2)
    assert not summaries[mentoring.pk].shown
    assert summaries[other.pk] == RatingSummary(mean=2.5, count=4)
    assert summaries[other.pk].shown
    assert summaries[unrated].count == 0
    assert not summaries[unrated].shown


def test_rating_summary_rounds_to_one_place(directory, mentoring, refer):
    rate(directory, refer, mentoring, [5, 4, 4])
    summary = Referral.objects.rating_summary([mentoring.pk])[mentoring.pk]
    assert summary == RatingSummary(mean=4.3, count=3)
    assert summary.shown


def test_a_re_rating_counts_once(directory, mentoring, refer):
    rate(directory, refer, mentoring, [1, 1])
    referral = refer(directory.alices_person, mentoring, by=directory.alice)
    actions.rate_referral(referral, score=1, given_by_person=False, by=directory.alice)
    actions.rate_referral(referral, score=4, given_by_person=True, by=directory.alice)
    assert Referral.objects.rating_summary([mentoring.pk])[
        mentoring.pk
    ] == RatingSummary(mean=2.0, count=3)


def test_the_picker_shows_the_average_only_from_three_ratings(
    directory, mentoring, refer, sign_in
):
    rate(directory, refer, mentoring, [5, 4])
    client = sign_in(directory.alice)
    url = (
        reverse("referrals:create", args=[directory.alices_person.pk])
        + "?q=Peer+Mentoring"
    )
    html = client.get(url).content.decode()
    assert "Not enough ratings yet" in html
    assert "out of 5" not in html

    rate(directory, refer, mentoring, [3])
    html = client.get(url).content.decode()
    assert "Rated 4.0 out of 5 by 3 people" in html
    assert "private" not in html
