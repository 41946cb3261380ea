"""Filling in and sending a page's form as a browser would: every field the
page drew, with its value as drawn (hidden tokens and fingerprints included),
then the test's own answers on top."""

from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from caremap.concurrency import FINGERPRINT_FIELD, TOKEN_FIELD
from caremap.testing.personas import SIGN_IN_BACKEND

GUARD_FIELDS = (TOKEN_FIELD, FINGERPRINT_FIELD)


def client_for(user):
    client = Client()
    client.force_login(user, backend=SIGN_IN_BACKEND)
    return client


def guarded_form(html):
    """The page's form that carries a token or fingerprint, or None."""
    soup = BeautifulSoup(html, "html.parser")
    for form in soup.find_all("form"):
        if (form.get("method") or "").lower() != "post":
            continue
        if any(form.find("input", attrs={"name": name}) for name in GUARD_FIELDS):
            return form
    return None


def post_forms(html):
    soup = BeautifulSoup(html, "html.parser")
    return [
        form
        for form in soup.find_all("form")
        if (form.get("method") or "").lower() == "post"
    ]


def fields_of(form):
    """What the browser would send for `form` untouched: name -> [values]."""
    data = {}
    for tag in form.find_all("input"):
        name, kind = tag.get("name"), (tag.get("type") or "text").lower()
        if not name or kind in {"submit", "button", "file", "image", "reset"}:
            continue
        if kind in {"radio", "checkbox"}:
            if tag.has_attr("checked"):
                data.setdefault(name, []).append(tag.get("value", "on"))
            continue
        data.setdefault(name, []).append(tag.get("value", ""))
    for tag in form.find_all("textarea"):
        # The first newline after the tag is not part of the value.
        text = tag.string or ""
        data.setdefault(tag["name"], []).append(text.removeprefix("\n"))
    for tag in form.find_all("select"):
        chosen = tag.find_all("option", selected=True) or tag.find_all("option")[:1]
        data.setdefault(tag["name"], []).extend(o.get("value", "") for o in chosen)
    return data


@dataclass
class Page:
    """A form page opened by one user, ready to send with changes."""

    client: Client
    url: str
    data: dict = field(default_factory=dict)

    @classmethod
    def open(cls, client, url):
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        form = guarded_form(response.content)
        assert form is not None, f"{url} has no form with a token or fingerprint"
        action = form.get("action") or url
        return cls(client=client, url=action, data=fields_of(form))

    def send(self, changes):
        data = dict(self.data)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value if isinstance(value, list) else [value]
        return self.client.post(self.url, data)


def url_of(name, args):
    return reverse(name, args=args)


def problems(response):
    """The error summary's text, to say why a sending was not saved."""
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    return " ".join(summary.get_text().split()) if summary else response.status_code
