"""A read-only Open Referral HSDS 3.0 API over the directory.

Follows the official OpenAPI description (`/`, `/services`, `/services/{id}`,
`/organizations`, `/organizations/{id}`, `/taxonomies`): lists are paged with
`page` and `per_page` and answer the spec's `Page` fields with `contents`.

Who sees what: a service is visible when it has a `Listing` in an area the
request may read. A request carrying `Authorization: Bearer <token>` that
matches an unrevoked `ApiToken` (by sha256 hash) reads that token's area; a
request without one reads the areas whose `AreaDirectory.public` is on.
Organizations and taxonomies are those of visible services. Only HSDS
tables are exposed, never Caremap's own data (listings' checkers, tags,
relationships), so no personal data can leak through the API.

Queries per request are bounded by the number of HSDS tables, not by the
number of services: rows nested under a page of results are fetched one
query per table (`_collect_rows`), then nested by `hsds`.
"""

from __future__ import annotations

import math
from functools import cache, wraps

from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from caremap.directory import hsds
from caremap.directory.importing import models_by_table
from caremap.directory.models import ApiToken, Organization, Service, Taxonomy
from caremap.http import methods_for, options_response

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/"
OPENAPI_URL = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
    "openapi.json"
)
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-store"
ALLOWED = methods_for("GET")


# Responses ---------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status, message, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def _json(data, status=200, cache_control=PRIVATE_CACHE):
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = cache_control
    response["Vary"] = "Authorization"
    return response


def _error(status, message, **extra):
    return _json({"status": status, "message": message, **extra}, status=status)


def api_view(view):
    """GET (and HEAD) only, no CSRF (nothing changes), access resolved, and
    errors answered as JSON."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return options_response(ALLOWED)
        if request.method not in ALLOWED:
            response = _error(405, f"Method {request.method} is not allowed.")
            response["Allow"] = ", ".join(ALLOWED)
            return response
        try:
            access = Access.for_request(request)
            data = view(request, access, *args, **kwargs)
        except ApiError as error:
            response = _error(error.status, error.message, **error.extra)
            if error.status == 401:
                response["WWW-Authenticate"] = 'Bearer realm="hsds"'
            return response
        return _json(data, cache_control=access.cache_control)

    # Refused as JSON rather than by caremap.http.allow, so API clients get
    # a body they can read; the same list, for the test that every view has one.
    wrapper.allowed_methods = ALLOWED
    return wrapper


# Access ------------------------------------------------------------------


class Access:
    """Which areas' listings a request may read."""

    def __init__(self, area_id=None):
        self.area_id = area_id  # None: the public areas

    @classmethod
    def for_request(cls, request):
        header = request.headers.get("Authorization")
        if header is None:
            return cls()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "Authorization must be 'Bearer <token>'.")
        area_id = (
            ApiToken.objects.filter(
                token_hash=ApiToken.hash(token), revoked_at__isnull=True
            )
            .values_list("area_id", flat=True)
            .first()
        )
        if area_id is None:
            raise ApiError(401, "The API token is not valid or has been revoked.")
        return cls(area_id)

    @property
    def cache_control(self):
        return PUBLIC_CACHE if self.area_id is None else PRIVATE_CACHE

    def services(self):
        if self.area_id is None:
            return Service.objects.filter(listing__area__directory__public=True)
        return Service.objects.filter(listing__area_id=self.area_id)

    def service_ids(self):
        return self.services().values("id")

    def organizations(self):
        return Organization.objects.filter(
            id__in=self.services().values("organization_id")
        )

    def taxonomies(self):
        return Taxonomy.objects.filter(
            taxonomy_terms__attributes__link_id__in=self.service_ids()
        ).distinct()


# Paging ------------------------------------------------------------------


def _whole_number(request, name, default, maximum=None):
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a whole number, not {raw!r}.", parameter=name
        ) from None
    if value < 1:
        raise ApiError(400, f"{name} must be 1 or more, not {value}.", parameter=name)
    if maximum is not None and value > maximum:
        raise ApiError(
            400, f"{name} must be at most {maximum}, not {value}.", parameter=name
        )
    return value


def paged(request, queryset, build):
    """A spec `Page` of `queryset` (ordered by id); `build` turns the page's
    ids into its documents."""
    page = _whole_number(request, "page", 1)
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = queryset.count()
    total_pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    ids = (
        list(
            queryset.order_by("id").values_list("id", flat=True)[
                start : start + per_page
            ]
        )
        if start < total
        else []
    )
    contents = build(ids) if ids else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


# Rows and documents --------------------------------------------------------


@cache
def _columns(table):
    """(column names, attnames) of the table's model."""
    fields = models_by_table()[table]._meta.concrete_fields
    return [f.column for f in fields], [f.attname for f in fields]


def _rows(table, condition):
    columns, attnames = _columns(table)
    model = models_by_table()[table]
    return [
        dict(zip(columns, values, strict=True))
        for values in model.objects.filter(condition)
        .order_by("pk")
        .values_list(*attnames)
    ]


def _attname(table, column):
    columns, attnames = _columns(table)
    return attnames[columns.index(column)]


@cache
def _tables_below(root):
    """Tables nested (at any depth) under `root`, each after every table
    that nests it, and the links into each: (parent table, property)."""
    links: dict[str, list[tuple[str, hsds.Nested]]] = {}
    done: list[str] = []
    visiting: set[str] = set()

    def visit(table):
        if table in done:
            return
        if table in visiting:
            raise ValueError(f"HSDS nesting loops through {table}")
        visiting.add(table)
        for prop in hsds.nested_properties(table):
            links.setdefault(prop.table, []).append((table, prop))
            visit(prop.table)
        visiting.discard(table)
        done.append(table)

    visit(root)
    order = list(reversed(done))  # starts with root itself
    return tuple(order[1:]), {t: tuple(v) for t, v in links.items()}


def _collect_rows(root, ids):
    """The rows of `root` with `ids` and every row nested under them, by
    table: one query per table whatever the number of rows."""
    rows = {root: _rows(root, Q(id__in=ids))}
    order, links = _tables_below(root)
    for table in order:
        condition = Q()
        for parent, prop in links[table]:
            parents = rows.get(parent) or []
            if prop.many:
                column = hsds.child_column(parent, table)
                wanted = {row["id"] for row in parents}
            else:
                column = "id"
                wanted = {row.get(hsds.object_column(prop)) for row in parents}
            wanted.discard(None)
            if wanted:
                condition |= Q(**{f"{_attname(table, column)}__in": sorted(wanted)})
        rows[table] = _rows(table, condition) if condition else []
    return rows


def _scalars(table, row):
    return {
        name: hsds.plain(row[name])
        for name in hsds.scalar_properties(table)
        if row.get(name) is not None
    }


def full_services(ids):
    return hsds.service_documents(_collect_rows("service", ids))


def service_summaries(ids):
    """Services with their one-to-one fields and organization and program
    (the compiled `service_list.json` shape)."""
    services = _rows("service", Q(id__in=ids))
    related = {}
    for table in ("organization", "program"):
        wanted = {row[f"{table}_id"] for row in services} - {None}
        related[table] = {
            row["id"]: row for row in _rows(table, Q(id__in=sorted(wanted)))
        }
    documents = []
    for row in services:
        document = _scalars("service", row)
        for table in ("organization", "program"):
            found = related[table].get(row[f"{table}_id"])
            if found is not None:
                document[table] = _scalars(table, found)
        documents.append(document)
    return documents


def organization_summaries(ids):
    return [
        _scalars("organization", row) for row in _rows("organization", Q(id__in=ids))
    ]


def full_organization(organization_id, access):
    rows = _collect_rows("organization", [organization_id])
    index = hsds.Index(rows)
    (row,) = rows["organization"]
    document = index.build("organization", row, ())
    services = access.services().filter(organization_id=organization_id)
    document["services"] = service_summaries(
        list(services.values_list("id", flat=True))
    )
    for service in document["services"]:
        service.pop("organization", None)
    return document


def full_taxonomies(ids):
    rows = _collect_rows("taxonomy", ids)
    index = hsds.Index(rows)
    return [index.build("taxonomy", row, ()) for row in rows["taxonomy"]]


# Views ---------------------------------------------------------------------


@api_view
def root(request, access):
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}


@api_view
def service_list(request, access):
    return paged(request, access.services(), service_summaries)


@api_view
def service_detail(request, access, id):
    if not access.services().filter(id=id).exists():
        raise ApiError(404, f"No service {id!r}.")
    (document,) = full_services([id])
    return document


@api_view
def organization_list(request, access):
    return paged(request, access.organizations(), organization_summaries)


@api_view
def organization_detail(request, access, id):
    if not access.organizations().filter(id=id).exists():
        raise ApiError(404, f"No organization {id!r}.")
    return full_organization(id, access)


@api_view
def taxonomy_list(request, access):
    return paged(request, access.taxonomies(), full_taxonomies)


@api_view
def not_found(request, access, path=""):
    raise ApiError(404, "No such HSDS API endpoint.")
