"""The words a listing is tagged with: recovery-capital domains and kinds of
unmet need from the default instrument, and the recovery pathways."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language

from caremap.directory.models import ListingTag
from caremap.instruments.models import InstrumentVersion
from caremap.people.models import Person


@dataclass(frozen=True)
class Vocabulary:
    domains: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    pathways: list[tuple[str, str]]

    def titles(self):
        """{(kind, value): title} for every tag value known."""
        return {
            **{(ListingTag.Kind.DOMAIN, k): v for k, v in self.domains},
            **{(ListingTag.Kind.NEED, k): v for k, v in self.needs},
            **{(ListingTag.Kind.PATHWAY, k): v for k, v in self.pathways},
        }


def load():
    """The vocabulary in the current language: the recovery-capital domains
    (not totals, wellbeing or the barriers count) and the kinds of unmet need
    of the default instrument, and the pathways. One query."""
    version = InstrumentVersion.objects.current_version(settings.DEFAULT_INSTRUMENT)
    pathways = [(str(k), str(v)) for k, v in Person.Pathway.choices]
    if version is None:
        return Vocabulary(domains=[], needs=[], pathways=pathways)
    instrument = version.instrument
    language = get_language()
    return Vocabulary(
        domains=[
            (domain.id, domain.title.get(language))
            for domain in instrument.domains
            if domain.capital
        ],
        needs=[(need.id, need.title.get(language)) for need in instrument.needs],
        pathways=pathways,
    )
