import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A commissioning area, such as an Area Planning Board or a county."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    require_two_step = models.BooleanField(
        _("require two-step verification for managers"),
        default=False,
        help_text=_(
            "Managers of this area's organisations must confirm each sign-in "
            "with a code from an authenticator app."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        TREATMENT_SERVICE = "treatment_service", _("Treatment service")
        RECOVERY_COMMUNITY = "recovery_community", _("Recovery community organisation")
        RECOVERY_RESIDENCE = "recovery_residence", _("Recovery residence")
        PEER_LED_GROUP = "peer_led_group", _("Peer-led group")
        OTHER = "other", _("Other")

    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("area"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name"], name="organisation_unique_name_in_area"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:organisation-detail", args=[self.pk])

    def has_active_manager(self):
        return self.memberships.filter(
            role=Membership.Role.MANAGER, user__is_active=True
        ).exists()


class Team(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_unique_name_in_organisation"
            )
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def navigators(self):
        return self.filter(role=Membership.Role.NAVIGATOR)

    def in_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Membership(models.Model):
    """Gives a user a role. Navigators and managers belong to an organisation
    (navigators optionally to one of its teams); commissioners to an area;
    administrators to the whole installation."""

    class Role(models.TextChoices):
        NAVIGATOR = "navigator", _("Navigator")
        MANAGER = "manager", _("Manager")
        COMMISSIONER = "commissioner", _("Commissioner")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("team"),
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("area"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Roles that open named people's records.
    PERSON_LEVEL_ROLES = frozenset({"navigator", "manager"})

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["role", "pk"]
        constraints = [
            # Each role carries exactly the scope it needs, so a permission
            # check never has to guess which organisation or area applies.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=["navigator", "manager"],
                        organisation__isnull=False,
                        area__isnull=True,
                    )
                    | Q(
                        role="commissioner",
                        organisation__isnull=True,
                        team__isnull=True,
                        area__isnull=False,
                    )
                    | Q(
                        role="administrator",
                        organisation__isnull=True,
                        team__isnull=True,
                        area__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_team_only_for_navigators",
                condition=Q(team__isnull=True) | Q(role="navigator"),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_role_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(area__isnull=False),
                name="membership_unique_role_in_area",
            ),
        ]

    def __str__(self):
        scope = self.team or self.organisation or self.area
        if scope:
            return f"{self.user} — {self.get_role_display()}, {scope}"
        return f"{self.user} — {self.get_role_display()}"

    @property
    def is_person_level(self):
        return self.role in self.PERSON_LEVEL_ROLES

    def _check_separation_of_duties(self):
        """An account administers or works with people, never both: an
        administrator who could also hold a person-level role could give
        themselves anyone's record (decision 0016)."""
        if not self.user_id:
            return
        others = Membership.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        if self.is_person_level and (
            self.user.is_superuser
            or others.filter(role=self.Role.ADMINISTRATOR).exists()
        ):
            raise ValidationError(
                {
                    "role": _(
                        "This account administers Caremap, so it cannot also work "
                        "with people. Use a separate account for that work."
                    )
                }
            )
        if (
            self.role == self.Role.ADMINISTRATOR
            and others.filter(role__in=self.PERSON_LEVEL_ROLES).exists()
        ):
            raise ValidationError(
                {
                    "role": _(
                        "This account works with people, so it cannot also "
                        "administer Caremap. Use a separate account for "
                        "administration."
                    )
                }
            )

    def clean(self):
        if (
            self.role in (self.Role.NAVIGATOR, self.Role.MANAGER)
            and not self.organisation_id
        ):
            raise ValidationError(
                {
                    "organisation": _(
                        "Navigators and managers belong to an organisation."
                    )
                }
            )
        if self.role == self.Role.COMMISSIONER and not self.area_id:
            raise ValidationError({"area": _("Commissioners belong to an area.")})
        self._check_separation_of_duties()
        if (
            self.team_id
            and self.organisation_id
            and self.team.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"team": _("Choose a team in the same organisation.")}
            )


class InvitationQuerySet(models.QuerySet):
    def open(self, *, now=None):
        """Invitations that can still be accepted."""
        now = now or timezone.now()
        return self.filter(
            accepted_at__isnull=True,
            declined_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now,
        )


class Invitation(models.Model):
    """An offer of a role in an organisation, made by one of its managers to
    an email address. Nothing about any account at that address is shown to
    the manager: the role starts only when the holder of the address accepts.
    The link's token is kept only as a hash."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    email = models.EmailField(_("email address"))
    # As the manager typed it; used only to name a new account.
    full_name = models.CharField(_("full name"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="invitation_role_is_person_level",
                condition=Q(role__in=["navigator", "manager"]),
            ),
            models.CheckConstraint(
                name="invitation_team_only_for_navigators",
                condition=Q(team__isnull=True) | Q(role="navigator"),
            ),
        ]

    def __str__(self):
        return f"{self.email} — {self.get_role_display()}, {self.organisation}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_open(self):
        return (
            self.accepted_at is None
            and self.declined_at is None
            and self.cancelled_at is None
            and self.expires_at > timezone.now()
        )
