from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "caremap.engagement"
    verbose_name = "Engagement"
