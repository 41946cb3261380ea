"""Installed instruments. Each imported version is kept whole and never
changed, so an assessment can always be shown and rescored with the exact
definition it was taken with."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from caremap.instruments.definition import Instrument

# Versions never change once stored, so a parsed definition can be shared by
# every row that loads the same version (a page, a rescore of thousands).
_PARSED: dict[tuple[int, str], Instrument] = {}


def _parsed(pk, checksum, definition) -> Instrument:
    key = (pk, checksum)
    if key not in _PARSED:
        _PARSED[key] = Instrument.from_dict(definition)
    return _PARSED[key]


class InstrumentVersionQuerySet(models.QuerySet):
    def current(self):
        """The newest imported version of each instrument: the one new
        assessments use."""
        newest = self.values("key").annotate(newest=Max("pk")).values("newest")
        return self.filter(pk__in=newest).order_by("key")

    def current_version(self, key):
        return self.filter(key=key).order_by("-pk").first()


class InstrumentVersion(models.Model):
    class Format(models.TextChoices):
        YAML = "yaml", _("Caremap YAML")
        FHIR = "fhir", _("FHIR Questionnaire")

    key = models.SlugField(_("instrument id"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(_("checksum"), max_length=64)
    source_format = models.CharField(
        _("imported from"), max_length=8, choices=Format.choices
    )
    shipped = models.BooleanField(_("shipped with Caremap"), default=False)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument version")
        ordering = ["key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="instrument_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.key} {self.version}"

    @cached_property
    def instrument(self) -> Instrument:
        return _parsed(self.pk, self.checksum, self.definition)

    @staticmethod
    def checksum_of(definition: dict) -> str:
        canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
