import datetime

from django.utils import timezone

from caremap.planaudits.models import PlanAudit, PlanAuditItem
from caremap.planaudits.samples import EARLIER_DAYS_AGO, load_demo
from caremap.planaudits.tests.conftest import good_plan
from caremap.privacy.models import AuditEvent


def test_the_demo_adds_a_completed_and_an_open_audit_once(world, many_people):
    good_plan(world.alices_person, by=world.alice)
    many_people(6, world.bob)
    today = timezone.localdate()
    assert load_demo(world.riverside, world.mia, today) == 2
    completed, current = PlanAudit.objects.order_by("created_at")
    assert completed.status == "completed"
    assert timezone.localdate(completed.created_at) == today - datetime.timedelta(
        days=EARLIER_DAYS_AGO
    )
    assert completed.completed_at > completed.created_at
    assert not completed.items.filter(reviewed_at__isnull=True).exists()
    assert current.is_open and current.sample_size == 7
    assert current.items.filter(reviewed_at__isnull=False).count() == 3
    events = AuditEvent.objects.filter(record_type__startswith="planaudits.").count()

    assert load_demo(world.riverside, world.mia, today) == 0
    assert PlanAudit.objects.count() == 2
    assert PlanAuditItem.objects.count() == 12
    assert (
        AuditEvent.objects.filter(record_type__startswith="planaudits.").count()
        == events
    )


def test_the_demo_does_nothing_without_active_plans(world):
    assert load_demo(world.hillside, world.hugo, timezone.localdate()) == 0
    assert not PlanAudit.objects.exists()
