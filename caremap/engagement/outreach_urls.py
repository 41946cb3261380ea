"""Alerts, outreach and post-exit check-ups."""

urlpatterns = []
