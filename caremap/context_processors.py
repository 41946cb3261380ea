from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from caremap.navigation import items_for


def shell(request):
    """What the base layout needs on every page: the service name, the link to
    this same page in the other language, and the navigation for the user's roles."""
    current = get_language() or settings.LANGUAGE_CODE
    alternates = [
        {
            "code": code,
            "name": name,
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "service_name": settings.SERVICE_NAME,
        "language_alternates": alternates,
        "navigation": navigation_for(request),
        "idle_timeout_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
    }


def navigation_for(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return items_for(request)
