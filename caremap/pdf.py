"""PDF versions of pages, rendered from Django templates with WeasyPrint.

    pdf = render_pdf(request, "people/profile_pdf.html", context, page_size="A4")
    return pdf_response(pdf, "recovery-profile.pdf")

Templates extend ``pdf/base.html``, which loads the site stylesheet plus
``caremap/pdf.css`` so the PDF looks like the page without its navigation.

WeasyPrint fetches every stylesheet, image and font a document refers to.
Pages can contain text that people typed, so the fetcher here serves only
Caremap's own static files (and ``data:`` URLs, which need no fetching):
nothing a document says can make the server open a network connection or read
a file outside the static files.

The output is tagged PDF/UA-1 (``pdf_variant="pdf/ua-1"``): it carries the
document structure, title and language for screen readers. WeasyPrint does
not promise full conformance; check new layouts with a PDF/UA checker.
"""

import logging
import mimetypes
import os
import posixpath
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/ua-1"

# CSS page sizes by the name callers use.
PAGE_SIZES = {"A4": "A4", "letter": "letter"}


class _SkippedMediaQueries(logging.Filter):
    """Drop WeasyPrint's warnings about media queries it cannot evaluate.

    WeasyPrint only understands media types (``@media print``), so it skips
    every ``@media (min-width: ...)`` and ``(forced-colors: ...)`` block in
    caremap.css, which is expected (the PDF gets the rules outside media
    queries plus the print ones), and logs each one: hundreds of lines per PDF.
    """

    def filter(self, record):
        return not str(record.msg).startswith(
            ("Expected a media type", "Invalid media type")
        )


logging.getLogger("weasyprint").addFilter(_SkippedMediaQueries())


class URLNotAllowed(ValueError):
    """A document asked for something other than a static file."""


class StaticFilesURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves static files and nothing else.

    ``base_url`` is the URL the document is rendered at; static URLs are
    accepted on its origin (and on STATIC_URL's origin when STATIC_URL is an
    absolute URL, e.g. a CDN) and read from disk, never over the network.
    ``data:`` URLs are decoded. Everything else raises ``URLNotAllowed``,
    which WeasyPrint logs before leaving the resource out.
    """

    def __init__(self, base_url):
        # allowed_protocols is a second lock: even if a URL reached
        # URLFetcher.fetch by mistake, only data: could be opened there.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        static = urlsplit(settings.STATIC_URL)
        self._static_prefix = (
            static.path if static.path.endswith("/") else static.path + "/"
        )
        self._origins = {_origin(base_url)}
        if static.scheme and static.netloc:
            self._origins.add((static.scheme.lower(), static.netloc.lower()))

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        path = self.static_file_path(url)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as static_file:
            body = static_file.read()
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    def static_file_path(self, url):
        """The file on disk that a static-file URL stands for."""
        parts = urlsplit(url)
        if (parts.scheme.lower(), parts.netloc.lower()) not in self._origins:
            raise URLNotAllowed(f"only static files may be loaded, not {url}")
        if not parts.path.startswith(self._static_prefix):
            raise URLNotAllowed(f"only static files may be loaded, not {url}")
        name = unquote(parts.path[len(self._static_prefix) :])
        segments = name.split("/")
        if (
            not name
            or "\\" in name
            or "\x00" in name
            or any(segment in ("", ".", "..") for segment in segments)
            or posixpath.normpath(name) != name
        ):
            raise URLNotAllowed(f"not a static file name: {url}")
        path = finders.find(name)
        if not path:
            # Collected (and hashed, in production) files live in STATIC_ROOT.
            try:
                path = staticfiles_storage.path(name)
            except (NotImplementedError, SuspiciousFileOperation):
                path = None
            if path and not os.path.isfile(path):
                path = None
        if not path:
            raise URLNotAllowed(f"no such static file: {url}")
        return path


def render_pdf(request, template_name, context=None, *, page_size="A4"):
    """Render ``template_name`` with ``context`` to PDF bytes.

    ``page_size`` is "A4" or "letter". Relative links in the document resolve
    against the site root of ``request``, so links in the PDF lead back to
    the service; images and stylesheets must be static files.
    """
    try:
        css_page_size = PAGE_SIZES[page_size]
    except KeyError:
        raise ValueError(
            f"page_size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}"
        ) from None
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/")
    fetcher = StaticFilesURLFetcher(base_url)
    page_css = weasyprint.CSS(
        # !important: the page size is the caller's choice, whatever a
        # stylesheet in the document says.
        string=f"@page {{ size: {css_page_size} !important; }}",
        url_fetcher=fetcher,
    )
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page_css], pdf_variant=PDF_VARIANT)


def pdf_response(pdf_bytes, filename):
    """A download of ``pdf_bytes``, kept out of every cache."""
    # Control characters would break the header; the rest is quoted (or
    # RFC 5987-encoded when not ASCII) by Django.
    safe_name = "".join(c for c in filename if c.isprintable()) or "document.pdf"
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=safe_name
    )
    response["Cache-Control"] = "no-store"
    return response


def _origin(url):
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
