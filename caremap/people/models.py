from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caremap.organisations.models import Membership, Organisation


def validate_not_in_future(day):
    if day > timezone.localdate():
        raise ValidationError(
            _("Date of birth must be today or in the past"), code="future"
        )


def validate_stance_date_not_in_future(day):
    if day > timezone.localdate():
        raise ValidationError(_("The date must be today or in the past"), code="future")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The people whose records `user` may open: managers see their
        organisation, navigators their own caseload and their teams'. Nobody
        else (commissioners, administrators, other organisations) sees anyone."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        scope = Q(pk__in=[])
        manager_orgs = [
            m.organisation_id
            for m in user.memberships_with_role(Membership.Role.MANAGER)
        ]
        if manager_orgs:
            scope |= Q(organisation_id__in=manager_orgs)
        for membership in user.memberships_with_role(Membership.Role.NAVIGATOR):
            scope |= Q(organisation_id=membership.organisation_id, navigator=user)
            if membership.team_id:
                teammate = Membership.objects.filter(
                    user=OuterRef("navigator"),
                    role=Membership.Role.NAVIGATOR,
                    team_id=membership.team_id,
                )
                scope |= Q(Exists(teammate), organisation_id=membership.organisation_id)
        return self.filter(scope)

    def active(self):
        return self.filter(status=Person.Status.ACTIVE)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        # Every word must match some name part, so "sam jones" narrows rather than widens.
        words = Q()
        for word in text.split():
            words &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(Q(reference__iexact=text) | words)

    def with_stance(self, stance, *, on=None):
        """The people whose stance is `stance` ("" for never recorded).

        Without `on`, the current stance. With `on`, a report's view of the
        past: the stance each person had that day, from the history, so a
        later change does not rewrite an earlier quarter's figures.
        """
        if on is None:
            return self.filter(stance=stance)
        as_at = (
            PersonStance.objects.filter(person=OuterRef("pk"), recorded_on__lte=on)
            .order_by("-recorded_on", "-pk")
            .values("stance")[:1]
        )
        people = self.annotate(stance_on_day=Subquery(as_at))
        if not stance:
            return people.filter(stance_on_day__isnull=True)
        return people.filter(stance_on_day=stance)


class Person(models.Model):
    """A person in recovery whom a service supports."""

    class Pathway(models.TextChoices):
        # No pathway ranks above another; the order here is not a hierarchy.
        ABSTINENCE = "abstinence", _("Abstinence")
        MODERATION = "moderation", _("Moderation")
        MEDICATION_ASSISTED = "medication_assisted", _("Medication-assisted recovery")
        HARM_REDUCTION = "harm_reduction", _("Harm reduction")
        NOT_DECIDED = "not_decided", _("Not decided yet")

    class Stance(models.TextChoices):
        # How the person sees their own situation now, as they tell their
        # navigator. No stance ranks above another and none is the goal: the
        # order here (and on every screen) is not a hierarchy.
        SETTLED_ON_MEDICATION = (
            "settled_on_medication",
            _("Settled on their medication and not looking for a change now"),
        )
        READY_FOR_CHANGE = (
            "ready_for_change",
            _("Ready to make changes in their recovery"),
        )
        UNSURE = "unsure", _("Unsure at the moment")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Support finished: goals met")
        MOVED_ON = "moved_on", _("Moved to another service")
        CHOSE_TO_LEAVE = "chose_to_leave", _("Chose to stop support")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        MOVED_AWAY = "moved_away", _("Moved out of the area")
        DIED = "died", _("Died")
        OTHER = "other", _("Other")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Intersex or another sex")

    class EthnicGroup(models.TextChoices):
        # The five high-level groups of the census in England and Wales, so
        # reports line up with the population figures commissioners hold.
        ASIAN = "asian", _("Asian, Asian British or Asian Welsh")
        BLACK = "black", _("Black, Black British, Black Welsh, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Another ethnic group")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        POST = "post", _("Letter")
        IN_PERSON = "in_person", _("In person only")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        WELSH = "cy", "Cymraeg"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("organisation"),
    )
    reference = models.CharField(
        _("service reference number"),
        max_length=40,
        help_text=_(
            "The number your service uses for this person, unique in your organisation."
        ),
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("What the person likes to be called."),
    )
    date_of_birth = models.DateField(
        _("date of birth"), validators=[validate_not_in_future]
    )
    gender = models.CharField(
        _("gender"),
        max_length=100,
        blank=True,
        help_text=_(
            "In the person's own words. Leave blank if they prefer not to say."
        ),
    )
    pronouns = models.CharField(_("pronouns"), max_length=50, blank=True)
    ethnic_group = models.CharField(
        _("ethnic group"),
        max_length=8,
        choices=EthnicGroup.choices,
        blank=True,
        help_text=_(
            "As the person describes themselves. Used only, without names, to "
            "check that every group is served equally well."
        ),
    )
    # Kept apart from gender on purpose: only the linkage key uses it.
    sex = models.CharField(
        _("sex, for linking records"),
        max_length=8,
        choices=Sex.choices,
        blank=True,
        help_text=_(
            "Used only to make the coded key that lets services in the area "
            "see a return to treatment without sharing names. Leave it out "
            "if the person prefers not to say."
        ),
    )
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500)
    postcode = models.CharField(_("postcode or ZIP code"), max_length=12, blank=True)
    preferred_contact_method = models.CharField(
        _("preferred contact method"),
        max_length=16,
        choices=ContactMethod.choices,
        blank=True,
    )
    # The person's choice: no calls, texts or visits. Alerts are still
    # raised, so the service knows, but nobody is sent to reach out.
    do_not_contact = models.BooleanField(
        _("does not want to be contacted"),
        default=False,
        help_text=_(
            "Tick if the person has asked not to be contacted. Nobody will be "
            "asked to reach out to them, even if they stop coming."
        ),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.ENGLISH,
    )
    navigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        verbose_name=_("navigator"),
    )
    pathway = models.CharField(
        _("recovery pathway"),
        max_length=24,
        choices=Pathway.choices,
        default=Pathway.NOT_DECIDED,
    )
    # A copy of the latest entry in the person's stance history (by date,
    # then by id), kept in step only by `actions.record_stance`, so lists
    # can filter on it without reading the history.
    stance = models.CharField(
        _("current stance"),
        max_length=24,
        choices=Stance.choices,
        blank=True,
        editable=False,
    )
    stance_recorded_on = models.DateField(
        _("current stance recorded on"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    closure_reason = models.CharField(
        _("reason for closing"),
        max_length=16,
        choices=ClosureReason.choices,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="person_unique_reference_in_organisation",
            ),
            models.CheckConstraint(
                name="person_closed_has_reason",
                condition=Q(status="active", closure_reason="")
                | (Q(status="closed") & ~Q(closure_reason="")),
            ),
            models.CheckConstraint(
                name="person_stance_has_date",
                condition=Q(stance="", stance_recorded_on__isnull=True)
                | (~Q(stance="") & Q(stance_recorded_on__isnull=False)),
            ),
        ]
        indexes = [
            # The caseload and people list filter by organisation and order by name.
            models.Index(
                fields=["organisation", "family_name", "given_name"],
                name="person_org_name_idx",
            ),
            models.Index(
                fields=["navigator", "status"], name="person_navigator_status_idx"
            ),
            # Reports count an organisation's people by stance.
            models.Index(
                fields=["organisation", "stance"], name="person_org_stance_idx"
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("people:person-detail", args=[self.pk])

    @property
    def display_name(self):
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day):
        before_birthday = (day.month, day.day) < (
            self.date_of_birth.month,
            self.date_of_birth.day,
        )
        return day.year - self.date_of_birth.year - before_birthday

    @property
    def age(self):
        return self.age_on(timezone.localdate())


class PersonStanceQuerySet(models.QuerySet):
    def latest_first(self):
        # Latest by date; two on the same day, the one recorded last.
        return self.order_by("-recorded_on", "-pk")


class PersonStance(models.Model):
    """One entry in a person's stance history, as their navigator recorded
    it. Entries are never changed or removed; a new one is added instead.
    Written only through `actions.record_stance`."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="stances",
        verbose_name=_("person"),
    )
    stance = models.CharField(_("stance"), max_length=24, choices=Person.Stance.choices)
    recorded_on = models.DateField(
        _("date"), validators=[validate_stance_date_not_in_future]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonStanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("stance")
        verbose_name_plural = _("stances")
        ordering = ["-recorded_on", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "-recorded_on"], name="stance_person_date_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_stance_display()} ({self.recorded_on:%Y-%m-%d})"
