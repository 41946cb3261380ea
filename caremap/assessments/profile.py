"""The score profile: what a completed assessment says, in words, numbers
and charts, and what has changed since the one before.

Built from the stored scores and answers with the instrument version they
were taken with, so a profile reads the same years later."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from caremap.assessments.charts import ChangeRow, ChartRow, bar_chart, dumbbell_chart

BAND_LABELS = {
    "red": gettext_lazy("Red: a priority"),
    "amber": gettext_lazy("Amber: some way to go"),
    "green": gettext_lazy("Green: going well"),
}


def number(value):
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 1), decimal_pos=1)
    return number_format(int(value))


@dataclass
class Line:
    """One row of the profile's data table."""

    label: str
    score: str
    range: str
    band: str
    answered: str = ""


@dataclass
class Strength:
    title: str
    statements: list[str]


@dataclass
class Profile:
    assessment: object
    instrument: object
    scores: dict
    strengths: list[Strength]
    barriers: list[str]
    unmet_needs: list[str]
    composites: list[Line]
    wellbeing: int | None
    summary: str
    chart: object
    table: list[Line]
    other_chart: object | None = None
    change: Change | None = None
    free_text: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Change:
    previous: object
    chart: object
    rows: list[tuple[str, str, str, str]]
    summary: str
    headline: str


def build(assessment, previous=None) -> Profile:
    instrument = assessment.instrument.instrument
    scores = assessment.scores
    answers = assessment.answers
    domains = scores["domains"]

    strengths = []
    for domain_id in scores["strengths"]:
        domain = instrument.domain(domain_id)
        statements = [
            str(item.summary or item.text)
            for item in instrument.domain_items(domain_id)
            if item.id in answers and item.score(answers[item.id]) > 0
        ]
        strengths.append(Strength(str(domain.title), statements))
    barriers = [
        str(instrument.items_by_id[i].summary or instrument.items_by_id[i].text)
        for i in scores["barriers"]
    ]
    needs = {need.id: need for need in instrument.needs}
    unmet = [str(needs[n].title) for n in scores["unmet_needs"]]

    strength_domains = [d for d in instrument.domains if d.strength]
    other_domains = [
        d for d in instrument.domains if not d.strength and d.id != instrument.wellbeing
    ]
    chart = bar_chart(
        [_chart_row(d, domains[d.id]) for d in strength_domains],
        title=_("Strengths by area"),
        description=_("Longer bars mean more strengths in that area."),
    )
    other_chart = None
    if other_domains:
        other_chart = bar_chart(
            [_chart_row(d, domains[d.id]) for d in other_domains],
            title=_("Other areas"),
            description=_("Each bar shows the score and what it means."),
        )

    table = [
        Line(
            label=str(d.title),
            score=number(domains[d.id]["score"])
            if domains[d.id]["complete"]
            else _("Not enough answers"),
            range=f"{number(d.range[0])}–{number(d.range[1])}",
            band=str(BAND_LABELS.get(domains[d.id]["band"], "")),
            answered=_("%(answered)s of %(expected)s")
            % {
                "answered": domains[d.id]["answered"],
                "expected": domains[d.id]["expected"],
            },
        )
        for d in instrument.domains
    ]
    composites = [
        Line(
            label=str(c.title),
            score=number(scores["composites"][c.id]["score"])
            if scores["composites"][c.id]["complete"]
            else _("Not enough answers"),
            range=f"{number(c.range[0])}–{number(c.range[1])}",
            band=str(BAND_LABELS.get(scores["composites"][c.id]["band"], "")),
        )
        for c in instrument.composites
    ]
    wellbeing = (scores.get("wellbeing") or {}).get("percentage")
    free_text = [
        (str(item.text), answers[item.id])
        for item in instrument.items
        if item.type == "text" and answers.get(item.id)
    ]
    profile = Profile(
        assessment=assessment,
        instrument=instrument,
        scores=scores,
        strengths=strengths,
        barriers=barriers,
        unmet_needs=unmet,
        composites=composites,
        wellbeing=wellbeing,
        summary="",
        chart=chart,
        other_chart=other_chart,
        table=table,
        free_text=free_text,
    )
    if previous is not None:
        profile.change = _change(assessment, previous, instrument)
    profile.summary = _summary(profile, len(strength_domains))
    return profile


def _chart_row(domain, result):
    complete = result["complete"]
    return ChartRow(
        label=str(domain.title),
        value=result["score"] if complete else None,
        low=domain.range[0],
        high=domain.range[1],
        band=result["band"],
        band_label=str(BAND_LABELS.get(result["band"], "")),
        value_label=_("%(score)s of %(high)s")
        % {"score": number(result["score"]), "high": number(domain.range[1])}
        if complete
        else _("Not enough answers"),
    )


def _join(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {
        "first": ", ".join(words[:-1]),
        "last": words[-1],
    }


def _summary(profile, strength_areas):
    parts = []
    if profile.strengths:
        parts.append(
            ngettext(
                "You have a strength in %(count)s of %(total)s areas: %(names)s.",
                "You have strengths in %(count)s of %(total)s areas: %(names)s.",
                len(profile.strengths),
            )
            % {
                "count": len(profile.strengths),
                "total": strength_areas,
                "names": _join(s.title.lower() for s in profile.strengths),
            }
        )
    elif strength_areas:
        parts.append(
            _(
                "No area is in the green yet: your plan can start from the "
                "things you said yes to."
            )
        )
    if profile.barriers:
        parts.append(
            ngettext(
                "You named %(count)s thing getting in the way.",
                "You named %(count)s things getting in the way.",
                len(profile.barriers),
            )
            % {"count": len(profile.barriers)}
        )
    else:
        parts.append(_("You did not name anything getting in the way."))
    if profile.unmet_needs:
        parts.append(
            ngettext(
                "You would like help with %(count)s thing you are not getting now: "
                "%(names)s.",
                "You would like help with %(count)s things you are not getting "
                "now: %(names)s.",
                len(profile.unmet_needs),
            )
            % {
                "count": len(profile.unmet_needs),
                "names": _join(n.lower() for n in profile.unmet_needs),
            }
        )
    if profile.wellbeing is not None:
        parts.append(
            _("Your wellbeing score is %(percentage)s%%.")
            % {"percentage": profile.wellbeing}
        )
    if profile.change is not None:
        parts.append(profile.change.headline)
    return " ".join(parts)


def _movement(before, after):
    if before is None or after is None:
        return _("not compared")
    difference = after - before
    if abs(difference) < 1e-9:
        return _("no change")
    if difference > 0:
        return _("up %(amount)s") % {"amount": number(difference)}
    return _("down %(amount)s") % {"amount": number(-difference)}


def _change(assessment, previous, instrument):
    earlier_scores = previous.scores["domains"]
    later_scores = assessment.scores["domains"]
    rows, chart_rows, ups, downs, same = [], [], [], [], []
    for domain in instrument.domains:
        if domain.id not in earlier_scores:
            continue
        before = earlier_scores[domain.id]["score"]
        after = later_scores[domain.id]["score"]
        movement = _movement(before, after)
        rows.append((str(domain.title), number(before), number(after), movement))
        chart_rows.append(
            ChangeRow(
                label=str(domain.title),
                earlier=before,
                later=after,
                low=domain.range[0],
                high=domain.range[1],
                change_label=f"{number(before) or '–'} → {number(after) or '–'} "
                f"({movement})",
            )
        )
        if before is None or after is None:
            continue
        # Barriers go down when things get better, so say what moved, not
        # whether it improved; the words "up" and "down" stay literal.
        if after > before:
            ups.append((domain, before, after))
        elif after < before:
            downs.append((domain, before, after))
        else:
            same.append(domain)
    for composite in instrument.composites:
        before = previous.scores["composites"].get(composite.id, {}).get("score")
        after = assessment.scores["composites"][composite.id]["score"]
        rows.append(
            (
                str(composite.title),
                number(before),
                number(after),
                _movement(before, after),
            )
        )
    since = date_format(previous.submitted_at, "j F Y")
    sentences = [_("Since %(date)s:") % {"date": since}]
    for domain, before, after in ups:
        sentences.append(
            _("%(area)s went up from %(before)s to %(after)s.")
            % {"area": domain.title, "before": number(before), "after": number(after)}
        )
    for domain, before, after in downs:
        sentences.append(
            _("%(area)s went down from %(before)s to %(after)s.")
            % {"area": domain.title, "before": number(before), "after": number(after)}
        )
    if not ups and not downs:
        sentences = [_("Since %(date)s, no area has moved.") % {"date": since}]
    elif same:
        sentences.append(
            ngettext(
                "%(count)s area stayed the same.",
                "%(count)s areas stayed the same.",
                len(same),
            )
            % {"count": len(same)}
        )
    chart = dumbbell_chart(
        chart_rows,
        title=_("What has changed"),
        description=_("Each row shows the earlier score and the latest score."),
        earlier_label=format_lazy(
            "{} ({})", _("Earlier"), date_format(previous.submitted_at, "j M Y")
        ),
        later_label=format_lazy(
            "{} ({})", _("Latest"), date_format(assessment.submitted_at, "j M Y")
        ),
    )
    went_up = ngettext(
        "%(count)s area went up", "%(count)s areas went up", len(ups)
    ) % {"count": len(ups)}
    went_down = ngettext("%(count)s went down", "%(count)s went down", len(downs)) % {
        "count": len(downs)
    }
    headline = _("Since %(date)s, %(up)s and %(down)s.") % {
        "date": since,
        "up": went_up,
        "down": went_down,
    }
    return Change(
        previous=previous,
        chart=chart,
        rows=rows,
        summary=" ".join(sentences),
        headline=headline,
    )
