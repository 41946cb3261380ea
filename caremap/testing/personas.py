"""The people every permission test is written about.

North Valley is an area with two organisations. At Riverside Recovery,
Alice and Bob are navigators in the same team, Carol navigates in another team,
and Mia manages. Oscar navigates at Hillside, a different organisation in the
same area, and Hugo manages it. Cara commissions for North Valley, Ada
administers the installation, and Nora has an account with no role at all.
"""

import datetime
from types import SimpleNamespace

import pytest

from caremap.accounts.models import User
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.models import Person

PASSWORD = "correct-horse-battery-staple"
SIGN_IN_BACKEND = "caremap.accounts.backends.PasswordBackend"


def make_user(email, full_name, *, password=PASSWORD):
    return User.objects.create_user(email=email, password=password, full_name=full_name)


def make_person(
    organisation,
    *,
    reference,
    given_name="Sam",
    family_name="Jones",
    navigator=None,
    **fields,
):
    fields.setdefault("date_of_birth", datetime.date(1985, 3, 27))
    return Person.objects.create(
        organisation=organisation,
        reference=reference,
        given_name=given_name,
        family_name=family_name,
        navigator=navigator,
        **fields,
    )


def build_world():
    area = Area.objects.create(name="North Valley")
    riverside = Organisation.objects.create(
        area=area, name="Riverside Recovery", kind=Organisation.Kind.TREATMENT_SERVICE
    )
    hillside = Organisation.objects.create(
        area=area,
        name="Hillside Peer Project",
        kind=Organisation.Kind.RECOVERY_COMMUNITY,
    )
    north_team = Team.objects.create(organisation=riverside, name="North team")
    south_team = Team.objects.create(organisation=riverside, name="South team")

    w = SimpleNamespace(
        area=area,
        riverside=riverside,
        hillside=hillside,
        north_team=north_team,
        south_team=south_team,
    )
    w.alice = make_user("alice@riverside.test", "Alice Navigator")
    w.bob = make_user("bob@riverside.test", "Bob Navigator")
    w.carol = make_user("carol@riverside.test", "Carol Navigator")
    w.mia = make_user("mia@riverside.test", "Mia Manager")
    w.oscar = make_user("oscar@hillside.test", "Oscar Outsider")
    w.hugo = make_user("hugo@hillside.test", "Hugo Manager")
    w.cara = make_user("cara@commissioner.test", "Cara Commissioner")
    w.ada = make_user("ada@admin.test", "Ada Administrator")
    w.nora = make_user("nora@nowhere.test", "Nora Norole")

    Membership.objects.create(
        user=w.alice,
        role=Membership.Role.NAVIGATOR,
        organisation=riverside,
        team=north_team,
    )
    Membership.objects.create(
        user=w.bob,
        role=Membership.Role.NAVIGATOR,
        organisation=riverside,
        team=north_team,
    )
    Membership.objects.create(
        user=w.carol,
        role=Membership.Role.NAVIGATOR,
        organisation=riverside,
        team=south_team,
    )
    Membership.objects.create(
        user=w.mia, role=Membership.Role.MANAGER, organisation=riverside
    )
    Membership.objects.create(
        user=w.oscar, role=Membership.Role.NAVIGATOR, organisation=hillside
    )
    Membership.objects.create(
        user=w.hugo, role=Membership.Role.MANAGER, organisation=hillside
    )
    Membership.objects.create(user=w.cara, role=Membership.Role.COMMISSIONER, area=area)
    Membership.objects.create(user=w.ada, role=Membership.Role.ADMINISTRATOR)

    w.alices_person = make_person(
        riverside,
        reference="R-001",
        given_name="Sam",
        family_name="Jones",
        navigator=w.alice,
    )
    w.bobs_person = make_person(
        riverside,
        reference="R-002",
        given_name="Jo",
        family_name="Evans",
        navigator=w.bob,
    )
    w.carols_person = make_person(
        riverside,
        reference="R-003",
        given_name="Rhys",
        family_name="Price",
        navigator=w.carol,
    )
    w.unassigned_person = make_person(
        riverside, reference="R-004", given_name="Lee", family_name="Morgan"
    )
    w.oscars_person = make_person(
        hillside,
        reference="H-001",
        given_name="Ann",
        family_name="Hughes",
        navigator=w.oscar,
    )
    return w


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def sign_in(client):
    """sign_in(user) signs the test client in as that user and returns it."""

    def _sign_in(user):
        client.force_login(user, backend=SIGN_IN_BACKEND)
        return client

    return _sign_in


@pytest.fixture
def instruments(db):
    """The shipped instruments, installed as `make migrate` installs them,
    by instrument id."""
    from caremap.instruments.actions import install_shipped

    return {version.key: version for version in install_shipped()}
