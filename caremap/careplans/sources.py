"""Finding goal-template packs and the instruments they are written for."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from django.db import DatabaseError

from caremap.instruments.definition import Instrument


def shipped_paths() -> list[Path]:
    """The goal-template packs written for and shipped with Caremap."""
    packs = resources.files("caremap.careplans").joinpath("packs")
    return sorted(Path(str(p)) for p in packs.iterdir() if p.name.endswith(".yaml"))


def instrument_for(key: str) -> Instrument | None:
    """The newest installed version of instrument `key`, else the shipped
    file of that id (so templates can be checked before `make migrate`)."""
    from caremap.instruments.models import InstrumentVersion
    from caremap.instruments.sources import read_source
    from caremap.instruments.sources import shipped_paths as instrument_paths

    try:
        version = InstrumentVersion.objects.current_version(key)
    except DatabaseError:
        # Not migrated yet: the shipped file is the only copy there is.
        version = None
    if version is not None:
        return version.instrument
    for path in instrument_paths():
        definition, _format = read_source(path)
        if definition["id"] == key:
            return Instrument.from_dict(definition)
    return None
