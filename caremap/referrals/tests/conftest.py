import pytest

from caremap.directory.actions import load_demo_directory
from caremap.directory.demo import service_id_for
from caremap.directory.models import Service
from caremap.referrals import actions
from caremap.referrals.models import Referral

MENTORING = "Afon Valley Peer Mentoring"
CLOSED_MEETING = "Narcotics Anonymous: Tregarth Sunday Meeting"


@pytest.fixture
def directory(world):
    """The demo directory, listed in the world's area."""
    load_demo_directory(world.area)
    return world


@pytest.fixture
def mentoring(directory):
    return Service.objects.get(pk=service_id_for(MENTORING))


@pytest.fixture
def refer():
    """refer(person, service, by=..., **fields) makes a referral the way the
    form does, through the action."""

    def _refer(person, service, *, by, **fields):
        values = {
            "kind": Referral.Kind.REFER,
            "reason": "Wants someone to talk to who has been there",
            "shared": [Referral.Shared.CONTACT, Referral.Shared.REASON],
            "person_agreed": True,
            "consent_method": Referral.Consent.IN_PERSON,
        }
        values.update(fields)
        return actions.create_referral(
            Referral(person=person, service=service, **values), by=by
        )

    return _refer


def referral_post(**overrides):
    data = {
        "kind": "refer",
        "reason": "Wants to meet others in recovery",
        "shared": ["contact", "reason"],
        "shared_note": "",
        "person_agreed": "on",
        "consent_method": "in_person",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
