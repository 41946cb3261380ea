import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from caremap.privacy.models import AuditEvent
from caremap.referrals import actions
from caremap.referrals.models import Referral, ReferralUpdate

S = Referral.Status


def date_post(day, **fields):
    return {
        "on_day": str(day.day),
        "on_month": str(day.month),
        "on_year": str(day.year),
        "note": "",
        **fields,
    }


@pytest.fixture
def referral(directory, mentoring, refer):
    return refer(directory.alices_person, mentoring, by=directory.alice)


def test_the_transition_table_covers_every_status():
    assert set(Referral.TRANSITIONS) == set(S)
    for targets in Referral.TRANSITIONS.values():
        assert set(targets) <= set(S)
    assert Referral.TRANSITIONS[S.CLOSED] == ()
    assert S.ACCEPTED in Referral.TRANSITIONS[S.DID_NOT_ATTEND]


ALLOWED = [
    (start, end) for start, targets in Referral.TRANSITIONS.items() for end in targets
]


def put_in(referral, status):
    """Move `referral` to `status` along allowed transitions."""
    path = {
        S.SENT: [],
        S.ACCEPTED: [S.ACCEPTED],
        S.DECLINED: [S.DECLINED],
        S.ATTENDED: [S.ACCEPTED, S.ATTENDED],
        S.DID_NOT_ATTEND: [S.ACCEPTED, S.DID_NOT_ATTEND],
        S.CLOSED: [S.CLOSED],
    }[status]
    for step in path:
        actions.update_referral_status(
            referral, step, on=timezone.localdate(), by=referral.created_by
        )
    return referral


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_every_allowed_transition_works_through_the_form(referral, sign_in, start, end):
    put_in(referral, start)
    before = ReferralUpdate.objects.count()
    client = sign_in(referral.created_by)
    url = reverse("referrals:update", args=[referral.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [
        value for value, _label in page.context["form"].fields["to_status"].choices
    ] == list(Referral.TRANSITIONS[start])

    response = client.post(
        url, date_post(timezone.localdate(), to_status=end, note="Rang them")
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == end
    update = ReferralUpdate.objects.latest("pk")
    assert ReferralUpdate.objects.count() == before + 1
    assert (update.from_status, update.to_status) == (start, end)
    assert update.note == "Rang them"
    assert update.by == referral.created_by
    assert update.on == timezone.localdate()
    assert referral.status_changed_at == update.at
    event = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, record_type="referrals.referral"
    ).first()
    assert event.changes["status"] == [start, end]
    assert event.person == referral.person


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (S.SENT, S.ATTENDED),
        (S.SENT, S.DID_NOT_ATTEND),
        (S.DECLINED, S.ACCEPTED),
        (S.ATTENDED, S.DID_NOT_ATTEND),
        (S.CLOSED, S.SENT),
        (S.SENT, "nonsense"),
    ],
)
def test_an_invalid_transition_is_a_form_error(referral, sign_in, start, end):
    put_in(referral, start)
    before = ReferralUpdate.objects.count()
    client = sign_in(referral.created_by)
    response = client.post(
        reverse("referrals:update", args=[referral.pk]),
        date_post(timezone.localdate(), to_status=end),
    )
    referral.refresh_from_db()
    assert referral.status == start
    assert ReferralUpdate.objects.count() == before
    if start == S.CLOSED:
        # A closed referral has nowhere to go: back to its page with a message.
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "to_status" in response.context["form"].errors
        assert "not possible" in response.context["form"].errors["to_status"][0]


def test_the_action_refuses_an_invalid_transition(referral):
    with pytest.raises(actions.InvalidTransition) as caught:
        actions.update_referral_status(
            referral, S.ATTENDED, on=timezone.localdate(), by=referral.created_by
        )
    assert caught.value.code == "not_allowed"
    assert not ReferralUpdate.objects.exists()


def test_a_double_submit_records_one_update(referral, sign_in):
    client = sign_in(referral.created_by)
    url = reverse("referrals:update", args=[referral.pk])
    data = date_post(timezone.localdate(), to_status=S.ACCEPTED)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 302
    assert second["Location"] == referral.get_absolute_url()
    assert ReferralUpdate.objects.count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.UPDATE, record_type="referrals.referral"
        ).count()
        == 1
    )


def test_a_stale_referral_object_is_rechecked_inside_the_lock(referral):
    """Two requests loaded the referral while it was sent; the second one's
    copy is out of date by the time it runs."""
    stale = Referral.objects.get(pk=referral.pk)
    actions.update_referral_status(
        referral, S.ACCEPTED, on=timezone.localdate(), by=referral.created_by
    )
    with pytest.raises(actions.InvalidTransition) as caught:
        actions.update_referral_status(
            stale, S.ACCEPTED, on=timezone.localdate(), by=referral.created_by
        )
    assert caught.value.code == "already"
    with pytest.raises(actions.InvalidTransition):
        actions.update_referral_status(
            stale, S.DECLINED, on=timezone.localdate(), by=referral.created_by
        )
    assert ReferralUpdate.objects.count() == 1


def test_did_not_attend_can_be_rebooked(referral):
    put_in(referral, S.DID_NOT_ATTEND)
    actions.update_referral_status(
        referral, S.ACCEPTED, on=timezone.localdate(), by=referral.created_by
    )
    actions.update_referral_status(
        referral, S.ATTENDED, on=timezone.localdate(), by=referral.created_by
    )
    assert list(ReferralUpdate.objects.values_list("to_status", flat=True)) == [
        S.ACCEPTED,
        S.DID_NOT_ATTEND,
        S.ACCEPTED,
        S.ATTENDED,
    ]


def test_the_date_defaults_to_today(referral, sign_in):
    client = sign_in(referral.created_by)
    form = client.get(reverse("referrals:update", args=[referral.pk])).context["form"]
    assert form["on"].value() == timezone.localdate()


def test_the_date_cannot_be_in_the_future(referral, sign_in):
    client = sign_in(referral.created_by)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("referrals:update", args=[referral.pk]),
        date_post(tomorrow, to_status=S.ACCEPTED),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"] == [
        "The date must be today or in the past"
    ]
    assert not ReferralUpdate.objects.exists()


def test_the_date_cannot_be_before_the_referral(directory, mentoring, refer, sign_in):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC)):
        referral = refer(directory.alices_person, mentoring, by=directory.alice)
    client = sign_in(directory.alice)
    url = reverse("referrals:update", args=[referral.pk])
    response = client.post(
        url, date_post(datetime.date(2026, 3, 9), to_status=S.ACCEPTED)
    )
    assert response.status_code == 200
    assert "on or after 10 March 2026" in response.context["form"].errors["on"][0]
    assert not ReferralUpdate.objects.exists()

    response = client.post(
        url, date_post(datetime.date(2026, 3, 10), to_status=S.ACCEPTED)
    )
    assert response.status_code == 302
    assert ReferralUpdate.objects.get().on == datetime.date(2026, 3, 10)


def test_a_date_that_is_not_real_is_refused(referral, sign_in):
    client = sign_in(referral.created_by)
    response = client.post(
        reverse("referrals:update", args=[referral.pk]),
        {"on_day": "31", "on_month": "2", "on_year": "2026", "to_status": S.ACCEPTED},
    )
    assert response.status_code == 200
    assert "must be a real date" in response.context["form"].errors["on"][0]


def test_the_action_checks_the_date_too(referral):
    with pytest.raises(ValidationError) as caught:
        actions.update_referral_status(
            referral,
            S.ACCEPTED,
            on=timezone.localdate() + datetime.timedelta(days=3),
            by=referral.created_by,
        )
    assert "on" in caught.value.message_dict
    assert not ReferralUpdate.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("oscar", 404), ("carol", 404), ("cara", 403)]
)
def test_outsiders_cannot_update_or_see_a_referral(referral, sign_in, persona, status):
    client = sign_in(_persona(referral, persona))
    for name in ("detail", "update", "rate"):
        assert (
            client.get(reverse(f"referrals:{name}", args=[referral.pk])).status_code
            == status
        )
    response = client.post(
        reverse("referrals:update", args=[referral.pk]),
        date_post(timezone.localdate(), to_status=S.ACCEPTED),
    )
    assert response.status_code == status
    assert not ReferralUpdate.objects.exists()


def _persona(referral, name):
    from caremap.accounts.models import User

    return User.objects.get(email__startswith=f"{name}@")


def test_a_missing_referral_is_not_found_but_commissioners_are_refused(
    directory, sign_in
):
    assert (
        sign_in(directory.alice)
        .get(reverse("referrals:detail", args=[999]))
        .status_code
        == 404
    )
    assert (
        sign_in(directory.cara).get(reverse("referrals:detail", args=[999])).status_code
        == 403
    )


def test_the_referral_page_shows_its_history(referral, sign_in):
    put_in(referral, S.ATTENDED)
    client = sign_in(referral.created_by)
    response = client.get(referral.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sent to Accepted" in html
    assert "Accepted to Attended" in html
    assert "Name and contact details" in html
    assert "In person" in html
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person=referral.person
    ).exists()
