"""The made-up Afon Valley directory imports cleanly and stays fictional."""

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest

from caremap.directory import hsds
from caremap.directory.demo import demo_document, demo_listings
from caremap.directory.importing import import_document
from caremap.directory.models import Location, Schedule, Service
from caremap.instruments.sources import read_source, shipped_paths
from caremap.people.models import Person

HSDS = Path(__file__).parent / "hsds"
FELLOWSHIPS = (
    "Alcoholics Anonymous",
    "Narcotics Anonymous",
    "Cocaine Anonymous",
    "SMART Recovery",
    "Al-Anon",
    "Recovery Dharma",
)
# Ofcom's numbers kept for drama: 01632 960000-960999, 07700 900000-900999.
DRAMA_NUMBER = re.compile(r"^(01632 960\d{3}|07700 900\d{3})$")


@pytest.fixture(scope="module")
def document():
    return demo_document()


@pytest.fixture(scope="module")
def rows(document):
    return hsds.flatten(document)


def walk(value, key=None):
    """Every (key, value) pair of scalars in a nested document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)
    else:
        yield key, value


@pytest.mark.django_db
def test_demo_document_imports_without_problems(document):
    report = import_document(document, source="demo")
    assert report.problems == []
    assert Service.objects.count() == len(document) >= 40
    assert not Location.objects.filter(latitude__isnull=True).exists()
    assert not Location.objects.filter(longitude__isnull=True).exists()
    assert Schedule.objects.filter(freq="MONTHLY", byday="1TU").exists()


def test_every_service_matches_the_hsds_schema(document):
    schema = json.loads(
        (HSDS / "schema" / "compiled" / "service.json").read_text(encoding="utf-8")
    )
    cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for service in document:
        assert list(validator.iter_errors(service)) == [], service["name"]


def test_shape_of_the_directory(document, rows):
    assert len(document) >= 42
    assert len({s["id"] for s in document}) == len(document)
    statuses = [s["status"] for s in document]
    assert 1 <= statuses.count("inactive") <= 2
    assert statuses.count("active") == len(document) - statuses.count("inactive")

    scheduled = {
        row["service_at_location_id"]
        for row in rows["schedule"]
        if row.get("freq") in ("WEEKLY", "MONTHLY")
    }
    assert len(scheduled) >= 15
    assert any(
        row["freq"] == "MONTHLY" and row["byday"] == "1TU" for row in rows["schedule"]
    )
    assert all(s["service_at_locations"] for s in document)
    for location in rows["location"]:
        assert location["location_type"] == "physical"
        assert abs(location["latitude"] - 51.70) < 0.135
        assert abs(location["longitude"] + 3.40) < 0.2
    assert {a["country"] for a in rows["address"]} == {"GB"}
    assert any(row["code"] == "cy" for row in rows["language"])
    assert rows["accessibility"]

    names = " ".join(s["name"] for s in document)
    for fellowship in FELLOWSHIPS:
        assert fellowship in names


def test_shared_organizations_reuse_one_id(document):
    by_name = {}
    for service in document:
        organization = service["organization"]
        by_name.setdefault(organization["name"], set()).add(organization["id"])
    assert all(len(ids) == 1 for ids in by_name.values())
    assert len(by_name) < len(document)


def test_phone_numbers_are_in_the_drama_ranges(document):
    numbers = [v for k, v in walk(document) if k == "number"]
    assert numbers
    for number in numbers:
        assert DRAMA_NUMBER.match(number), number


def test_emails_and_websites_are_only_at_example_org(document):
    emails = [v for k, v in walk(document) if k in ("email", "assurer_email")]
    urls = [v for k, v in walk(document) if k in ("url", "website", "uri")]
    assert emails and urls
    for email in emails:
        assert email.endswith("@example.org"), email
    for url in urls:
        assert urlparse(url).hostname == "example.org", url


def test_ids_are_stable():
    assert demo_document() == demo_document()
    assert demo_listings() == demo_listings()


def default_instrument():
    (path,) = [p for p in shipped_paths() if p.name == "recovery-capital-profile.yaml"]
    definition, _ = read_source(path)
    return definition


def test_listings_name_demo_services_and_real_tags(document):
    listings = demo_listings()
    ids = {s["id"] for s in document}
    assert set(listings) == ids

    definition = default_instrument()
    allowed = {
        "domain": {d["id"] for d in definition["domains"]},
        "need": {n["id"] for n in definition["needs"]},
        "pathway": set(Person.Pathway.values),
    }
    for service_id, listing in listings.items():
        assert set(listing["tags"]) <= set(allowed)
        assert listing["tags"]["domain"], service_id
        for kind, values in listing["tags"].items():
            assert set(values) <= allowed[kind], (service_id, kind, values)


def test_listing_facts(document):
    listings = demo_listings()
    kinds = {}
    for listing in listings.values():
        kinds[listing["kind"]] = kinds.get(listing["kind"], 0) + 1
    assert kinds["mutual-aid"] >= 15
    assert kinds["peer-led"] >= 6
    for kind in ("housing", "employment", "health", "legal-money", "family"):
        assert kinds[kind] >= 2, kind
    assert kinds["domestic-abuse"] >= 1

    for listing in listings.values():
        if listing["kind"] in ("mutual-aid", "peer-led"):
            assert listing["peer_led"]
        if listing["kind"] == "mutual-aid":
            assert listing["independent"]
        if listing["ended_on"]:
            assert listing["started_on"] <= listing["ended_on"]

    new = [
        listing
        for listing in listings.values()
        if listing["peer_led"]
        and listing["started_on"]
        and listing["started_on"].isoformat() >= "2026-05-01"
    ]
    assert len(new) >= 3

    by_id = {s["id"]: s for s in document}
    ended = [i for i, listing in listings.items() if listing["ended_on"]]
    assert ended
    assert all(by_id[i]["status"] == "inactive" for i in ended)

    needle = next(s for s in document if "Needle" in s["name"])
    assert listings[needle["id"]]["tags"]["pathway"] == ["harm_reduction"]
    aa = [s for s in document if s["name"].startswith("Alcoholics Anonymous")]
    assert all(listings[s["id"]]["tags"]["pathway"] == ["abstinence"] for s in aa)
