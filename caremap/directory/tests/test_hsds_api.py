"""The read-only HSDS 3.0 API against the official schemas and examples."""

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caremap.directory.exporting import export_services_json
from caremap.directory.importing import import_document
from caremap.directory.models import ApiToken, AreaDirectory, Listing
from caremap.organisations.models import Area

HSDS = Path(__file__).parent / "hsds"
SCHEMA = HSDS / "schema"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
TOKEN = "secret-token-for-north"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def validator(schema):
    cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    return cls(schema)


@pytest.fixture(scope="module")
def schemas():
    """Each official compiled schema once per module; the spec's `Page`."""
    openapi = load(SCHEMA / "openapi.json")
    page = dict(openapi["components"]["schemas"]["Page"])
    page["required"] = [*page["properties"], "contents"]
    page["properties"] = {**page["properties"], "contents": {"type": "array"}}
    root = openapi["paths"]["/"]["get"]["responses"]["200"]["content"]
    found = {
        name: validator(load(SCHEMA / "compiled" / f"{name}.json"))
        for name in ("service", "service_list", "organization", "organization_list")
    }
    found["taxonomy"] = validator(load(SCHEMA / "taxonomy.json"))
    found["page"] = validator(page)
    found["root"] = validator(root["application/json"]["schema"])
    return found


def assert_valid(validator, document):
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]
    assert not errors, errors[:5]


def assert_page(schemas, body, item_schema):
    assert_valid(schemas["page"], body)
    for item in body["contents"]:
        assert_valid(schemas[item_schema], item)


def make_area(name, public):
    area = Area.objects.create(name=name)
    AreaDirectory.objects.create(area=area, public=public)
    return area


def make_token(area, token, django_user_model, revoked=False):
    user = django_user_model.objects.create_user(
        email=f"maker-{token}@example.org", password="x" * 20
    )
    return ApiToken.objects.create(
        area=area,
        name="partner",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_by=user,
        revoked_at=timezone.now() if revoked else None,
    )


def add_services(count, area, prefix="s"):
    """`count` small services, each with its own organization, phone and
    classification, listed in `area`."""
    documents = [
        {
            "id": f"{prefix}{i:03}",
            "name": f"Service {i}",
            "status": "active",
            "organization": {
                "id": f"{prefix}-org{i:03}",
                "name": f"Organisation {i}",
                "description": "Runs a service",
            },
            "phones": [{"id": f"{prefix}-phone{i:03}", "number": "01234 567890"}],
            "attributes": [
                {
                    "id": f"{prefix}-attr{i:03}",
                    "link_type": "service",
                    "link_entity": "service",
                    "value": "yes",
                    "taxonomy_term": {
                        "id": f"{prefix}-term{i % 3}",
                        "name": f"Term {i % 3}",
                        "description": "A term",
                        "taxonomy_detail": {
                            "id": f"{prefix}-tax{i % 3}",
                            "name": f"Taxonomy {i % 3}",
                            "description": "A taxonomy",
                        },
                    },
                }
            ],
        }
        for i in range(count)
    ]
    report = import_document(documents, source="test")
    assert report.ok, [str(p) for p in report.problems]
    Listing.objects.bulk_create(
        Listing(service_id=d["id"], area=area) for d in documents
    )


@pytest.fixture
def public_area(db):
    return make_area("Public area", public=True)


@pytest.fixture
def official(public_area):
    """The official full service example, listed in a public area."""
    report = import_document(
        load(HSDS / "examples" / "service_full.json"), source="service_full"
    )
    assert report.ok, [str(p) for p in report.problems]
    Listing.objects.create(service_id=SERVICE_ID, area=public_area)


def get(client, url, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, params, headers=headers)


@pytest.mark.django_db
def test_root_describes_the_api(client, schemas):
    response = client.get("/api/hsds/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_valid(schemas["root"], body)
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("openapi.json")
    assert body["profile"].startswith("https://")


@pytest.mark.django_db
def test_every_endpoint_validates_against_the_official_schemas(
    client, official, schemas
):
    response = client.get("/api/hsds/services")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    body = response.json()
    assert_page(schemas, body, "service_list")
    assert [s["id"] for s in body["contents"]] == [SERVICE_ID]
    assert body["contents"][0]["organization"]["id"] == ORGANIZATION_ID

    service = client.get(f"/api/hsds/services/{SERVICE_ID}").json()
    assert_valid(schemas["service"], service)
    assert [service] == export_services_json()
    original = load(HSDS / "examples" / "service_full.json")
    assert service["name"] == original["name"]
    assert {p["id"] for p in service["phones"]} == {p["id"] for p in original["phones"]}
    assert service["organization"]["id"] == ORGANIZATION_ID
    assert service["service_at_locations"][0]["location"]["addresses"]
    assert service["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["id"]

    organizations = client.get("/api/hsds/organizations").json()
    assert_page(schemas, organizations, "organization_list")
    assert [o["id"] for o in organizations["contents"]] == [ORGANIZATION_ID]

    organization = client.get(f"/api/hsds/organizations/{ORGANIZATION_ID}").json()
    assert_valid(schemas["organization"], organization)
    assert [s["id"] for s in organization["services"]] == [SERVICE_ID]

    taxonomies = client.get("/api/hsds/taxonomies").json()
    assert_page(schemas, taxonomies, "taxonomy")
    assert taxonomies["total_items"] == 1
    assert (
        taxonomies["contents"][0]["id"]
        == (original["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["id"])
    )


@pytest.mark.django_db
def test_unknown_ids_and_paths_answer_404_json(client, official):
    for url in (
        "/api/hsds/services/nope",
        "/api/hsds/organizations/nope",
        "/api/hsds/nothing-here",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["status"] == 404


@pytest.mark.django_db
def test_paging_maths(client, public_area, schemas):
    add_services(25, public_area)
    body = client.get("/api/hsds/services", {"page": 2, "per_page": 10}).json()
    assert_page(schemas, body, "service_list")
    assert body["total_items"] == 25
    assert body["total_pages"] == 3
    assert body["page_number"] == 2
    assert body["size"] == 10
    assert (body["first_page"], body["last_page"], body["empty"]) == (
        False,
        False,
        False,
    )
    assert [s["id"] for s in body["contents"]] == [f"s{i:03}" for i in range(10, 20)]

    last = client.get("/api/hsds/services", {"page": 3, "per_page": 10}).json()
    assert (last["size"], last["last_page"], last["first_page"]) == (5, True, False)

    first = client.get("/api/hsds/services", {"per_page": 10}).json()
    assert (first["page_number"], first["first_page"], first["size"]) == (1, True, 10)

    beyond = client.get("/api/hsds/services", {"page": 4, "per_page": 10}).json()
    assert_page(schemas, beyond, "service_list")
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])

    everything = client.get("/api/hsds/services").json()
    assert (everything["total_pages"], everything["size"]) == (1, 25)

    organizations = client.get(
        "/api/hsds/organizations", {"page": 3, "per_page": 12}
    ).json()
    assert_page(schemas, organizations, "organization_list")
    assert (organizations["total_pages"], organizations["size"]) == (3, 1)

    taxonomies = client.get("/api/hsds/taxonomies", {"per_page": 2}).json()
    assert_page(schemas, taxonomies, "taxonomy")
    assert (taxonomies["total_items"], taxonomies["total_pages"]) == (3, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "1000"}, "per_page"),
        ({"per_page": ""}, "per_page"),
    ],
)
@pytest.mark.parametrize("endpoint", ["services", "organizations", "taxonomies"])
def test_bad_paging_parameters_answer_400(client, endpoint, params, parameter):
    response = client.get(f"/api/hsds/{endpoint}", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["message"]


@pytest.mark.django_db
def test_private_area_needs_its_token(client, public_area, django_user_model, schemas):
    add_services(2, public_area, prefix="pub")
    private = make_area("Private area", public=False)
    add_services(3, private, prefix="priv")
    unconfigured = Area.objects.create(name="No directory settings")
    add_services(1, unconfigured, prefix="none")
    make_token(private, TOKEN, django_user_model)
    make_token(private, "old-token", django_user_model, revoked=True)

    anonymous = client.get("/api/hsds/services").json()
    assert [s["id"] for s in anonymous["contents"]] == ["pub000", "pub001"]
    assert client.get("/api/hsds/services/priv000").status_code == 404
    assert client.get("/api/hsds/organizations/priv-org000").status_code == 404
    assert {
        o["id"] for o in client.get("/api/hsds/organizations").json()["contents"]
    } == {
        "pub-org000",
        "pub-org001",
    }
    assert {t["id"] for t in client.get("/api/hsds/taxonomies").json()["contents"]} == {
        "pub-tax0",
        "pub-tax1",
    }

    response = get(client, "/api/hsds/services", token=TOKEN)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert [s["id"] for s in response.json()["contents"]] == [
        "priv000",
        "priv001",
        "priv002",
    ]
    detail = get(client, "/api/hsds/services/priv001", token=TOKEN)
    assert detail.status_code == 200
    assert "no-store" in detail["Cache-Control"]
    assert_valid(schemas["service"], detail.json())
    organization = get(client, "/api/hsds/organizations/priv-org002", token=TOKEN)
    assert organization.status_code == 200
    assert_valid(schemas["organization"], organization.json())
    taxonomies = get(client, "/api/hsds/taxonomies", token=TOKEN).json()
    assert {t["id"] for t in taxonomies["contents"]} == {
        "priv-tax0",
        "priv-tax1",
        "priv-tax2",
    }

    for token in ("old-token", "made-up"):
        for url in ("/api/hsds/services", "/api/hsds/services/priv000", "/api/hsds/"):
            response = get(client, url, token=token)
            assert response.status_code == 401, (token, url)
            assert response["Content-Type"] == "application/json"
            assert response["WWW-Authenticate"].startswith("Bearer")
    basic = client.get("/api/hsds/services", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401


@pytest.mark.django_db
def test_only_get_is_allowed_and_csrf_does_not_apply(public_area):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/hsds/services")
        assert response.status_code == 405, method
        assert response["Content-Type"] == "application/json"
        assert "GET" in response["Allow"]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"per_page": 100})
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_services(client, public_area):
    add_services(10, public_area, prefix="a")
    ten = {
        url: queries_for(client, url)
        for url in (
            "/api/hsds/services",
            "/api/hsds/organizations",
            "/api/hsds/taxonomies",
        )
    }
    assert client.get("/api/hsds/services").json()["size"] == 10
    add_services(50, public_area, prefix="b")
    assert client.get("/api/hsds/services", {"per_page": 100}).json()["size"] == 60
    sixty = {url: queries_for(client, url) for url in ten}
    assert sixty == ten
    assert all(count <= 30 for count in sixty.values()), sixty


@pytest.mark.django_db
def test_organization_detail_query_count_does_not_grow_with_services(
    client, public_area
):
    def organization_with(count, prefix):
        documents = [
            {
                "id": f"{prefix}{i:03}",
                "name": f"Service {i}",
                "status": "active",
                "organization_id": "shared-org",
                "phones": [{"id": f"{prefix}-phone{i:03}", "number": "1"}],
            }
            for i in range(count)
        ]
        if prefix == "a":
            documents[0]["organization"] = {
                "id": "shared-org",
                "name": "Shared",
                "description": "Runs many services",
            }
        assert import_document(documents, source="test").ok
        Listing.objects.bulk_create(
            Listing(service_id=d["id"], area=public_area) for d in documents
        )

    organization_with(10, "a")
    ten = queries_for(client, "/api/hsds/organizations/shared-org")
    organization_with(50, "b")
    assert (
        len(client.get("/api/hsds/organizations/shared-org").json()["services"]) == 60
    )
    assert queries_for(client, "/api/hsds/organizations/shared-org") == ten


@pytest.mark.django_db
def test_full_service_query_count_is_bounded_by_tables(client, official):
    count = queries_for(client, f"/api/hsds/services/{SERVICE_ID}")
    # one per HSDS table nested under a service, plus access checks
    assert count <= 25
