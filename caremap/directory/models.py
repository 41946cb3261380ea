"""The community directory, shaped on Open Referral HSDS 3.0.

One model per HSDS table, one field per HSDS field, with the HSDS names, so
that import and export map one to one and nothing is lost on the way.
Text is kept exactly as given (dates and times included: HSDS writes times
with their UTC offset, which a TimeField would drop); a missing value is
NULL, not an empty string, so "not given" survives a round trip (which is
why text fields here are nullable, against Django's usual advice).
Import and export map fields by their database column, which is always the
HSDS field name.

Generated from the HSDS 3.0 table schemas; Caremap's own additions live in
separate models beside these, never as extra columns on them.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """HSDS `organization`: The details about each organization delivering services."""

    HSDS_TABLE = "organization"
    id = models.CharField(primary_key=True, max_length=250)
    name = models.TextField(max_length=300)
    alternate_name = models.TextField(max_length=300, null=True, blank=True)
    description = models.TextField(max_length=4000)
    email = models.TextField(max_length=254, null=True, blank=True)
    website = models.TextField(max_length=2000, null=True, blank=True)
    tax_status = models.TextField(max_length=100, null=True, blank=True)
    tax_id = models.TextField(max_length=100, null=True, blank=True)
    year_incorporated = models.FloatField(null=True, blank=True)
    legal_status = models.TextField(max_length=100, null=True, blank=True)
    logo = models.TextField(max_length=2000, null=True, blank=True)
    uri = models.TextField(max_length=2000, null=True, blank=True)
    parent_organization = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        db_column="parent_organization_id",
    )

    class Meta:
        db_table = "directory_organization"

    def __str__(self):
        return str(self.name or self.id)


class Program(models.Model):
    """HSDS `program`: The details of collections of related services."""

    HSDS_TABLE = "program"
    id = models.CharField(primary_key=True, max_length=250)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programs",
        db_column="organization_id",
    )
    name = models.TextField(max_length=300)
    alternate_name = models.TextField(max_length=300, null=True, blank=True)
    description = models.TextField(max_length=4000)

    class Meta:
        db_table = "directory_program"

    def __str__(self):
        return str(self.name or self.id)


class Service(models.Model):
    """HSDS `service`: The details of the services provided by organizations to a range of different groups."""

    HSDS_TABLE = "service"
    id = models.CharField(primary_key=True, max_length=250)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
        db_column="organization_id",
    )
    program = models.ForeignKey(
        "Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="services",
        db_column="program_id",
    )
    name = models.TextField(max_length=300)
    alternate_name = models.TextField(max_length=300, null=True, blank=True)
    description = models.TextField(max_length=4000, null=True, blank=True)
    url = models.TextField(max_length=2000, null=True, blank=True)
    email = models.TextField(max_length=254, null=True, blank=True)
    status = models.TextField(max_length=40)
    interpretation_services = models.TextField(max_length=1000, null=True, blank=True)
    application_process = models.TextField(max_length=4000, null=True, blank=True)
    fees_description = models.TextField(max_length=1000, null=True, blank=True)
    wait_time = models.TextField(max_length=1000, null=True, blank=True)
    fees = models.TextField(max_length=1000, null=True, blank=True)
    accreditations = models.TextField(max_length=1000, null=True, blank=True)
    eligibility_description = models.TextField(max_length=4000, null=True, blank=True)
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.TextField(max_length=40, null=True, blank=True)
    assurer_email = models.TextField(max_length=254, null=True, blank=True)
    licenses = models.TextField(max_length=1000, null=True, blank=True)
    alert = models.TextField(max_length=1000, null=True, blank=True)
    last_modified = models.TextField(max_length=40, null=True, blank=True)

    class Meta:
        db_table = "directory_service"

    def __str__(self):
        return str(self.name or self.id)


class Location(models.Model):
    """HSDS `location`: The locations where organizations operate."""

    HSDS_TABLE = "location"
    id = models.CharField(primary_key=True, max_length=250)
    location_type = models.TextField(max_length=40)
    url = models.TextField(max_length=2000, null=True, blank=True)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="locations",
        db_column="organization_id",
    )
    name = models.TextField(max_length=300, null=True, blank=True)
    alternate_name = models.TextField(max_length=300, null=True, blank=True)
    description = models.TextField(max_length=4000, null=True, blank=True)
    transportation = models.TextField(max_length=1000, null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.TextField(max_length=300, null=True, blank=True)
    external_identifier_type = models.TextField(max_length=100, null=True, blank=True)

    class Meta:
        db_table = "directory_location"

    def __str__(self):
        return str(self.name or self.id)


class ServiceAtLocation(models.Model):
    """HSDS `service_at_location`: A link between a service and a specific location."""

    HSDS_TABLE = "service_at_location"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_at_locations",
        db_column="service_id",
    )
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_at_locations",
        db_column="location_id",
    )
    description = models.TextField(max_length=4000, null=True, blank=True)

    class Meta:
        db_table = "directory_service_at_location"

    def __str__(self):
        return str(self.id or self.id)


class Address(models.Model):
    """HSDS `address`: The addresses of locations where organizations operate."""

    HSDS_TABLE = "address"
    id = models.CharField(primary_key=True, max_length=250)
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="addresss",
        db_column="location_id",
    )
    attention = models.TextField(max_length=300, null=True, blank=True)
    address_1 = models.TextField(max_length=300)
    address_2 = models.TextField(max_length=300, null=True, blank=True)
    city = models.TextField(max_length=300)
    region = models.TextField(max_length=300, null=True, blank=True)
    state_province = models.TextField(max_length=300)
    postal_code = models.TextField(max_length=40)
    country = models.TextField(max_length=40)
    address_type = models.TextField(max_length=40)

    class Meta:
        db_table = "directory_address"

    def __str__(self):
        return str(self.id or self.id)


class Phone(models.Model):
    """HSDS `phone`: The details of the telephone numbers used to contact organizations, services, and locations."""

    HSDS_TABLE = "phone"
    id = models.CharField(primary_key=True, max_length=250)
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        db_column="location_id",
    )
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        db_column="service_id",
    )
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        db_column="organization_id",
    )
    contact = models.ForeignKey(
        "Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        db_column="contact_id",
    )
    service_at_location = models.ForeignKey(
        "ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
        db_column="service_at_location_id",
    )
    number = models.TextField(max_length=40)
    extension = models.FloatField(null=True, blank=True)
    type = models.TextField(max_length=40, null=True, blank=True)
    description = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_phone"

    def __str__(self):
        return str(self.id or self.id)


class Contact(models.Model):
    """HSDS `contact`: The details of the named contacts for services and organizations."""

    HSDS_TABLE = "contact"
    id = models.CharField(primary_key=True, max_length=250)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        db_column="organization_id",
    )
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        db_column="service_id",
    )
    service_at_location = models.ForeignKey(
        "ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        db_column="service_at_location_id",
    )
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        db_column="location_id",
    )
    name = models.TextField(max_length=300, null=True, blank=True)
    title = models.TextField(max_length=300, null=True, blank=True)
    department = models.TextField(max_length=300, null=True, blank=True)
    email = models.TextField(max_length=254, null=True, blank=True)

    class Meta:
        db_table = "directory_contact"

    def __str__(self):
        return str(self.name or self.id)


class Schedule(models.Model):
    """HSDS `schedule`: The details of when a service or location is open."""

    HSDS_TABLE = "schedule"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        db_column="service_id",
    )
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        db_column="location_id",
    )
    service_at_location = models.ForeignKey(
        "ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        db_column="service_at_location_id",
    )
    valid_from = models.TextField(max_length=40, null=True, blank=True)
    valid_to = models.TextField(max_length=40, null=True, blank=True)
    dtstart = models.TextField(max_length=40, null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.TextField(max_length=40, null=True, blank=True)
    count = models.FloatField(null=True, blank=True)
    wkst = models.TextField(max_length=40, null=True, blank=True)
    freq = models.TextField(max_length=40, null=True, blank=True)
    interval = models.FloatField(null=True, blank=True)
    byday = models.TextField(max_length=100, null=True, blank=True)
    byweekno = models.TextField(max_length=300, null=True, blank=True)
    bymonthday = models.TextField(max_length=300, null=True, blank=True)
    byyearday = models.TextField(max_length=1000, null=True, blank=True)
    description = models.TextField(max_length=1000, null=True, blank=True)
    opens_at = models.TextField(max_length=40, null=True, blank=True)
    closes_at = models.TextField(max_length=40, null=True, blank=True)
    schedule_link = models.TextField(max_length=2000, null=True, blank=True)
    attending_type = models.TextField(max_length=100, null=True, blank=True)
    notes = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_schedule"

    def __str__(self):
        return str(self.id or self.id)


class ServiceArea(models.Model):
    """HSDS `service_area`: The details of the geographic area for which a service is available."""

    HSDS_TABLE = "service_area"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_areas",
        db_column="service_id",
    )
    name = models.TextField(max_length=300, null=True, blank=True)
    description = models.TextField(max_length=4000, null=True, blank=True)
    extent = models.TextField(max_length=100000, null=True, blank=True)
    extent_type = models.TextField(max_length=100, null=True, blank=True)
    uri = models.TextField(max_length=2000, null=True, blank=True)

    class Meta:
        db_table = "directory_service_area"

    def __str__(self):
        return str(self.name or self.id)


class Language(models.Model):
    """HSDS `language`: The languages that are spoken at locations or services."""

    HSDS_TABLE = "language"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        db_column="service_id",
    )
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        db_column="location_id",
    )
    phone = models.ForeignKey(
        "Phone",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="languages",
        db_column="phone_id",
    )
    name = models.TextField(max_length=100, null=True, blank=True)
    code = models.TextField(max_length=100, null=True, blank=True)
    note = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_language"

    def __str__(self):
        return str(self.name or self.id)


class Funding(models.Model):
    """HSDS `funding`: The sources of funding for a service or organization."""

    HSDS_TABLE = "funding"
    id = models.CharField(primary_key=True, max_length=250)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fundings",
        db_column="organization_id",
    )
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fundings",
        db_column="service_id",
    )
    source = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_funding"

    def __str__(self):
        return str(self.id or self.id)


class Accessibility(models.Model):
    """HSDS `accessibility`: The details of the arrangements for access to locations for people who have disabilities."""

    HSDS_TABLE = "accessibility"
    id = models.CharField(primary_key=True, max_length=250)
    location = models.ForeignKey(
        "Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="accessibilitys",
        db_column="location_id",
    )
    description = models.TextField(max_length=4000, null=True, blank=True)
    details = models.TextField(max_length=4000, null=True, blank=True)
    url = models.TextField(max_length=2000, null=True, blank=True)

    class Meta:
        db_table = "directory_accessibility"

    def __str__(self):
        return str(self.id or self.id)


class CostOption(models.Model):
    """HSDS `cost_option`: The costs of a service at certain points in time."""

    HSDS_TABLE = "cost_option"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_options",
        db_column="service_id",
    )
    valid_from = models.TextField(max_length=40, null=True, blank=True)
    valid_to = models.TextField(max_length=40, null=True, blank=True)
    option = models.TextField(max_length=300, null=True, blank=True)
    currency = models.TextField(max_length=40, null=True, blank=True)
    amount = models.FloatField(null=True, blank=True)
    amount_description = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_cost_option"

    def __str__(self):
        return str(self.id or self.id)


class RequiredDocument(models.Model):
    """HSDS `required_document`: The details of any documents that are required in order to access or use services."""

    HSDS_TABLE = "required_document"
    id = models.CharField(primary_key=True, max_length=250)
    service = models.ForeignKey(
        "Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="required_documents",
        db_column="service_id",
    )
    document = models.TextField(max_length=1000, null=True, blank=True)
    uri = models.TextField(max_length=2000, null=True, blank=True)

    class Meta:
        db_table = "directory_required_document"

    def __str__(self):
        return str(self.id or self.id)


class OrganizationIdentifier(models.Model):
    """HSDS `organization_identifier`: The details of the third party identifiers for organizations, such as: company registration number, charity number, tax registration number."""

    HSDS_TABLE = "organization_identifier"
    id = models.CharField(primary_key=True, max_length=250)
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="organization_identifiers",
        db_column="organization_id",
    )
    identifier_scheme = models.TextField(max_length=100, null=True, blank=True)
    identifier_type = models.TextField(max_length=100)
    identifier = models.TextField(max_length=300)

    class Meta:
        db_table = "directory_organization_identifier"

    def __str__(self):
        return str(self.id or self.id)


class Taxonomy(models.Model):
    """HSDS `taxonomy`: The taxonomies from which taxonomy terms are taken."""

    HSDS_TABLE = "taxonomy"
    id = models.CharField(primary_key=True, max_length=250)
    name = models.TextField(max_length=300)
    description = models.TextField(max_length=4000)
    uri = models.TextField(max_length=2000, null=True, blank=True)
    version = models.TextField(max_length=100, null=True, blank=True)

    class Meta:
        db_table = "directory_taxonomy"

    def __str__(self):
        return str(self.name or self.id)


class TaxonomyTerm(models.Model):
    """HSDS `taxonomy_term`: Each service can be categorized according to one or more taxonomy terms."""

    HSDS_TABLE = "taxonomy_term"
    id = models.CharField(primary_key=True, max_length=250)
    code = models.TextField(max_length=100, null=True, blank=True)
    name = models.TextField(max_length=300)
    description = models.TextField(max_length=4000)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        db_column="parent_id",
    )
    taxonomy = models.TextField(max_length=300, null=True, blank=True)
    language = models.TextField(max_length=100, null=True, blank=True)
    # The FK is named apart from HSDS `taxonomy`, a free-text field on the
    # same table; both keep their HSDS column names.
    taxonomy_ref = models.ForeignKey(
        "Taxonomy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="taxonomy_terms",
        db_column="taxonomy_id",
    )
    term_uri = models.TextField(max_length=2000, null=True, blank=True)

    class Meta:
        db_table = "directory_taxonomy_term"

    def __str__(self):
        return str(self.name or self.id)


class Attribute(models.Model):
    """HSDS `attribute`: A link between a service and one or more classifications that describe the nature of the service provided."""

    HSDS_TABLE = "attribute"
    id = models.CharField(primary_key=True, max_length=250)
    link_id = models.TextField(max_length=250, null=True, blank=True)
    taxonomy_term = models.ForeignKey(
        "TaxonomyTerm",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attributes",
        db_column="taxonomy_term_id",
    )
    link_type = models.TextField(max_length=100, null=True, blank=True)
    link_entity = models.TextField(max_length=100, null=True, blank=True)
    value = models.TextField(max_length=1000, null=True, blank=True)

    class Meta:
        db_table = "directory_attribute"

    def __str__(self):
        return str(self.id or self.id)


class Metadata(models.Model):
    """HSDS `metadata`: A record of the changes that have been made to the data in order to maintain provenance information."""

    HSDS_TABLE = "metadata"
    id = models.CharField(primary_key=True, max_length=250)
    resource_id = models.TextField(max_length=250, null=True, blank=True)
    resource_type = models.TextField(max_length=100, null=True, blank=True)
    last_action_date = models.TextField(max_length=40)
    last_action_type = models.TextField(max_length=100)
    field_name = models.TextField(max_length=100)
    previous_value = models.TextField(max_length=100000)
    replacement_value = models.TextField(max_length=100000)
    updated_by = models.TextField(max_length=300)

    class Meta:
        db_table = "directory_metadata"

    def __str__(self):
        return str(self.id or self.id)


class MetaTableDescription(models.Model):
    """HSDS `meta_table_description`: Metadata about individual tables."""

    HSDS_TABLE = "meta_table_description"
    id = models.CharField(primary_key=True, max_length=250)
    name = models.TextField(max_length=300, null=True, blank=True)
    language = models.TextField(max_length=100, null=True, blank=True)
    character_set = models.TextField(max_length=100, null=True, blank=True)

    class Meta:
        db_table = "directory_meta_table_description"

    def __str__(self):
        return str(self.name or self.id)


# Caremap's own facts about directory entries ----------------------------
# Kept beside the HSDS tables, never on them, so an HSDS export carries only
# what the standard defines.


# About six months.
REVIEW_AFTER_DAYS_DEFAULT = 182


class AreaDirectory(models.Model):
    """An area's settings for its directory."""

    area = models.OneToOneField(
        "organisations.Area", on_delete=models.CASCADE, related_name="directory"
    )
    public = models.BooleanField(
        _("directory open to the public"),
        default=False,
        help_text=_(
            "When on, anyone may search the area's directory without signing "
            "in, and the HSDS API answers without a token. When off, only "
            "staff in the area see it, and the API needs one of the area's "
            "tokens."
        ),
    )
    review_after_days = models.PositiveIntegerField(
        _("days before an entry needs checking again"),
        default=REVIEW_AFTER_DAYS_DEFAULT,
    )

    class Meta:
        verbose_name = _("area directory settings")

    def __str__(self):
        return str(self.area)


class ApiToken(models.Model):
    """A key to an area's HSDS API. Only a hash is stored."""

    area = models.ForeignKey(
        "organisations.Area", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("who it is for"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("HSDS API token")

    def __str__(self):
        return f"{self.name} ({self.area})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ListingQuerySet(models.QuerySet):
    def in_area(self, area):
        return self.filter(area=area)

    def running_on(self, day):
        """Listings running on `day`: started by then (or start unknown) and
        not yet ended."""
        return self.filter(
            models.Q(started_on__isnull=True) | models.Q(started_on__lte=day),
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day),
        )

    def findable(self, day):
        """What a search may offer on `day`: running, and not marked in HSDS
        as stopped for good (inactive or defunct)."""
        return self.running_on(day).exclude(service__status__in=["inactive", "defunct"])

    def due_for_review(self, *, now=None, after_days=None):
        """Listings never checked, or last checked more than `after_days`
        ago (by default each area's own setting)."""
        now = now or timezone.now()
        if after_days is not None:
            cutoff = now - datetime.timedelta(days=after_days)
            return self.filter(
                models.Q(last_checked_at__isnull=True)
                | models.Q(last_checked_at__lt=cutoff)
            )
        # Each area's own setting; an area without settings uses the default.
        # Areas are few, so one small query builds the condition.
        settings_by_area = dict(
            AreaDirectory.objects.values_list("area_id", "review_after_days")
        )
        never = models.Q(last_checked_at__isnull=True)
        stale = models.Q(
            last_checked_at__lt=now - datetime.timedelta(days=REVIEW_AFTER_DAYS_DEFAULT)
        ) & ~models.Q(area_id__in=settings_by_area)
        for area_id, days in settings_by_area.items():
            stale |= models.Q(
                area_id=area_id,
                last_checked_at__lt=now - datetime.timedelta(days=days),
            )
        return self.filter(never | stale)

    def peer_led_groups(self):
        return self.filter(peer_led=True, independent=True)


class Listing(models.Model):
    """A service in an area's directory, with what Caremap knows about it
    beyond HSDS: how it helps recovery, who runs it, and when it was last
    checked."""

    class Kind(models.TextChoices):
        MUTUAL_AID = "mutual-aid", _("Mutual-aid meeting")
        PEER_LED = "peer-led", _("Peer-led recovery organisation or group")
        TREATMENT = "treatment", _("Treatment service")
        HOUSING = "housing", _("Housing")
        EMPLOYMENT = "employment", _("Employment, training and learning")
        HEALTH = "health", _("Health")
        LEGAL_MONEY = "legal-money", _("Legal and money advice")
        FAMILY = "family", _("Family and carers")
        DOMESTIC_ABUSE = "domestic-abuse", _("Domestic abuse support")
        OTHER = "other", _("Other")

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, related_name="listing"
    )
    area = models.ForeignKey(
        "organisations.Area", on_delete=models.PROTECT, related_name="listings"
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER
    )
    peer_led = models.BooleanField(
        _("run by people with lived experience"), default=False
    )
    independent = models.BooleanField(
        _("independent of treatment services"), default=False
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last checked by"),
    )

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("directory listing")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="listing_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return str(self.service)

    def review_due(self, *, now=None, after_days=REVIEW_AFTER_DAYS_DEFAULT):
        if self.last_checked_at is None:
            return True
        now = now or timezone.now()
        return self.last_checked_at < now - datetime.timedelta(days=after_days)


class ListingTag(models.Model):
    """What a listing helps with or suits: a recovery-capital domain, a kind
    of unmet need, or a recovery pathway. One row per tag, so searching by
    need is an indexed join on every database."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("Recovery-capital domain")
        NEED = "need", _("Unmet need")
        PATHWAY = "pathway", _("Recovery pathway")

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "kind", "value"], name="listing_tag_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self):
        return f"{self.kind}: {self.value}"


class Relationship(models.Model):
    """A Caremap organisation's working relationship with a listed service:
    the resources it knows and refers to first."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="relationships"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="directory_relationships",
    )
    note = models.TextField(_("about the relationship"), blank=True, max_length=1000)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "organisation"], name="relationship_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ↔ {self.listing}"


class Editor(models.Model):
    """Someone a commissioner has appointed to keep the area's directory,
    alongside the managers of the area's organisations."""

    area = models.ForeignKey(
        "organisations.Area", on_delete=models.CASCADE, related_name="directory_editors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_editor_roles",
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("directory editor")
        constraints = [
            models.UniqueConstraint(fields=["area", "user"], name="editor_unique")
        ]

    def __str__(self):
        return f"{self.user} ({self.area})"


class Place(models.Model):
    """A postcode, postcode district or place name with its coordinates, so
    a search "near" somewhere can measure distances without a geocoding
    service. Loaded from open gazetteer data (for example a postcode
    directory) with `caremap directory places`."""

    class Kind(models.TextChoices):
        POSTCODE = "postcode", _("Postcode or ZIP code")
        DISTRICT = "district", _("Postcode district")
        PLACE = "place", _("Place name")

    key = models.CharField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = _("place")

    def __str__(self):
        return self.name
