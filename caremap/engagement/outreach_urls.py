"""Alerts, outreach and post-exit check-ups."""

from django.urls import path

from caremap.engagement import outreach

urlpatterns = [
    path("alerts/", outreach.alert_list, name="alerts"),
    path("alerts/<int:pk>/", outreach.alert_detail, name="alert"),
    path("alerts/<int:pk>/outreach/", outreach.outreach_start, name="outreach-start"),
    path("alerts/<int:pk>/close/", outreach.alert_close, name="alert-close"),
    path("check-ups/<int:pk>/", outreach.check_up_record, name="check-up"),
    path(
        "organisation/<int:pk>/staying-connected/",
        outreach.engagement_settings,
        name="settings",
    ),
]
