import contextlib
import re
import zlib

import pytest
from django.test import RequestFactory
from django.utils import translation

from caremap.pdf import StaticFilesURLFetcher, URLNotAllowed, pdf_response, render_pdf

DOCUMENT = """{% extends "pdf/base.html" %}
{% block title %}Recovery profile{% endblock title %}
{% block content %}
<h1 class="govuk-heading-l">Recovery profile</h1>
<p class="govuk-body">Tai a diogelwch: ŵ ŷ â</p>
<a class="govuk-button" href="/people/">Back</a>
{% endblock content %}
"""

# A document that asks for a page size and for files it must not get.
HOSTILE = """{% extends "pdf/base.html" %}
{% block title %}Hostile{% endblock title %}
{% block content %}
<style>@page { size: A5; }</style>
<link rel="stylesheet" href="http://example.com/evil.css">
<img src="http://example.com/x.png" alt="remote">
<img src="file:///etc/passwd" alt="local">
<p class="govuk-body">Hello</p>
{% endblock content %}
"""

# Points: 210 x 297 mm and 8.5 x 11 in.
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture
def pdf_templates(settings):
    """The app's templates plus the test documents above."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"test/document.html": DOCUMENT, "test/hostile.html": HOSTILE},
                    ),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


@pytest.fixture
def request_():
    return RequestFactory().get("/people/1/profile.pdf")


@pytest.fixture
def fetcher():
    return StaticFilesURLFetcher("http://testserver/")


def pdf_objects(pdf_bytes):
    """The PDF's text with its compressed streams (and object streams)
    inflated, so dictionary entries such as /MediaBox can be searched."""
    parts = [pdf_bytes]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf_bytes, re.S):
        with contextlib.suppress(zlib.error):  # not every stream is Flate
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


def page_sizes(pdf_bytes):
    boxes = re.findall(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf_objects(pdf_bytes)
    )
    assert boxes, "no page found"
    return {
        (round(float(width), 2), round(float(height), 2)) for width, height in boxes
    }


def test_renders_a_template_to_pdf(pdf_templates, request_):
    output = render_pdf(request_, "test/document.html", {})
    assert output.startswith(b"%PDF-")
    objects = pdf_objects(output)
    assert b"/Lang (en)" in objects
    title = "Recovery profile – Caremap".encode("utf-16-be").hex().encode()
    assert b"/Title <feff" + title + b">" in objects
    # Tagged PDF/UA-1: structure tree and the PDF/UA identification.
    assert b"/StructTreeRoot" in objects
    assert b'pdfuaid:part="1"' in objects


@pytest.mark.parametrize(("page_size", "expected"), [("A4", A4), ("letter", LETTER)])
def test_page_size_is_the_callers_choice(pdf_templates, request_, page_size, expected):
    assert page_sizes(
        render_pdf(request_, "test/document.html", {}, page_size=page_size)
    ) == {expected}


def test_a_document_cannot_change_the_page_size(pdf_templates, request_):
    output = render_pdf(request_, "test/hostile.html", {}, page_size="letter")
    assert page_sizes(output) == {LETTER}


def test_unknown_page_sizes_are_refused(pdf_templates, request_):
    with pytest.raises(ValueError, match="page_size"):
        render_pdf(request_, "test/document.html", {}, page_size="A3")


def test_pdfs_follow_the_current_language(pdf_templates, request_):
    with translation.override("cy"):
        output = render_pdf(request_, "test/document.html", {})
    assert b"/Lang (cy)" in pdf_objects(output)


def test_only_static_files_are_fetched(pdf_templates, request_, monkeypatch):
    fetched = []
    fetch = StaticFilesURLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except URLNotAllowed:
            fetched.append((url, "refused"))
            raise
        fetched.append((url, "served"))
        return response

    monkeypatch.setattr(StaticFilesURLFetcher, "fetch", recording_fetch)
    render_pdf(request_, "test/hostile.html", {})
    assert sorted(fetched) == [
        ("file:///etc/passwd", "refused"),
        ("http://example.com/evil.css", "refused"),
        ("http://example.com/x.png", "refused"),
        ("http://testserver/static/caremap/caremap.css", "served"),
        ("http://testserver/static/caremap/pdf.css", "served"),
    ]


def test_fetcher_serves_static_files(fetcher):
    response = fetcher.fetch("http://testserver/static/caremap/caremap.css")
    try:
        assert response.content_type == "text/css"
        assert b".app-chart__row" in response.read()
    finally:
        response.close()
    response = fetcher.fetch("http://testserver/static/caremap/pdf.css?v=1#top")
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def test_fetcher_decodes_data_urls(fetcher):
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    try:
        assert response.read() == b"hello"
    finally:
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/caremap/caremap.css",
        "file:///etc/passwd",
        "file:///srv/caremap/static/caremap/caremap.css",
        "ftp://testserver/static/caremap/caremap.css",
        "http://testserver/people/1/",
        "http://testserver/static/",
        "http://testserver/static/caremap/no-such-file.css",
        "http://testserver/static/../settings.py",
        "http://testserver/static/caremap/%2e%2e/%2e%2e/settings.py",
        "http://testserver/static/caremap/..%2f..%2fsettings.py",
        "http://testserver/static//etc/passwd",
        "http://testserver/static/%2fetc%2fpasswd",
        "http://testserver/static/caremap%5c..%5c..%5csettings.py",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_fetcher_refuses_everything_else(fetcher, url):
    with pytest.raises(URLNotAllowed):
        fetcher.fetch(url)


def test_fetcher_accepts_static_files_on_a_static_host(settings):
    settings.STATIC_URL = "https://cdn.example.org/assets/"
    fetcher = StaticFilesURLFetcher("http://testserver/")
    response = fetcher.fetch("https://cdn.example.org/assets/caremap/pdf.css")
    response.close()
    with pytest.raises(URLNotAllowed):
        fetcher.fetch("http://testserver/static/caremap/pdf.css")


def test_pdf_response_is_a_download_kept_out_of_caches():
    response = pdf_response(b"%PDF-1.7 test", "recovery-profile.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="recovery-profile.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7 test"


def test_pdf_response_quotes_awkward_filenames():
    response = pdf_response(b"%PDF", 'proffil "adferiad"\r\nX-Evil: 1.pdf')
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition == 'attachment; filename="proffil \\"adferiad\\"X-Evil: 1.pdf"'
    welsh = pdf_response(b"%PDF", "proffil-ŵ.pdf")["Content-Disposition"]
    assert welsh == "attachment; filename*=utf-8''proffil-%C5%B5.pdf"
