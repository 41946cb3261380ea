from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "caremap.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib import admin

        from caremap.accounts.views import admin_sign_in

        # Django admin has a sign-in page of its own, which signs in with the
        # password alone: everyone signs in through Caremap's, which asks for
        # the two-step code where there is one and keeps the audit trail.
        admin.site.login = admin_sign_in
