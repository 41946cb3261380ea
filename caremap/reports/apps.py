from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caremap.reports"
    verbose_name = "Reports"
