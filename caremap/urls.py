from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from caremap import views
from caremap.http import allow_throughout

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/hsds/", include("caremap.directory.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path(
        "accessibility/", views.accessibility_statement, name="accessibility-statement"
    ),
    path("account/", include("caremap.accounts.urls")),
    path("people/", include("caremap.people.urls")),
    path("", include("caremap.assessments.urls")),
    path("organisation/", include("caremap.organisations.urls")),
    path("directory/", include("caremap.directory.urls")),
    path("", include("caremap.referrals.urls")),
    path("", include("caremap.episodes.urls")),
    path("", include("caremap.engagement.urls")),
    path("", include("caremap.careplans.urls")),
    path("reports/", include("caremap.reports.urls")),
    path("", include("caremap.selfaudits.urls")),
    path("", include("caremap.planaudits.urls")),
    path("admin/", allow_throughout(admin.site.urls, "GET", "POST")),
)

handler403 = "caremap.views.permission_denied"
handler404 = "caremap.views.page_not_found"
handler500 = "caremap.views.server_error"
