"""What htmx requests need from the whole site.

Pages are edited in place with htmx where scripts run; every such request
goes to the same URL an ordinary link or form would, so a view answers it
with a fragment (see `careplans/editing.py`) or, when it has nothing to
swap in, with the redirect it would give anyway.
"""

from django_htmx.http import HttpResponseClientRedirect


class RedirectMiddleware:
    """Turn a redirect answering an htmx request into a whole-page visit.

    The browser follows redirects inside XMLHttpRequest without telling
    htmx, so a redirect to the sign-in page (an idle sign-out, whose kept
    input is offered back on the full editor page) would otherwise be
    swapped into the middle of a plan. Sent as `HX-Redirect`, htmx loads the
    new address as a page of its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code in (301, 302, 303, 307, 308)
            and response.has_header("Location")
        ):
            redirect = HttpResponseClientRedirect(response["Location"])
            # Keep the cookies the redirect set (a sign-out ends the session).
            redirect.cookies = response.cookies
            return redirect
        return response
