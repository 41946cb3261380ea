"""A made-up community directory for the Afon Valley demo area.

Everything here is fictional: the valley, its towns (Aberafon, Cwmafon,
Glanafon, Pontafon, Tregarth), the venues, streets and postcodes, and every
organisation except the mutual-aid fellowships, whose names are used only as
facts about what kind of meeting is held. No text is taken from any
fellowship's literature. Phone numbers are in Ofcom's ranges kept for drama
(01632 960000 to 960999 and 07700 900000 to 900999), and email addresses and
websites are at example.org, so nothing here can reach a real person.

`demo_document()` is an HSDS 3.0 document (a list of services) for
`caremap.directory.importing.import_document`; `demo_listings()` holds what
Caremap knows about each service beyond HSDS, keyed by service id. Ids are
`uuid5` names, so every run gives the same ones.
"""

from __future__ import annotations

import copy
import datetime
import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/caremap/demo-directory")

PATHWAYS_ALL = [
    "abstinence",
    "moderation",
    "medication_assisted",
    "harm_reduction",
    "not_decided",
]
ABSTINENCE = ["abstinence"]

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {"1": "First", "2": "Second", "3": "Third", "4": "Fourth", "-1": "Last"}
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def service_id_for(name: str) -> str:
    """A demo service's id, the same on every run."""
    return str(uuid.uuid5(NAMESPACE, name))


def _id(*parts: str) -> str:
    # Other rows' ids name their table first, so none can equal a service's.
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


# Venues: key -> (name, street, town, postcode, latitude, longitude,
# accessibility note or None). The valley sits around 51.70, -3.40.
VENUES = {
    "aberafon-vestry": (
        "Bethania Chapel Vestry",
        "14 Heol y Capel",
        "Aberafon",
        "CF99 9AB",
        51.7012,
        -3.4021,
        "Step-free entrance from the side car park; accessible toilet.",
    ),
    "aberafon-hub": (
        "Aberafon Community Hub",
        "3 Sgwâr y Farchnad",
        "Aberafon",
        "CF99 9AD",
        51.6995,
        -3.3987,
        "Level access throughout and a hearing loop in the main room.",
    ),
    "aberafon-lantern": (
        "The Lantern",
        "27 Stryd Fawr",
        "Aberafon",
        "CF99 9AF",
        51.7003,
        -3.4005,
        "Ramp at the front door; the café is all on the ground floor.",
    ),
    "aberafon-surgery": (
        "Heol y Bont Surgery",
        "2 Heol y Bont",
        "Aberafon",
        "CF99 9AH",
        51.7031,
        -3.3958,
        "Automatic doors, wheelchair-height reception desk and parking bays.",
    ),
    "aberafon-advice": (
        "Tŷ Cyngor",
        "19 Stryd y Bont",
        "Aberafon",
        "CF99 9AJ",
        51.6990,
        -3.4012,
        None,
    ),
    "aberafon-civic": (
        "Aberafon Civic Offices",
        "1 Ffordd yr Orsaf",
        "Aberafon",
        "CF99 9AL",
        51.6978,
        -3.4051,
        "Lift to all floors; ask at reception for a quiet room.",
    ),
    "aberafon-das": (
        "Afon Valley Drug and Alcohol Service",
        "Unit 4, Parc Busnes Glan yr Afon",
        "Aberafon",
        "CF99 9AN",
        51.6960,
        -3.3920,
        "Level access and an accessible toilet.",
    ),
    "aberafon-health": (
        "Aberafon Health Centre",
        "Lôn yr Ysbyty",
        "Aberafon",
        "CF99 9AP",
        51.7045,
        -3.4080,
        "Level access; hearing loop at the front desk.",
    ),
    "cwmafon-hall": (
        "Cwmafon Workmen's Hall",
        "6 Heol yr Eglwys",
        "Cwmafon",
        "CF99 9BA",
        51.7452,
        -3.4447,
        None,
    ),
    "cwmafon-hen-ysgol": (
        "Hen Ysgol Community Centre",
        "Teras yr Ysgol",
        "Cwmafon",
        "CF99 9BD",
        51.7468,
        -3.4421,
        "Ground-floor meeting room with step-free access from the yard.",
    ),
    "cwmafon-college": (
        "Coleg Afon, Cwmafon Campus",
        "Ffordd y Coleg",
        "Cwmafon",
        "CF99 9BE",
        51.7425,
        -3.4489,
        "Lifts and accessible toilets in every building.",
    ),
    "cwmafon-stiwdio": (
        "Y Stiwdio",
        "2 Teras y Glöwr",
        "Cwmafon",
        "CF99 9BF",
        51.7441,
        -3.4466,
        None,
    ),
    "glanafon-seion": (
        "Seion Chapel Hall",
        "8 Stryd Seion",
        "Glanafon",
        "CF99 9DA",
        51.6605,
        -3.3612,
        "Two steps at the front; a portable ramp is kept inside the door.",
    ),
    "glanafon-childrens": (
        "Glanafon Children's Centre",
        "Ffordd y Parc",
        "Glanafon",
        "CF99 9DB",
        51.6589,
        -3.3575,
        "Level access, baby-changing and space for buggies.",
    ),
    "glanafon-allotments": (
        "Glanafon Allotments",
        "Lôn y Gerddi",
        "Glanafon",
        "CF99 9DD",
        51.6627,
        -3.3648,
        "Firm paths to the raised beds; the shed has a level entrance.",
    ),
    "glanafon-library": (
        "Glanafon Library",
        "21 Heol y Dderwen",
        "Glanafon",
        "CF99 9DE",
        51.6598,
        -3.3594,
        None,
    ),
    "pontafon-pharmacy": (
        "Pontafon Pharmacy",
        "11 Heol Fawr",
        "Pontafon",
        "CF99 9EA",
        51.6803,
        -3.3098,
        "Level access; a private consultation room is available.",
    ),
    "pontafon-welfare": (
        "Pontafon Welfare Hall",
        "Stryd y Neuadd",
        "Pontafon",
        "CF99 9EB",
        51.6812,
        -3.3121,
        None,
    ),
    "pontafon-park": (
        "Parc Pontafon bandstand",
        "Heol y Parc",
        "Pontafon",
        "CF99 9ED",
        51.6788,
        -3.3075,
        None,
    ),
    "pontafon-ty-newydd": (
        "Tŷ Newydd",
        "40 Heol y Felin",
        "Pontafon",
        "CF99 9EF",
        51.6821,
        -3.3140,
        "Two ground-floor flats are adapted for wheelchair users.",
    ),
    "tregarth-memorial": (
        "Tregarth Memorial Hall",
        "Sgwâr y Cofeb",
        "Tregarth",
        "CF99 9FA",
        51.7254,
        -3.3302,
        "Step-free access and an accessible toilet.",
    ),
    "tregarth-family": (
        "Tregarth Family Centre",
        "5 Clos y Deri",
        "Tregarth",
        "CF99 9FB",
        51.7238,
        -3.3275,
        None,
    ),
}

# Organisations: key -> (name, description, web path, email local part).
ORGANIZATIONS = {
    "aa": (
        "Alcoholics Anonymous (Afon Valley groups)",
        "The local groups of Alcoholics Anonymous, a fellowship of people who "
        "help each other stop drinking. Groups are run by their members.",
        "afon-aa",
        "aa-afon",
    ),
    "na": (
        "Narcotics Anonymous (Afon Valley groups)",
        "The local groups of Narcotics Anonymous, a fellowship of people "
        "helping each other to stay clean from drugs.",
        "afon-na",
        "na-afon",
    ),
    "ca": (
        "Cocaine Anonymous (Afon Valley groups)",
        "The local groups of Cocaine Anonymous, a fellowship for people who "
        "want to stop using cocaine and other mind-altering substances.",
        "afon-ca",
        "ca-afon",
    ),
    "smart": (
        "SMART Recovery (Afon Valley meetings)",
        "Local SMART Recovery meetings, where people use practical tools to "
        "change their drinking, drug use or other habits, led by trained "
        "volunteer facilitators.",
        "afon-smart",
        "smart-afon",
    ),
    "al-anon": (
        "Al-Anon Family Groups (Afon Valley)",
        "Local Al-Anon groups for family members and friends of people whose "
        "drinking has affected them.",
        "afon-al-anon",
        "al-anon-afon",
    ),
    "dharma": (
        "Recovery Dharma Afon Valley",
        "A peer-led group using meditation and Buddhist ideas to support "
        "recovery from addiction.",
        "afon-recovery-dharma",
        "dharma-afon",
    ),
    "women": (
        "Afon Valley Women in Recovery",
        "An independent group run by and for women in recovery from alcohol or drugs.",
        "afon-women-in-recovery",
        "women-in-recovery",
    ),
    "lantern": (
        "Lantern Recovery Café CIC",
        "A community interest company run by people in recovery, home of "
        "the Lantern recovery café and the valley's recovery community forum.",
        "lantern",
        "hello-lantern",
    ),
    "peer-mentors": (
        "Afon Valley Peer Mentors",
        "A charity that trains people with lived experience of addiction to "
        "mentor others in early recovery.",
        "peer-mentors",
        "mentors",
    ),
    "walks": (
        "Step by Step Recovery Walks",
        "A volunteer walking group started by people in recovery.",
        "step-by-step",
        "walks",
    ),
    "open-canvas": (
        "Open Canvas",
        "An arts collective run by artists with lived experience of addiction "
        "and mental ill health.",
        "open-canvas",
        "open-canvas",
    ),
    "voices": (
        "Afon Voices",
        "A community choir started by members of the valley's recovery community.",
        "afon-voices",
        "afon-voices",
    ),
    "growing": (
        "Growing Forward",
        "A peer-led food-growing project on the Glanafon allotments.",
        "growing-forward",
        "growing-forward",
    ),
    "housing-association": (
        "Afon Valley Housing Association",
        "A local housing association providing general needs and supported "
        "housing across the valley.",
        "afon-housing",
        "housing",
    ),
    "council": (
        "Afon Valley County Borough Council",
        "The local council for the valley (fictional).",
        "afon-council",
        "council",
    ),
    "workways": (
        "Camau Ymlaen",
        "A back-to-work project for people facing barriers to employment.",
        "camau-ymlaen",
        "camau",
    ),
    "coleg": (
        "Coleg Afon",
        "The valley's further education college.",
        "coleg-afon",
        "enquiries-coleg",
    ),
    "volunteer-centre": (
        "Afon Valley Volunteer Centre",
        "Matches people with local volunteering roles and supports the "
        "groups that offer them.",
        "volunteer-afon",
        "volunteer",
    ),
    "surgery": (
        "Heol y Bont Surgery",
        "A GP practice in the centre of Aberafon.",
        "heol-y-bont-surgery",
        "reception-heol-y-bont",
    ),
    "health-board": (
        "Afon Valley University Health Board",
        "The NHS health board for the valley (fictional).",
        "afon-health-board",
        "health-board",
    ),
    "pharmacy": (
        "Pontafon Pharmacy",
        "An independent community pharmacy in Pontafon.",
        "pontafon-pharmacy",
        "pontafon-pharmacy",
    ),
    "das": (
        "Afon Valley Drug and Alcohol Service",
        "The valley's treatment service for adults who want help with alcohol "
        "or drugs.",
        "afon-das",
        "das",
    ),
    "advice": (
        "Afon Valley Advice Centre",
        "An independent charity giving free, confidential advice on benefits, "
        "money, housing, work and legal problems.",
        "afon-advice",
        "advice",
    ),
    "money": (
        "Afon Valley Money Advice Project",
        "A charity helping people deal with debt and get on top of their money.",
        "afon-money-advice",
        "money-advice",
    ),
    "food-bank": (
        "Aberafon Food Bank",
        "A volunteer-run food bank supported by local churches and chapels.",
        "aberafon-food-bank",
        "food-bank",
    ),
    "families": (
        "Afon Valley Families in Recovery",
        "A peer support group for family members of people who use alcohol "
        "or drugs, run by family members themselves.",
        "families-in-recovery",
        "families",
    ),
    "domestic-abuse": (
        "Lloches Afon",
        "A specialist charity supporting people affected by domestic abuse.",
        "lloches-afon",
        "support-lloches",
    ),
}


def weekly(byday, opens, closes, note=None, interval=1):
    return ("WEEKLY", byday, opens, closes, note, interval)


def monthly(byday, opens, closes, note=None):
    return ("MONTHLY", byday, opens, closes, note, 1)


def _describe_days(freq, byday, interval=1):
    if freq == "WEEKLY" and interval == 2:
        return "Every other " + " and ".join(DAYS[d] for d in byday.split(","))
    if freq == "WEEKLY":
        if byday == EVERY_DAY:
            return "Every day"
        if byday == WEEKDAYS:
            return "Monday to Friday"
        names = [DAYS[d] for d in byday.split(",")]
        return "Every " + " and ".join(names)
    ordinal, day = byday[:-2], byday[-2:]
    return f"{ORDINALS[ordinal]} {DAYS[day]} of the month"


def _free(note="Free. There is no charge."):
    return {"option": "Free", "amount": 0, "currency": "GBP", "note": note}


COLLECTION = _free(
    "Free. There is no fee; members may put something in a collection if they wish."
)


def _s(
    name,
    org,
    venue,
    description,
    phone,
    schedules,
    *,
    tags,
    kind,
    peer_led=False,
    independent=False,
    started_on=None,
    ended_on=None,
    status="active",
    welsh=False,
    cost=None,
    eligibility=None,
):
    return {
        "name": name,
        "org": org,
        "venue": venue,
        "description": description,
        "phone": phone,
        "schedules": schedules,
        "tags": tags,
        "kind": kind,
        "peer_led": peer_led,
        "independent": independent,
        "started_on": started_on,
        "ended_on": ended_on,
        "status": status,
        "welsh": welsh,
        "cost": cost or _free(),
        "eligibility": eligibility,
    }


def _tags(domain, need, pathway):
    return {"domain": domain, "need": need, "pathway": pathway}


def _mutual_aid(name, org, venue, description, phone, schedule, **kwargs):
    kwargs.setdefault(
        "tags",
        _tags(
            ["social-support", "substance-use", "recovery-experience"],
            ["peer-support", "alcohol-drugs"],
            ABSTINENCE,
        ),
    )
    kwargs.setdefault("cost", COLLECTION)
    return _s(
        name,
        org,
        venue,
        description,
        phone,
        [schedule],
        kind="mutual-aid",
        peer_led=True,
        independent=True,
        **kwargs,
    )


D = datetime.date

SERVICES = [
    # Mutual-aid meetings.
    _mutual_aid(
        "Alcoholics Anonymous: Aberafon Tuesday Night Group",
        "aa",
        "aberafon-vestry",
        "An open AA meeting where members share their experience of stopping "
        "drinking. Anyone who wants to stop drinking is welcome, and visitors "
        "may sit in. Tea and coffee from 18:45.",
        "07700 900101",
        weekly("TU", "19:00", "20:30"),
        started_on=D(1988, 4, 5),
    ),
    _mutual_aid(
        "Alcoholics Anonymous: Cwmafon Thursday Lunchtime",
        "aa",
        "cwmafon-hall",
        "A short lunchtime AA meeting, useful for people who work shifts or "
        "prefer not to go out in the evening.",
        "07700 900102",
        weekly("TH", "12:30", "13:30"),
        started_on=D(2009, 1, 8),
    ),
    _mutual_aid(
        "Alcoholics Anonymous: Glanafon Welsh-language meeting",
        "aa",
        "glanafon-seion",
        "An AA meeting held in Welsh on the first Tuesday of each month. "
        "English speakers are welcome and can share in English.",
        "07700 900103",
        monthly("1TU", "19:00", "20:30"),
        started_on=D(2015, 3, 3),
        welsh=True,
    ),
    _mutual_aid(
        "Alcoholics Anonymous: Tregarth Sunday Book Study",
        "aa",
        "tregarth-memorial",
        "A closed AA meeting for people who want to stop drinking, where the "
        "group reads and talks through a chapter of the fellowship's book.",
        "07700 900104",
        weekly("SU", "18:30", "20:00"),
        started_on=D(2001, 6, 3),
    ),
    _mutual_aid(
        "Alcoholics Anonymous: Aberafon Women's Meeting",
        "aa",
        "aberafon-hub",
        "A morning AA meeting for women only, in a quiet room at the community hub.",
        "07700 900105",
        weekly("FR", "11:00", "12:00"),
        started_on=D(2017, 9, 1),
        eligibility="Women, including trans women, who want to stop drinking.",
    ),
    _mutual_aid(
        "Narcotics Anonymous: Aberafon Monday Meeting",
        "na",
        "aberafon-hub",
        "An open NA meeting for anyone who wants to stop using drugs. "
        "Newcomers are welcomed at the door and there is no need to speak.",
        "07700 900111",
        weekly("MO", "19:00", "20:30"),
        started_on=D(2004, 2, 2),
    ),
    _mutual_aid(
        "Narcotics Anonymous: Pontafon Friday Meeting",
        "na",
        "pontafon-welfare",
        "A Friday evening NA meeting with a speaker in the first half and "
        "open sharing after the break.",
        "07700 900112",
        weekly("FR", "19:30", "21:00"),
        started_on=D(2012, 5, 4),
    ),
    _mutual_aid(
        "Narcotics Anonymous: Cwmafon Wednesday Meeting",
        "na",
        "cwmafon-hen-ysgol",
        "An early evening NA meeting in the old school, with a newcomers' "
        "chat for the first fifteen minutes.",
        "07700 900113",
        weekly("WE", "18:00", "19:30"),
        started_on=D(2018, 10, 3),
    ),
    _mutual_aid(
        "Narcotics Anonymous: Tregarth Sunday Meeting",
        "na",
        "tregarth-memorial",
        "This Sunday NA meeting has closed; members now go to the Pontafon "
        "and Aberafon meetings.",
        "07700 900114",
        weekly("SU", "16:00", "17:30"),
        started_on=D(2019, 3, 3),
        ended_on=D(2026, 6, 28),
        status="inactive",
    ),
    _mutual_aid(
        "Cocaine Anonymous: Aberafon Wednesday Meeting",
        "ca",
        "aberafon-vestry",
        "An open CA meeting for people who want to stop using cocaine or "
        "any other drug, including alcohol.",
        "07700 900121",
        weekly("WE", "19:00", "20:30"),
        started_on=D(2016, 1, 13),
    ),
    _mutual_aid(
        "Cocaine Anonymous: Glanafon Sunday Meeting",
        "ca",
        "glanafon-library",
        "A Sunday afternoon CA meeting in the library's community room.",
        "07700 900122",
        weekly("SU", "17:00", "18:30"),
        started_on=D(2021, 7, 4),
    ),
    _mutual_aid(
        "SMART Recovery: Aberafon Tuesday Meeting",
        "smart",
        "aberafon-das",
        "A SMART Recovery meeting where people work on their own goals, "
        "whether that is stopping or cutting down, using practical tools. "
        "The meeting is run by a trained volunteer.",
        "07700 900131",
        weekly("TU", "18:00", "19:30"),
        started_on=D(2014, 4, 1),
        tags=_tags(
            ["substance-use", "coping", "social-support"],
            ["peer-support", "alcohol-drugs"],
            ["abstinence", "moderation"],
        ),
    ),
    _mutual_aid(
        "SMART Recovery: Tregarth Thursday Meeting",
        "smart",
        "tregarth-family",
        "A new SMART Recovery meeting in Tregarth for people who want to "
        "change their drinking or drug use at their own pace.",
        "07700 900132",
        weekly("TH", "19:00", "20:30"),
        started_on=D(2026, 9, 3),
        tags=_tags(
            ["substance-use", "coping", "social-support"],
            ["peer-support", "alcohol-drugs"],
            ["abstinence", "moderation"],
        ),
    ),
    _mutual_aid(
        "SMART Recovery: Family and Friends, Cwmafon",
        "smart",
        "cwmafon-hen-ysgol",
        "A monthly SMART Recovery meeting for people affected by someone "
        "else's drinking or drug use, looking after their own wellbeing.",
        "07700 900133",
        monthly("3WE", "18:30", "20:00"),
        started_on=D(2020, 2, 19),
        tags=_tags(
            ["social-support", "coping"],
            ["family", "peer-support"],
            PATHWAYS_ALL,
        ),
        eligibility="Family members and friends of someone who drinks or uses drugs.",
    ),
    _mutual_aid(
        "Al-Anon: Aberafon Monday Group",
        "al-anon",
        "aberafon-vestry",
        "An Al-Anon group for relatives and friends of people who drink. "
        "Members talk about how someone else's drinking has affected them.",
        "07700 900141",
        weekly("MO", "19:30", "21:00"),
        started_on=D(1995, 1, 9),
        tags=_tags(
            ["social-support", "coping"],
            ["family", "peer-support"],
            PATHWAYS_ALL,
        ),
        eligibility="Family members and friends of someone who drinks.",
    ),
    _mutual_aid(
        "Al-Anon: Pontafon First Thursday Group",
        "al-anon",
        "pontafon-welfare",
        "A monthly Al-Anon meeting in Pontafon, held on the first Thursday.",
        "07700 900142",
        monthly("1TH", "19:00", "20:30"),
        started_on=D(2011, 9, 1),
        tags=_tags(
            ["social-support", "coping"],
            ["family", "peer-support"],
            PATHWAYS_ALL,
        ),
        eligibility="Family members and friends of someone who drinks.",
    ),
    _mutual_aid(
        "Recovery Dharma: Glanafon Wednesday Meditation",
        "dharma",
        "glanafon-seion",
        "A peer-led meeting that begins with a guided meditation, followed "
        "by a reading and a sharing circle about recovery. No experience of "
        "meditation is needed.",
        "07700 900151",
        weekly("WE", "19:00", "20:30"),
        started_on=D(2026, 7, 15),
        tags=_tags(
            ["coping", "psychological-health", "recovery-experience"],
            ["peer-support", "alcohol-drugs", "mental-health"],
            ABSTINENCE,
        ),
    ),
    _mutual_aid(
        "Women in Recovery: Aberafon Thursday Circle",
        "women",
        "aberafon-hub",
        "A relaxed morning group for women in or seeking recovery from "
        "alcohol or drugs, whatever their route. Children under two are "
        "welcome.",
        "07700 900161",
        weekly("TH", "10:30", "12:00"),
        started_on=D(2022, 3, 10),
        tags=_tags(
            ["social-support", "recovery-experience", "staying-safe"],
            ["peer-support", "alcohol-drugs"],
            PATHWAYS_ALL,
        ),
        eligibility="Women, including trans women.",
    ),
    # Peer-led recovery organisations.
    _s(
        "The Lantern Recovery Café",
        "lantern",
        "aberafon-lantern",
        "A café run by people in recovery, open to anyone. Come for a cheap "
        "hot meal, a game of pool or a chat with someone who has been there. "
        "The café is alcohol- and drug-free.",
        "01632 960201",
        [
            weekly("FR", "17:00", "21:00"),
            weekly("SA", "11:00", "15:00"),
        ],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2019, 11, 2),
        cost={
            "option": "Meals",
            "amount": 3,
            "currency": "GBP",
            "note": "A hot meal is £3, or pay what you can. Drinks are free.",
        },
        tags=_tags(
            ["social-support", "community-involvement", "meaningful-activities"],
            ["peer-support"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Peer Mentoring",
        "peer-mentors",
        "aberafon-hub",
        "A mentor with their own experience of recovery meets you each week "
        "for up to six months, to help you settle after treatment, find "
        "groups and activities, and plan what comes next.",
        "01632 960211",
        [weekly(WEEKDAYS, "09:30", "16:30", "Office hours.")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2016, 5, 9),
        tags=_tags(
            ["social-support", "recovery-experience", "participation"],
            ["peer-support", "alcohol-drugs"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Step by Step Recovery Walks",
        "walks",
        "pontafon-park",
        "A friendly walk of about two hours along the river and up the "
        "valley side, led by volunteers in recovery. Wear sturdy shoes; "
        "walks go ahead in most weathers.",
        "07700 900171",
        [weekly("SA", "10:00", "12:00", "Meet at the bandstand.")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2026, 6, 6),
        tags=_tags(
            ["physical-health", "social-support", "meaningful-activities"],
            ["peer-support", "health-care"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Open Canvas Art Group",
        "open-canvas",
        "cwmafon-stiwdio",
        "A weekly art session run by artists with lived experience. All "
        "materials are provided and no art skills are needed; people paint, "
        "draw, make prints or just have a cup of tea.",
        "01632 960221",
        [weekly("WE", "13:00", "15:30")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2021, 4, 7),
        welsh=True,
        tags=_tags(
            ["meaningful-activities", "psychological-health", "social-support"],
            ["peer-support", "mental-health"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Voices Recovery Choir",
        "voices",
        "tregarth-memorial",
        "A community choir begun by people in recovery. No auditions and no "
        "need to read music; songs are in English and Welsh.",
        "07700 900181",
        [weekly("MO", "18:30", "20:00")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2023, 1, 16),
        welsh=True,
        tags=_tags(
            ["meaningful-activities", "community-involvement", "social-support"],
            ["peer-support"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Growing Forward Allotment",
        "growing",
        "glanafon-allotments",
        "A shared allotment looked after by people in recovery. Drop in to "
        "help with digging, planting and harvesting, and take some "
        "vegetables home.",
        "07700 900191",
        [weekly("TU,FR", "10:00", "14:00")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2020, 3, 17),
        tags=_tags(
            ["meaningful-activities", "physical-health", "community-involvement"],
            ["peer-support"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Recovery Community Forum",
        "lantern",
        "aberafon-lantern",
        "A monthly open meeting where people in recovery and local services "
        "talk about what the valley needs, and plan events together.",
        "01632 960202",
        [monthly("-1TH", "18:00", "19:30")],
        kind="peer-led",
        peer_led=True,
        independent=True,
        started_on=D(2022, 5, 26),
        tags=_tags(
            ["community-involvement", "participation", "recovery-experience"],
            ["peer-support"],
            PATHWAYS_ALL,
        ),
    ),
    # Housing.
    _s(
        "Tŷ Newydd Supported Housing",
        "housing-association",
        "pontafon-ty-newydd",
        "Twelve self-contained flats for adults in recovery, with a support "
        "worker on site during the day to help with bills, tenancy and "
        "settling in. Referrals come from the drug and alcohol service, "
        "probation or the council's housing options team.",
        "01632 960301",
        [weekly(WEEKDAYS, "09:00", "17:00", "Staffed office hours.")],
        kind="housing",
        started_on=D(2013, 7, 1),
        tags=_tags(
            ["housing-and-safety", "staying-safe"],
            ["housing"],
            PATHWAYS_ALL,
        ),
        eligibility="Adults aged 18 and over in recovery who need somewhere to live.",
    ),
    _s(
        "Housing Options and Homelessness Advice",
        "council",
        "aberafon-civic",
        "Help for anyone who is homeless or at risk of losing their home: "
        "advice on your rights, emergency accommodation and help to find "
        "somewhere longer term.",
        "01632 960311",
        [weekly(WEEKDAYS, "09:00", "17:00", "Drop-in at the civic offices.")],
        kind="housing",
        started_on=D(2005, 4, 1),
        welsh=True,
        tags=_tags(
            ["housing-and-safety"],
            ["housing", "money"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Tenancy Support",
        "housing-association",
        "aberafon-civic",
        "A support worker visits you at home to help you keep your tenancy: "
        "sorting rent arrears, dealing with letters and getting benefits "
        "in place.",
        "01632 960302",
        [weekly(WEEKDAYS, "09:00", "17:00", "Office hours.")],
        kind="housing",
        started_on=D(2015, 10, 1),
        tags=_tags(
            ["housing-and-safety"],
            ["housing", "money"],
            PATHWAYS_ALL,
        ),
    ),
    # Employment and training.
    _s(
        "Camau Ymlaen Back to Work",
        "workways",
        "aberafon-hub",
        "One-to-one help to get ready for work: CVs, applications, interview "
        "practice, short training courses and help with travel costs for a "
        "first job.",
        "01632 960401",
        [weekly("MO,WE,TH", "09:30", "15:30")],
        kind="employment",
        started_on=D(2018, 1, 8),
        welsh=True,
        tags=_tags(
            ["meaningful-activities", "participation"],
            ["work-learning", "money"],
            PATHWAYS_ALL,
        ),
        eligibility="Adults aged 18 and over who are out of work.",
    ),
    _s(
        "Coleg Afon: Fresh Start Course",
        "coleg",
        "cwmafon-college",
        "A ten-week college course for adults returning to learning, "
        "covering confidence, English, maths and digital skills, with a "
        "certificate at the end.",
        "01632 960411",
        [weekly("TU", "10:00", "13:00", "Term time only.")],
        kind="employment",
        started_on=D(2019, 9, 10),
        welsh=True,
        cost=_free("Free for adults on benefits or a low income."),
        tags=_tags(
            ["meaningful-activities", "participation"],
            ["work-learning"],
            PATHWAYS_ALL,
        ),
        eligibility="Adults aged 19 and over.",
    ),
    _s(
        "Afon Valley Volunteer Centre",
        "volunteer-centre",
        "glanafon-library",
        "Talk to an adviser about volunteering that suits you, from "
        "gardening and cafés to driving and befriending. Volunteering "
        "expenses are paid by most roles.",
        "01632 960421",
        [weekly("TU,TH", "10:00", "16:00")],
        kind="employment",
        started_on=D(2002, 6, 1),
        tags=_tags(
            ["community-involvement", "meaningful-activities", "participation"],
            ["work-learning"],
            PATHWAYS_ALL,
        ),
    ),
    # Health.
    _s(
        "Heol y Bont Surgery: Drug and Alcohol Clinic",
        "surgery",
        "aberafon-surgery",
        "A GP practice with a weekly clinic for patients who use drugs or "
        "alcohol, offering health checks, prescribing, blood-borne virus "
        "testing and shared care with the drug and alcohol service.",
        "01632 960501",
        [
            weekly(WEEKDAYS, "08:00", "18:30", "Surgery opening hours."),
            weekly("WE", "14:00", "17:00", "Drug and alcohol clinic."),
        ],
        kind="health",
        started_on=D(1998, 4, 1),
        tags=_tags(
            ["physical-health", "substance-use"],
            ["health-care", "alcohol-drugs"],
            ["medication_assisted", "harm_reduction", "moderation", "not_decided"],
        ),
        eligibility="Patients registered with the practice.",
    ),
    _s(
        "Aberafon Sexual Health Clinic",
        "health-board",
        "aberafon-health",
        "Confidential testing and treatment for sexually transmitted "
        "infections, contraception and hepatitis vaccination. Walk in or "
        "book ahead.",
        "01632 960511",
        [
            weekly("MO,TH", "09:00", "16:00"),
            weekly("TU", "16:00", "19:00", "Evening walk-in."),
        ],
        kind="health",
        started_on=D(2010, 9, 1),
        welsh=True,
        tags=_tags(
            ["physical-health", "staying-safe"],
            ["health-care"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Mental Health Crisis Line",
        "health-board",
        "aberafon-health",
        "A phone line answered day and night by mental health workers, for "
        "anyone in the valley in a mental health crisis or worried about "
        "someone else.",
        "01632 960512",
        [weekly(EVERY_DAY, "00:00", "23:59", "Open 24 hours.")],
        kind="health",
        started_on=D(2020, 4, 1),
        welsh=True,
        tags=_tags(
            ["psychological-health", "staying-safe", "coping"],
            ["mental-health"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Pontafon Pharmacy Needle and Syringe Programme",
        "pharmacy",
        "pontafon-pharmacy",
        "Free clean injecting equipment, sharps bins, naloxone kits and "
        "advice on safer use, with no need to give your name.",
        "01632 960521",
        [
            weekly(WEEKDAYS, "09:00", "18:00"),
            weekly("SA", "09:00", "13:00"),
        ],
        kind="health",
        started_on=D(2008, 2, 4),
        tags=_tags(
            ["staying-safe", "physical-health", "substance-use"],
            ["alcohol-drugs", "health-care"],
            ["harm_reduction"],
        ),
    ),
    _s(
        "Afon Valley Drug and Alcohol Service: Open Access",
        "das",
        "aberafon-das",
        "Drop in to talk to a worker about your drinking or drug use. The "
        "service offers assessment, key working, substitute prescribing, "
        "detox planning and harm reduction advice.",
        "01632 960531",
        [
            weekly(WEEKDAYS, "09:00", "17:00"),
            weekly("TH", "17:00", "19:00", "Late opening."),
        ],
        kind="health",
        started_on=D(2011, 4, 1),
        welsh=True,
        tags=_tags(
            ["substance-use", "physical-health", "psychological-health"],
            ["alcohol-drugs", "mental-health"],
            PATHWAYS_ALL,
        ),
        eligibility="Adults aged 18 and over living in the Afon Valley.",
    ),
    # Legal and money.
    _s(
        "Afon Valley Advice Centre",
        "advice",
        "aberafon-advice",
        "Free, independent advice on benefits, debt, housing, work, "
        "consumer problems and immigration. Drop in or phone for an "
        "appointment.",
        "01632 960601",
        [weekly("MO,TU,TH,FR", "09:30", "16:00")],
        kind="legal-money",
        started_on=D(1979, 10, 1),
        welsh=True,
        tags=_tags(
            ["housing-and-safety"],
            ["money", "legal", "housing"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Advice Centre: Free Legal Clinic",
        "advice",
        "aberafon-advice",
        "A monthly evening clinic where a volunteer solicitor gives a free "
        "half-hour of legal advice. Book through the advice centre.",
        "01632 960602",
        [monthly("2WE", "18:00", "20:00")],
        kind="legal-money",
        started_on=D(2014, 1, 8),
        tags=_tags(
            ["housing-and-safety", "staying-safe"],
            ["legal"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Afon Valley Money Advice: Debt Help",
        "money",
        "glanafon-library",
        "A debt adviser helps you list what you owe, deal with creditors, "
        "and look at options such as payment plans or debt relief orders.",
        "01632 960611",
        [weekly("WE", "10:00", "15:00")],
        kind="legal-money",
        started_on=D(2012, 11, 7),
        tags=_tags(
            ["housing-and-safety", "coping"],
            ["money"],
            PATHWAYS_ALL,
        ),
    ),
    _s(
        "Aberafon Food Bank",
        "food-bank",
        "aberafon-vestry",
        "Emergency food parcels for people in crisis, with a referral from "
        "an agency such as the advice centre, the GP or the drug and "
        "alcohol service.",
        "01632 960621",
        [weekly("TU,FR", "12:00", "14:00")],
        kind="legal-money",
        started_on=D(2013, 2, 5),
        tags=_tags(
            ["housing-and-safety", "physical-health"],
            ["money"],
            PATHWAYS_ALL,
        ),
    ),
    # Family.
    _s(
        "Families in Recovery Support Group",
        "families",
        "tregarth-family",
        "A fortnightly support group where parents, partners and other "
        "relatives of people using alcohol or drugs share what helps, led "
        "by family members who have been through it.",
        "07700 900201",
        [weekly("MO", "18:30", "20:00", interval=2)],
        kind="family",
        peer_led=True,
        started_on=D(2018, 6, 4),
        tags=_tags(
            ["social-support", "coping"],
            ["family", "peer-support"],
            PATHWAYS_ALL,
        ),
        eligibility="Adult family members and friends.",
    ),
    _s(
        "Glanafon Children's Centre",
        "council",
        "glanafon-childrens",
        "Stay-and-play sessions, parenting courses, health visitor clinics "
        "and help with childcare for families with children under five.",
        "01632 960701",
        [weekly(WEEKDAYS, "08:30", "16:30")],
        kind="family",
        started_on=D(2006, 9, 4),
        welsh=True,
        tags=_tags(
            ["social-support", "community-involvement"],
            ["family"],
            PATHWAYS_ALL,
        ),
        eligibility="Families with children under five.",
    ),
    # Domestic abuse.
    _s(
        "Lloches Afon Domestic Abuse Service",
        "domestic-abuse",
        "aberafon-hub",
        "Support for anyone experiencing domestic abuse: safety planning, "
        "help with housing and the courts, refuge places and a weekly "
        "drop-in. The refuge address is never given out.",
        "01632 960801",
        [
            weekly(WEEKDAYS, "09:00", "17:00", "Helpline hours."),
            weekly("WE", "10:00", "12:00", "Drop-in at the community hub."),
        ],
        kind="domestic-abuse",
        started_on=D(1992, 3, 1),
        welsh=True,
        tags=_tags(
            ["staying-safe", "housing-and-safety"],
            ["safety", "housing", "legal"],
            PATHWAYS_ALL,
        ),
    ),
]


def _organization(key):
    name, description, path, mailbox = ORGANIZATIONS[key]
    return {
        "id": _id("organization", key),
        "name": name,
        "description": description,
        "website": f"https://example.org/{path}",
        "email": f"{mailbox}@example.org",
    }


def _location(key):
    name, street, town, postcode, lat, lon, access = VENUES[key]
    location = {
        "id": _id("location", key),
        "location_type": "physical",
        "name": name,
        "description": f"{name}, {town}.",
        "latitude": lat,
        "longitude": lon,
        "addresses": [
            {
                "id": _id("address", key),
                "address_1": street,
                "city": town,
                "region": "Afon Valley",
                "state_province": "Wales",
                "postal_code": postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }
    if access:
        location["accessibility"] = [
            {"id": _id("accessibility", key), "description": access}
        ]
    return location


# A Monday: fortnightly meetings fall in the weeks counted from here.
FORTNIGHTLY_FROM = "2026-01-05"


def _schedule(service_name, index, freq, byday, opens, closes, note, interval):
    days = _describe_days(freq, byday, interval)
    description = f"{days}, {opens} to {closes}."
    if note:
        description += f" {note}"
    schedule = {
        "id": _id("schedule", service_name, str(index)),
        "freq": freq,
        "interval": interval,
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
        "description": description,
        "attending_type": "in person",
    }
    if interval > 1:
        # "Every other week" needs a first date to count from.
        schedule["dtstart"] = FORTNIGHTLY_FROM
    return schedule


def _languages(spec):
    name = spec["name"]
    languages = [{"id": _id("language", name, "en"), "name": "English", "code": "en"}]
    if spec["welsh"]:
        languages.append(
            {"id": _id("language", name, "cy"), "name": "Welsh", "code": "cy"}
        )
    return languages


def _service_document(spec):
    name = spec["name"]
    service_id = service_id_for(name)
    organization = _organization(spec["org"])
    path = ORGANIZATIONS[spec["org"]][2]
    cost = spec["cost"]
    cost_option = {
        "id": _id("cost_option", name),
        "option": cost["option"],
        "amount": cost["amount"],
        "currency": cost["currency"],
        "amount_description": cost["note"],
    }
    service = {
        "id": service_id,
        "name": name,
        "description": spec["description"],
        "url": f"https://example.org/{path}",
        "email": f"{ORGANIZATIONS[spec['org']][3]}@example.org",
        "status": spec["status"],
        "organization": organization,
        "phones": [
            {
                "id": _id("phone", name),
                "number": spec["phone"],
                "type": "cell" if spec["phone"].startswith("07") else "voice",
            }
        ],
        "languages": _languages(spec),
        "cost_options": [cost_option],
        "service_at_locations": [
            {
                "id": _id("service_at_location", name),
                "description": f"{name} at {VENUES[spec['venue']][0]}.",
                "location": _location(spec["venue"]),
                "schedules": [
                    _schedule(name, index, *schedule)
                    for index, schedule in enumerate(spec["schedules"])
                ],
            }
        ],
    }
    if spec["eligibility"]:
        service["eligibility_description"] = spec["eligibility"]
    if spec["ended_on"]:
        ended = spec["ended_on"]
        service["alert"] = f"This service closed on {ended.day} {ended:%B %Y}."
    return service


def demo_document() -> list[dict]:
    """The demo directory as an HSDS 3.0 list of services."""
    return [copy.deepcopy(_service_document(spec)) for spec in SERVICES]


def demo_listings() -> dict[str, dict]:
    """Caremap's facts about each demo service, keyed by service id: whether
    it is peer-led and independent, when it started and ended, its kind in
    this demo, and its tags by kind ("domain", "need", "pathway")."""
    return {
        service_id_for(spec["name"]): {
            "kind": spec["kind"],
            "peer_led": spec["peer_led"],
            "independent": spec["independent"],
            "started_on": spec["started_on"],
            "ended_on": spec["ended_on"],
            "tags": copy.deepcopy(spec["tags"]),
        }
        for spec in SERVICES
    }


def demo_places() -> list[dict]:
    """A gazetteer for the demo valley: each venue's postcode, each postcode
    district and each town, placed at the middle of its venues, so a search
    near "Pontafon" or "CF99 9AB" works as it would with real open data."""
    from caremap.directory.places import district_of, normalise

    groups: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for _name, _street, town, postcode, lat, lon, _access in VENUES.values():
        key = normalise(postcode)
        groups.setdefault((key, postcode, "postcode"), []).append((lat, lon))
        district = district_of(key)
        groups.setdefault((district, district, "district"), []).append((lat, lon))
        groups.setdefault((normalise(town), town, "place"), []).append((lat, lon))
    return [
        {
            "key": key,
            "name": name,
            "kind": kind,
            "latitude": round(sum(p[0] for p in points) / len(points), 5),
            "longitude": round(sum(p[1] for p in points) / len(points), 5),
        }
        for (key, name, kind), points in sorted(groups.items())
    ]
