from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfAuditsConfig(AppConfig):
    name = "caremap.selfaudits"
    verbose_name = _("Recovery-orientation self-audits")
