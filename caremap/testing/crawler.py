"""A bounded walk over the pages a user can reach by following links, which
gathers every form that posts: the fuzz test sends generated input to each
one, so a new form is tested as soon as a page links to it.

Only for tests: it reads pages through Django's test client.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.urls import Resolver404, resolve

#: Links not followed: downloads (slow, and not pages), and Django admin.
SKIPPED_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ods", ".json", ".zip", ".txt")
SKIPPED_ROUTES = frozenset({"accounts:sign-out"})


@dataclass(frozen=True)
class Field:
    """One named control. ``kind`` is the input type ("text", "hidden",
    "checkbox" ...), or "textarea" or "select"; ``options`` are the values a
    choice offers; ``value`` is what the page filled in."""

    name: str
    kind: str
    value: str = ""
    options: tuple[str, ...] = ()
    multiple: bool = False


@dataclass(frozen=True)
class FoundForm:
    route: str
    page: str
    action: str
    fields: tuple[Field, ...]
    multipart: bool

    def __str__(self):
        return f"{self.route} ({self.action}, on {self.page})"


def route_of(path):
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def crawl(client, start, *, max_pages=200, pages_per_route=2, skip_routes=()):
    """Pages reachable from ``start`` (breadth first, at most ``max_pages``,
    and at most ``pages_per_route`` of one view, since a view's pages share
    their forms), and the forms that post from them, one per route and set
    of field names. Returns (pages, forms)."""
    skip = SKIPPED_ROUTES | set(skip_routes)
    queue, queued = [start], {start}
    per_route = Counter()
    pages, forms = [], {}
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        route = route_of(url)
        # A view with different query parameters can be a different page
        # (a referral form once a service is chosen, say).
        kind = (route, frozenset(parse_qs(urlsplit(url).query)))
        if route is None or route in skip or per_route[kind] >= pages_per_route:
            continue
        per_route[kind] += 1
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type"):
            continue
        # Where any redirects ended, which relative links are relative to.
        url = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            url += "?" + response.request["QUERY_STRING"]
        pages.append(url)
        soup = BeautifulSoup(response.content, "html.parser")
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            action = urljoin(url, form.get("action") or url)
            found = FoundForm(
                route=route_of(action) or "",
                page=url,
                action=action,
                fields=tuple(_fields(form)),
                multipart="multipart" in (form.get("enctype") or ""),
            )
            if found.route in skip:
                continue
            key = (found.route, tuple(sorted({f.name for f in found.fields})))
            forms.setdefault(key, found)
        for link in soup.find_all("a", href=True):
            target = urljoin(url, link["href"]).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path
            if not path.startswith(("/en/", "/cy/")) or "/admin/" in path:
                continue
            if path.endswith(SKIPPED_SUFFIXES) or "download" in parts.query:
                continue
            target = path + (f"?{parts.query}" if parts.query else "")
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return pages, list(forms.values())


def _fields(form):
    """The form's named controls, grouping radios and checkboxes by name."""
    fields, groups = [], {}
    for tag in form.find_all(["input", "select", "textarea", "button"]):
        name = tag.get("name")
        if not name or tag.has_attr("disabled"):
            continue
        if tag.name == "textarea":
            fields.append(Field(name, "textarea", tag.get_text()))
        elif tag.name == "select":
            options = tuple(
                o.get("value", o.get_text()) for o in tag.find_all("option")
            )
            chosen = tag.find("option", selected=True)
            fields.append(
                Field(
                    name,
                    "select",
                    chosen.get("value", "") if chosen else "",
                    options,
                    tag.has_attr("multiple"),
                )
            )
        elif tag.name == "button" or tag.get("type") in ("submit", "image"):
            groups.setdefault((name, "submit"), []).append(tag.get("value", ""))
        elif tag.get("type") in ("radio", "checkbox"):
            groups.setdefault((name, tag["type"]), []).append(tag.get("value", "on"))
        else:
            fields.append(Field(name, tag.get("type", "text"), tag.get("value", "")))
    for (name, kind), values in groups.items():
        fields.append(
            Field(name, kind, values[0], tuple(values), multiple=kind == "checkbox")
        )
    return fields
