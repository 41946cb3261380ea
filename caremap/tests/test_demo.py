from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from caremap.accounts.models import User
from caremap.assessments.models import Assessment
from caremap.organisations.models import Area, Membership, Organisation, Team
from caremap.people.models import Person
from caremap.privacy.models import AuditEvent

PASSWORD = "caremap-demo"
MODELS = [Area, Organisation, Team, User, Membership, Person, AuditEvent]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Each run hashes eight passwords; the real hasher would make this file
    # take tens of seconds without testing anything more.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo(*args):
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_creates_the_four_sign_ins_with_their_roles():
    output = run_demo()

    navigator = User.objects.get(email="navigator@demo.caremap.test")
    manager = User.objects.get(email="manager@demo.caremap.test")
    commissioner = User.objects.get(email="commissioner@demo.caremap.test")
    admin = User.objects.get(email="admin@demo.caremap.test")
    for user in (navigator, manager, commissioner, admin):
        assert user.check_password(PASSWORD)
        assert user.email in output
    assert PASSWORD in output

    (membership,) = navigator.memberships.all()
    assert membership.role == Membership.Role.NAVIGATOR
    assert membership.organisation.kind == Organisation.Kind.TREATMENT_SERVICE
    assert membership.team is not None

    (membership,) = manager.memberships.all()
    assert membership.role == Membership.Role.MANAGER
    assert membership.organisation.kind == Organisation.Kind.TREATMENT_SERVICE

    (membership,) = commissioner.memberships.all()
    assert membership.role == Membership.Role.COMMISSIONER
    assert membership.area == Area.objects.get()

    (membership,) = admin.memberships.all()
    assert membership.role == Membership.Role.ADMINISTRATOR
    assert admin.is_administrator


@pytest.mark.django_db
def test_creates_two_organisations_with_two_teams_each():
    run_demo()

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {
        Organisation.Kind.TREATMENT_SERVICE,
        Organisation.Kind.RECOVERY_COMMUNITY,
    }
    for organisation in Organisation.objects.all():
        assert organisation.teams.count() == 2
    assert User.objects.count() < 12


@pytest.mark.django_db
def test_creates_a_varied_set_of_people():
    run_demo()

    people = Person.objects.all()
    assert 35 <= people.count() <= 45
    assert set(people.values_list("pathway", flat=True)) == set(Person.Pathway.values)
    closed = people.filter(status=Person.Status.CLOSED)
    assert closed.exists()
    assert not closed.filter(closure_reason="").exists()
    assert people.filter(navigator=None).exists()
    assert people.filter(preferred_language=Person.Language.WELSH).exists()
    treatment = people.filter(organisation__kind=Organisation.Kind.TREATMENT_SERVICE)
    assert treatment.count() > people.count() / 2


@pytest.mark.django_db
def test_demo_navigators_caseload_is_a_realistic_size():
    run_demo()

    caseload = Person.objects.filter(navigator__email="navigator@demo.caremap.test")
    assert 8 <= caseload.count() <= 15


@pytest.mark.django_db
def test_every_person_has_a_create_audit_event():
    run_demo()

    for person in Person.objects.all():
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.CREATE, person=person, record_type="people.person"
        )
        assert event.source == "demo"


@pytest.mark.django_db
def test_running_twice_adds_nothing():
    first = run_demo()
    assert f"{Person.objects.count()} people" in first
    before = counts()

    output = run_demo()

    assert counts() == before
    assert "already there" in output
    assert "navigator@demo.caremap.test" in output


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refuses_without_debug_or_force():
    with pytest.raises(CommandError, match="--force"):
        call_command("demo", stdout=StringIO())

    assert all(count == 0 for count in counts().values())


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_force_loads_without_debug():
    call_command("demo", "--force", stdout=StringIO())

    assert User.objects.filter(email="navigator@demo.caremap.test").exists()
    assert Person.objects.exists()


@pytest.mark.django_db
def test_every_person_has_two_or_three_quarterly_assessments():
    run_demo()

    for person in Person.objects.all():
        # Quarterly profiles; a check-in between them is another instrument.
        dates = list(
            person.assessments.submitted()
            .filter(instrument__key="recovery-capital-profile")
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
        )
        assert len(dates) in (2, 3), person.reference
        gaps = {(later - earlier).days for earlier, later in pairwise(dates)}
        assert gaps == {91}


@pytest.mark.django_db
def test_demo_assessments_rescore_without_differences():
    run_demo()
    out = StringIO()

    call_command("assessments", "rescore", "--check", stdout=out)

    total = Assessment.objects.submitted().count()
    assert total >= 80
    assert f"Checked {total} completed assessments: no differences." in out.getvalue()


@pytest.mark.django_db
def test_people_have_plans_at_different_stages():
    from django.utils import timezone

    from caremap.careplans.models import CarePlan, Review

    run_demo()
    plans = CarePlan.objects.all()
    with_plan = set(plans.values_list("person_id", flat=True))
    active = Person.objects.filter(status=Person.Status.ACTIVE, navigator__isnull=False)
    # Some people still have a plan to start.
    assert 0 < len(with_plan) < active.count()
    goal_counts = {plan.goals.count() for plan in plans}
    assert goal_counts == {1, 2, 3}
    reviewed = plans.filter(reviews__isnull=False).distinct()
    assert 0 < reviewed.count() < plans.count()
    for review in Review.objects.select_related("assessment", "plan"):
        assert review.assessment.person_id == review.plan.person_id
        assert review.plan.versions.count() == 2
    today = timezone.localdate()
    assert plans.filter(review_due_on__lt=today).exists()
    assert plans.filter(review_due_on__gte=today).exists()


@pytest.mark.django_db
def test_both_audits_have_a_history_and_the_commissioner_sees_them(client):
    from django.urls import reverse

    from caremap.planaudits.models import PlanAudit
    from caremap.selfaudits.models import SelfAudit

    run_demo()
    for organisation in Organisation.objects.all():
        audits = SelfAudit.objects.filter(organisation=organisation)
        completed = audits.filter(status=SelfAudit.Status.COMPLETED)
        assert completed.count() >= 3
        assert len({audit.period_start for audit in completed}) == completed.count()
        assert audits.filter(status=SelfAudit.Status.DRAFT).exists()
        plan_audits = PlanAudit.objects.filter(organisation=organisation)
        assert {a.status for a in plan_audits} == {"open", "completed"}

    client.force_login(User.objects.get(email="commissioner@demo.caremap.test"))
    area = Area.objects.get()
    side_by_side = client.get(reverse("selfaudits:area", args=[area.pk]))
    assert side_by_side.status_code == 200
    for organisation in Organisation.objects.all():
        assert organisation.name in side_by_side.content.decode()
    outcomes = client.get(reverse("reports:area", args=[area.pk]))
    assert outcomes.status_code == 200
    html = outcomes.content.decode()
    for person in Person.objects.all():
        assert f"{person.given_name} {person.family_name}" not in html
