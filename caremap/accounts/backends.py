"""Lets administrators use Django admin for configuration without being
superusers. Deliberately narrow: it grants model permissions only on the
configuration apps, never on person-level data."""

CONFIGURATION_APPS = frozenset({"accounts", "organisations", "instruments", "axes"})


class AdministratorBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None or not user_obj.is_active:
            return False
        app_label = perm.split(".", 1)[0]
        return app_label in CONFIGURATION_APPS and user_obj.is_administrator

    def has_module_perms(self, user_obj, app_label):
        return (
            user_obj.is_active
            and app_label in CONFIGURATION_APPS
            and user_obj.is_administrator
        )
