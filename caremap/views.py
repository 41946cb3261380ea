import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from caremap.http import allow
from caremap.organisations.landing import landing_sections

logger = logging.getLogger("caremap.health")


@allow("GET")
@never_cache
def healthz(request):
    """For load balancers and monitors: 200 when the app can reach its
    database, 503 naming the part that failed otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not healthy"; the reason is logged, not shown.
        logger.exception("Database health check failed")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@allow("GET")
@login_required
def home(request):
    """Each role's landing page. A user with several roles sees a section for each."""
    return render(
        request, "caremap/home.html", {"sections": landing_sections(request.user)}
    )


@allow("GET")
def privacy_notice(request):
    return render(request, "caremap/privacy_notice.html")


@allow("GET")
def accessibility_statement(request):
    return render(request, "caremap/accessibility_statement.html")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the failure may be in what the
    # context processors depend on (database, session).
    return HttpResponseServerError(loader.get_template("500.html").render())
