"""Care-planning pages: for now, the goals a profile suggests."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caremap.assessments.models import Assessment
from caremap.careplans import suggestions as suggesting
from caremap.organisations.rules import person_level_organisation_ids
from caremap.people.permissions import get_person_for_user
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent

GROUPS = [
    ("barrier", _("Deal with first: what is getting in the way")),
    ("need", _("Help you would like")),
    ("strength", _("Build on what is there")),
]


@login_required
def suggestions(request, pk):
    """The goals an assessment's profile suggests, best first, each with why
    and the local resources that could help."""
    assessment = (
        Assessment.objects.submitted()
        .select_related("instrument", "person")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    person = get_person_for_user(request, assessment.person_id)
    assessment.person = person
    record(
        AuditEvent.Action.VIEW,
        by=request.user,
        record=assessment,
        person=person,
        summary="Opened the suggested goals",
    )
    offers = suggesting.for_assessment(
        assessment, organisation_ids=person_level_organisation_ids(request.user)
    )
    instrument = assessment.instrument.instrument
    titles = {d.id: str(d.title) for d in instrument.domains}
    for offer in offers:
        offer.reason_lines = [reason_text(r, titles) for r in offer.suggestion.reasons]
        offer.strength_titles = [titles[s] for s in offer.suggestion.draw_on]
    return render(
        request,
        "careplans/suggestions.html",
        {
            "assessment": assessment,
            "person": person,
            "groups": [
                (heading, [o for o in offers if o.suggestion.category == category])
                for category, heading in GROUPS
            ],
            "count": len(offers),
        },
    )


BAND_WORDS = {
    "red": _("is a priority for now"),
    "amber": _("has some way to go"),
    "green": _("is going well"),
}
# Enough of the person's own words to explain, not to overwhelm.
STATEMENTS_SHOWN = 2


def reason_text(reason, titles):
    """Why a goal came up, in the person's terms."""
    if reason.kind == "barrier":
        return gettext("You said: “%(words)s”") % {"words": " ".join(reason.said)}
    if reason.kind == "need":
        return gettext("You would like: %(words)s") % {"words": " ".join(reason.said)}
    text = gettext("%(area)s %(state)s.") % {
        "area": titles.get(reason.ref, reason.ref),
        "state": BAND_WORDS.get(reason.band, ""),
    }
    said = reason.said[:STATEMENTS_SHOWN]
    if said:
        text += " " + gettext("You did not feel this was true yet: %(words)s") % {
            "words": "; ".join(f"“{words}”" for words in said)
        }
    return text
