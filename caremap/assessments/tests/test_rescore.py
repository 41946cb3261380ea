"""`caremap assessments rescore --check`: every completed assessment's
stored scores must be what its answers and instrument version give today."""

import copy
import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from caremap.assessments import actions
from caremap.assessments.models import Assessment
from caremap.assessments.samples import complete_assessment, plausible_answers


def made_up(seed):
    return random.Random(seed)


@pytest.fixture
def completed(world, instruments):
    """Completed assessments of every shipped instrument, for two people."""
    when = timezone.now() - datetime.timedelta(days=60)
    done = []
    for seed, (person, by) in enumerate(
        [(world.alices_person, world.alice), (world.oscars_person, world.oscar)]
    ):
        for _key, version in sorted(instruments.items()):
            done.append(
                complete_assessment(
                    person,
                    version,
                    plausible_answers(version.instrument, made_up(seed), 0.5),
                    by=by,
                    when=when,
                )
            )
    # A draft has no scores yet and is not checked.
    actions.start_assessment(
        world.alices_person, instruments["recovery-capital-profile"], by=world.alice
    )
    return done


def rescore(capsys):
    """Runs the check; returns (exit status, stdout, stderr)."""
    try:
        call_command("assessments", "rescore", "--check")
    except SystemExit as exit:
        status = exit.code
    else:
        status = 0
    out, err = capsys.readouterr()
    return status, out, err


def test_freshly_completed_assessments_have_no_differences(completed, capsys):
    status, out, err = rescore(capsys)
    assert status == 0
    assert f"Checked {len(completed)} completed assessments: no differences." in out
    assert err == ""


def test_nothing_to_check_is_no_difference(db, capsys):
    status, out, _err = rescore(capsys)
    assert status == 0
    assert "Checked 0 completed assessments: no differences." in out


def test_a_tampered_score_is_reported_by_id(completed, capsys):
    target = completed[1]
    tampered = copy.deepcopy(target.scores)
    domain = next(iter(tampered["domains"]))
    tampered["domains"][domain]["score"] = -1
    Assessment.objects.filter(pk=target.pk).update(scores=tampered)

    status, out, err = rescore(capsys)

    assert status == 1
    assert "no differences" not in out
    reported = [line for line in err.splitlines() if line.startswith("Assessment ")]
    assert len(reported) == 1
    assert reported[0].startswith(f"Assessment {target.pk} ")
    assert domain in reported[0]
    assert f"1 of {len(completed)} completed assessments differ." in err
    # Only checked, never rewritten.
    assert Assessment.objects.get(pk=target.pk).scores == tampered


def test_every_tampered_assessment_is_reported(completed, capsys):
    targets = [completed[0], completed[-1]]
    for target in targets:
        changed = copy.deepcopy(target.scores)
        changed["barriers"] = [*changed["barriers"], "made-up-barrier"]
        Assessment.objects.filter(pk=target.pk).update(scores=changed)

    status, _out, err = rescore(capsys)

    assert status == 1
    reported = sorted(
        int(line.split()[1])
        for line in err.splitlines()
        if line.startswith("Assessment ")
    )
    assert reported == sorted(target.pk for target in targets)
    assert "barriers" in err
    assert f"2 of {len(completed)} completed assessments differ." in err


def test_answers_that_no_longer_fit_the_instrument_are_reported(completed, capsys):
    target = completed[0]
    answers = dict(target.answers)
    answers["no-such-item"] = True
    Assessment.objects.filter(pk=target.pk).update(answers=answers)

    status, _out, err = rescore(capsys)

    assert status == 1
    assert f"Assessment {target.pk}: its answers no longer fit" in err
    assert "no-such-item" in err


def test_rescoring_without_check_is_refused(completed):
    with pytest.raises(CommandError, match="use --check"):
        call_command("assessments", "rescore")
