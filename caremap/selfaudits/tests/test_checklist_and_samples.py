import datetime

from django.utils import translation
from django.utils.functional import Promise

from caremap.selfaudits import checklist
from caremap.selfaudits.models import SelfAudit
from caremap.selfaudits.samples import load_demo


def test_the_checklist_has_22_areas_with_stable_keys_and_prompts():
    current = checklist.get(checklist.CURRENT)
    assert current.key == "recovery-orientation-1"
    assert len(current.areas) == 22
    assert len(set(current.keys())) == 22
    for area in current.areas:
        assert isinstance(area.title, Promise)
        assert 2 <= len(area.prompts) <= 3
        assert all(isinstance(prompt, Promise) for prompt in area.prompts)
    assert current.after("practitioner-role").key == "coaching-stance"
    assert current.after("communication") is None


def test_checklist_texts_are_translated_when_shown():
    title = checklist.get(checklist.CURRENT).areas[0].title
    with translation.override("cy"):
        assert isinstance(str(title), str)


def test_the_demo_makes_three_completed_quarters_and_a_draft_once(world):
    today = datetime.date(2026, 12, 7)
    assert load_demo(world.riverside, world.mia, today) == 4
    audits = list(world.riverside.self_audits.order_by("period_start"))
    assert [(a.period_start, a.period_end, a.status) for a in audits] == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "completed"),
        (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "completed"),
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "completed"),
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "draft"),
    ]
    yes = [
        SelfAudit.objects.with_counts().get(pk=audit.pk).yes_count
        for audit in audits[:3]
    ]
    assert yes[0] < yes[1] < yes[2]
    language = [audit.answers.get(area="language").rating for audit in audits[:3]]
    assert language == ["partially", "partially", "no"]
    assert 0 < audits[3].answers.count() < 22
    assert all(answer.evidence for audit in audits for answer in audit.answers.all())
    assert load_demo(world.riverside, world.mia, today) == 0
    assert world.riverside.self_audits.count() == 4
