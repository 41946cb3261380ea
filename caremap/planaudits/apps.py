from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanAuditsConfig(AppConfig):
    name = "caremap.planaudits"
    verbose_name = _("Care-plan audits")
