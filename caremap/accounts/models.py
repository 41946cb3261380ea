from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
    _user_has_module_perms,
    _user_has_perm,
)
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from caremap.accounts.identity import normalise_address


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=normalise_address(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    create_user.alters_data = True

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_superuser"] = True
        return self.create_user(email, password, **extra_fields)

    create_superuser.alters_data = True

    def get_by_natural_key(self, username):
        # Email addresses are stored lower-cased, so sign-in ignores case.
        return self.get(**{self.model.USERNAME_FIELD: normalise_address(username)})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff of an organisation, a commissioner or an
    administrator. People in recovery are `people.Person` records."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def active_memberships(self):
        """The user's memberships, loaded once per request (request.user is a
        fresh object each time, so this never goes stale across requests)."""
        from caremap.organisations.models import Membership

        memberships = list(
            Membership.objects.filter(user=self).select_related(
                "organisation__area", "area", "team"
            )
        )
        if self.is_superuser or any(
            m.role == Membership.Role.ADMINISTRATOR for m in memberships
        ):
            # Administrators never work with named people (decision 0016).
            # Granting such a role to an administrator is refused, but should
            # one exist all the same (a database edit, an old row), it gives
            # nothing: every person-level check starts from this list.
            memberships = [
                m for m in memberships if m.role not in Membership.PERSON_LEVEL_ROLES
            ]
        return memberships

    def memberships_with_role(self, role):
        return [m for m in self.active_memberships if m.role == role]

    @property
    def is_administrator(self):
        from caremap.organisations.models import Membership

        return self.is_superuser or bool(
            self.memberships_with_role(Membership.Role.ADMINISTRATOR)
        )

    def has_perm(self, perm, obj=None):
        # PermissionsMixin answers True to everything for a superuser; here
        # the superuser flag only opens the configuration pages (through
        # AdministratorBackend), so every question goes to the backends.
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return self.is_active and _user_has_module_perms(self, app_label)

    @property
    def is_staff(self):
        # Django admin asks for is_staff; in Caremap only administrators use it.
        return self.is_active and self.is_administrator
