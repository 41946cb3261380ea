"""Made-up answers for the demo service and the benchmarks.

`plausible_answers` answers every item of an instrument the way someone
might, leaning towards stronger answers as `progress` grows from 0 to 1, so a
made-up person's assessments show recovery capital building over time.
"""

import datetime


def plausible_answers(instrument, rng, progress):
    answers = {}
    needs = {n.wanted: n for n in instrument.needs}
    received_items = {n.received for n in instrument.needs}
    lean = 0.3 + 0.5 * progress  # chance of a good answer
    for item in instrument.items:
        if item.optional and rng.random() < 0.5:
            continue
        if item.id in needs:
            answers[item.id] = rng.random() < 0.45 - 0.2 * progress
        elif item.id in received_items:
            answers[item.id] = rng.random() < 0.2 + 0.3 * progress
        elif item.type == "yes_no":
            good = rng.random() < lean
            if item.is_barrier:
                good = rng.random() < lean + 0.2
                answers[item.id] = not good
            else:
                answers[item.id] = good != item.reverse
        elif item.type == "scale":
            values = sorted(p.value for p in item.points)
            position = min(
                len(values) - 1,
                int(rng.random() * 0.6 * len(values) + lean * 0.6 * len(values)),
            )
            answers[item.id] = values[position if not item.reverse else -1 - position]
        elif item.type == "number":
            span = item.maximum - item.minimum
            answers[item.id] = item.minimum + int(
                rng.random() * min(span, 28) * (1 - lean)
            )
        elif item.type == "single_choice":
            answers[item.id] = rng.choice(item.options).code
        elif item.type == "multiple_choice":
            answers[item.id] = [o.code for o in item.options if rng.random() < 0.3]
        elif item.type == "date":
            answers[item.id] = (
                datetime.date(2026, 1, 1) - datetime.timedelta(days=rng.randrange(400))
            ).isoformat()
        elif item.type == "text" and rng.random() < 0.5:
            answers[item.id] = rng.choice(
                [
                    "Getting back into work.",
                    "Finding somewhere settled to live.",
                    "Seeing more of my children.",
                    "Sleeping better.",
                ]
            )
    return answers


def complete_assessment(person, version, answers, *, by, when):
    """Take a whole assessment through the same actions the pages use, so
    made-up data is stored exactly as real data is."""
    from caremap.assessments import actions

    assessment, _created = actions.start_assessment(person, version, by=by, at=when)
    instrument = version.instrument
    for section in instrument.sections:
        actions.save_section(
            assessment,
            section,
            {i.id: answers[i.id] for i in section.items if i.id in answers},
            by=by,
        )
    submitted, _first = actions.submit_assessment(assessment, by=by, submitted_at=when)
    return submitted
