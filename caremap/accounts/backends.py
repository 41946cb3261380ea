"""Authentication backends. Neither grants anything from Django's own
permission tables or from the superuser flag: in Caremap, what a user may do
comes from their memberships alone (the `rules` predicates), so no row an
administrator could add in admin turns into access to people's records."""

from django.contrib.auth.backends import ModelBackend

CONFIGURATION_APPS = frozenset({"accounts", "organisations", "instruments", "axes"})


class PasswordBackend(ModelBackend):
    """Checks an email and password, and grants no permissions: Django's
    ModelBackend would give a superuser every permission there is, and any
    user the permissions stored in its tables."""

    def _get_permissions(self, user_obj, obj, from_name):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class AdministratorBackend:
    """Lets administrators use Django admin for configuration. Deliberately
    narrow: model permissions on the configuration apps only, never on
    person-level data."""

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
