"""The recovery-orientation checklist a service audits itself against, as data.

Each version is kept for good: an audit stores the version it was answered
against, so when the checklist changes, old audits still show the areas and
prompts their answers were given to. A new version gets a new key; area keys
that mean the same thing keep the same key, so audits can be compared across
versions.

The areas follow the published recovery-oriented integrated systems of care
audit for Welsh substance-misuse services; the wording is the project's own.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    prompts: tuple

    def __str__(self):
        return str(self.title)


@dataclass(frozen=True)
class Checklist:
    key: str
    title: str
    areas: tuple

    def area(self, key):
        return self.by_key().get(key)

    def by_key(self):
        return {area.key: area for area in self.areas}

    def keys(self):
        return [area.key for area in self.areas]

    def after(self, key):
        """The area that follows `key`, or None after the last."""
        keys = self.keys()
        index = keys.index(key)
        return self.areas[index + 1] if index + 1 < len(keys) else None


RECOVERY_ORIENTATION_1 = Checklist(
    key="recovery-orientation-1",
    title=_("Recovery orientation of the service"),
    areas=(
        Area(
            "practitioner-role",
            _("The practitioner's role"),
            (
                _(
                    "Staff work with people as partners and guides, not only as "
                    "experts who decide."
                ),
                _(
                    "People who use the service, volunteers or peer mentors are "
                    "visible in it, and what people say about staff is asked for "
                    "and acted on."
                ),
                _(
                    "The service can say which way of working it uses, since when, "
                    "and how it keeps that up to date with the evidence."
                ),
            ),
        ),
        Area(
            "coaching-stance",
            _("A coaching stance"),
            (
                _(
                    "Workers walk alongside the person and help them find their own "
                    "answers."
                ),
                _("Supervision and observed practice look at how coaching is used."),
            ),
        ),
        Area(
            "recovery-capital",
            _("Recovery capital from day one"),
            (
                _(
                    "From the first meeting the person is helped to see and build "
                    "their own strengths and resources."
                ),
                _(
                    "Recovery capital is explained, assessed and used in the plan, "
                    "not just recorded."
                ),
                _(
                    "People are shown free and community-based options as well as "
                    "the service's own."
                ),
            ),
        ),
        Area(
            "supervision",
            _("Recovery in supervision and appraisal"),
            (
                _("Supervision and appraisal ask about recovery-oriented practice."),
                _(
                    "Staff can learn from each other, for example in peer or group "
                    "supervision."
                ),
            ),
        ),
        Area(
            "language",
            _("Language"),
            (
                _(
                    "Leaflets, the website, case notes and conversations use hopeful, "
                    "strengths-based words."
                ),
                _("People who use the service help choose the words the service uses."),
            ),
        ),
        Area(
            "tools",
            _("Tools for planning recovery"),
            (
                _(
                    "Workers use visual and recovery-focused tools, such as maps and "
                    "recovery plans, and are trained in them."
                ),
                _("The tool used can change to suit what the person prefers."),
            ),
        ),
        Area(
            "workforce",
            _("Workforce development"),
            (
                _(
                    "Training and personal development plans cover the recovery "
                    "approach, beliefs and attitudes."
                ),
                _(
                    "Staff meet recovery communities and groups of people who use "
                    "services, not only read about them."
                ),
            ),
        ),
        Area(
            "integration",
            _("Psychosocial and medical care together"),
            (
                _(
                    "Talking support and medical treatment are planned together, "
                    "not side by side in isolation."
                ),
                _(
                    "Care pathways, agreements and the ways services talk to each "
                    "other are written down and known."
                ),
            ),
        ),
        Area(
            "lived-experience",
            _("Recovery champions and lived experience"),
            (
                _(
                    "People with lived experience, recovery champions and peer "
                    "mentors have a real part in formal treatment."
                ),
                _(
                    "In-house peer groups run, and mutual aid and community "
                    "resources are promoted, with routes to them."
                ),
            ),
        ),
        Area(
            "partnership",
            _("Partnership working"),
            (
                _(
                    "Staff know the other services in the area, what they offer and "
                    "how to reach them, and promote them as keenly as their own."
                ),
                _(
                    "Referrals onward are followed up, and partners are asked how "
                    "working together is going."
                ),
            ),
        ),
        Area(
            "family",
            _("Family and carer involvement"),
            (
                _("There is information and support for families and carers."),
                _(
                    "Where the person wishes, family or carers take part in planning "
                    "and their views are asked for."
                ),
            ),
        ),
        Area(
            "community-linkage",
            _("Active links to the recovery community"),
            (
                _(
                    "Workers actively introduce people to mutual aid, peer support "
                    "and community groups, rather than only handing out leaflets."
                ),
                _("Peer support groups and recovery champions are available."),
            ),
        ),
        Area(
            "aftercare",
            _("Aftercare"),
            (
                _(
                    "Support after structured treatment is planned before it ends "
                    "and is part of the care pathway."
                ),
                _("There are clear routes into aftercare, written into agreements."),
            ),
        ),
        Area(
            "re-intervention",
            _("Early re-intervention"),
            (
                _(
                    "People who begin to struggle after leaving can come back quickly "
                    "without starting again from the beginning."
                ),
                _("The care pathway says how this happens."),
            ),
        ),
        Area(
            "care-coordination",
            _("Care coordination"),
            (
                _(
                    "One plan is coordinated across the services a person uses, with "
                    "a named lead."
                ),
                _("Case files show services working together on the plan."),
            ),
        ),
        Area(
            "environment",
            _("Environment"),
            (
                _("The places where support happens are welcoming, safe and hopeful."),
                _(
                    "Premises are reviewed, and people who use them are asked what "
                    "they think."
                ),
            ),
        ),
        Area(
            "flexible-engagement",
            _("Flexible engagement, assessment and planning"),
            (
                _(
                    "Opening hours, appointments and ways of engaging adapt to the "
                    "person's needs."
                ),
                _(
                    "Peers help people to attend, and people are signposted to help "
                    "out of hours."
                ),
            ),
        ),
        Area(
            "flexible-admin",
            _("Flexible administration"),
            (
                _(
                    "People are asked how they prefer to be contacted: letter, text "
                    "or phone."
                ),
                _("Letters and messages are friendly and easy to understand."),
            ),
        ),
        Area(
            "outcomes",
            _("Outcomes and data"),
            (
                _(
                    "Outcomes, including recovery capital, are measured at the start, "
                    "along the way and at exit."
                ),
                _(
                    "Results, including how and why people leave, are reviewed and "
                    "used to improve the service."
                ),
            ),
        ),
        Area(
            "management",
            _("Support from management"),
            (
                _(
                    "Managers state the recovery approach and back it in plans, "
                    "reports and team meetings."
                ),
                _(
                    "Staff development and standards are built around recovery, and "
                    "staff say they feel supported in it."
                ),
            ),
        ),
        Area(
            "involvement",
            _("Service-user involvement"),
            (
                _(
                    "People who use the service help design and review it, for "
                    "example through groups, surveys and meetings."
                ),
                _(
                    "They sit on interview panels and have a say in how performance "
                    "is judged."
                ),
            ),
        ),
        Area(
            "communication",
            _("Communication"),
            (
                _(
                    "Information about the service reaches people in several ways: "
                    "the website, leaflets and social media."
                ),
                _("The service follows the area's plan for communication."),
            ),
        ),
    ),
)

CHECKLISTS = {RECOVERY_ORIENTATION_1.key: RECOVERY_ORIENTATION_1}
CURRENT = RECOVERY_ORIENTATION_1.key


def get(version):
    return CHECKLISTS[version]


def version_choices():
    return [(key, checklist.title) for key, checklist in CHECKLISTS.items()]
