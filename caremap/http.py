"""Which HTTP methods a view answers.

Every view says so with `allow`, so that a method it does not serve (PUT,
DELETE, TRACE, a made-up one) is refused with 405 before anything else
runs, signed in or not, and a test can check that no view forgot.
"""

from functools import wraps

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.urls import URLResolver
from django.views.decorators.http import require_http_methods


def methods_for(*served):
    """The methods a view serving `served` answers: HEAD wherever GET is
    (it is GET without the body), and OPTIONS everywhere."""
    methods = list(dict.fromkeys(method.upper() for method in served))
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return (*methods, "OPTIONS")


def options_response(methods):
    # What Django's class-based views answer to OPTIONS: the list, no body,
    # and no need to be signed in, since it says nothing about any record.
    response = HttpResponse(headers={"Allow": ", ".join(methods)})
    response["Content-Length"] = "0"
    return response


def allow(*served):
    """Decorate a view that serves only these methods (e.g. `allow("GET",
    "POST")`). Put it above every other decorator, so the method is checked
    first. The view keeps the list as `allowed_methods`."""
    methods = methods_for(*served)

    def decorator(view):
        @wraps(view)
        def answer_options(request, *args, **kwargs):
            if request.method == "OPTIONS":
                return options_response(methods)
            return view(request, *args, **kwargs)

        checked = require_http_methods(methods)(answer_options)
        checked.allowed_methods = methods
        return checked

    return decorator


def allow_throughout(included, *served):
    """The same check on every view of an `include()`-style triple, for
    views that are not ours to decorate: Django admin's serve whatever
    method they are sent, so `path("admin/", allow_throughout(admin.site.urls,
    "GET", "POST"))`."""

    def wrap(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                wrap(pattern.url_patterns)
            else:
                pattern.callback = allow(*served)(pattern.callback)

    wrap(included[0])
    return included


class NulCharacter(SuspiciousOperation):
    """A NUL character in the address. No page has a use for one, and
    PostgreSQL refuses any text holding one, so a search or filter that
    passed it on would end in an error page rather than an answer."""


def refuse_nul_characters(get_response):
    """Middleware: answer 400 to a request whose path or query string holds a
    NUL character. Forms refuse NUL in what they post field by field, with a
    message beside the field; the query string has no field to put one by."""

    def middleware(request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise NulCharacter("A NUL character was sent in the address.")
        return get_response(request)

    return middleware
