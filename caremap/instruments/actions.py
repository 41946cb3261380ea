"""Installing instruments. Versions are append-only: a definition, once
imported, is never changed, so past assessments keep the wording and scoring
they were taken with."""

from django.db import transaction

from caremap.instruments.models import InstrumentVersion
from caremap.instruments.sources import read_source, shipped_paths
from caremap.privacy.audit import record
from caremap.privacy.models import AuditEvent


class AlreadyImported(Exception):
    def __init__(self, existing: InstrumentVersion, same: bool):
        self.existing = existing
        self.same = same
        super().__init__(
            f"{existing.key} version {existing.version} is already installed"
            + (
                ""
                if same
                else " with different content; give the changed file a new version"
            )
        )


@transaction.atomic
def import_definition(
    definition: dict, *, source_format: str, by=None, shipped: bool = False
) -> InstrumentVersion:
    """Install a validated definition as a new version."""
    checksum = InstrumentVersion.checksum_of(definition)
    existing = (
        InstrumentVersion.objects.select_for_update()
        .filter(key=definition["id"], version=str(definition["version"]))
        .first()
    )
    if existing is not None:
        raise AlreadyImported(existing, same=existing.checksum == checksum)
    title = definition["title"]
    version = InstrumentVersion.objects.create(
        key=definition["id"],
        version=str(definition["version"]),
        title=(title if isinstance(title, str) else title["en"])[:200],
        definition=definition,
        checksum=checksum,
        source_format=source_format,
        shipped=shipped,
        imported_by=by,
    )
    record(
        AuditEvent.Action.CREATE,
        by=by,
        record=version,
        summary=f"Installed instrument {version.key} version {version.version}",
    )
    return version


def import_file(path, *, by=None, shipped=False) -> InstrumentVersion:
    definition, source_format = read_source(path)
    return import_definition(
        definition, source_format=source_format, by=by, shipped=shipped
    )


def install_shipped(*, by=None) -> list[InstrumentVersion]:
    """Install every shipped instrument not yet installed. Safe to repeat; an
    installed version whose file has since changed without a new version
    number is an error, because assessments already rely on the old one."""
    installed = []
    for path in shipped_paths():
        try:
            installed.append(import_file(path, by=by, shipped=True))
        except AlreadyImported as error:
            if not error.same:
                raise
    return installed
