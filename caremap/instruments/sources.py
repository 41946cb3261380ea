"""Reading instrument files: Caremap YAML, or a FHIR R4 Questionnaire in JSON."""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from pathlib import Path

from caremap.instruments import fhir
from caremap.instruments.validation import (
    InvalidInstrument,
    Problem,
    read_yaml,
    validate_definition,
)


def shipped_paths() -> list[Path]:
    """The instruments written for and shipped with Caremap."""
    packs = resources.files("caremap.instruments").joinpath("packs")
    return sorted(Path(str(p)) for p in packs.iterdir() if p.name.endswith(".yaml"))


def read_source(path: Path) -> tuple[dict, str]:
    """The definition held in `path` and the format it came in, validated;
    raises InvalidInstrument listing every problem."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _read_source(path)
    # Validating is the slow part; a file unchanged since it was last read in
    # this process gives the same answer.
    definition, source_format = _read_cached(path, stat.st_mtime_ns, stat.st_size)
    return copy.deepcopy(definition), source_format


@functools.lru_cache(maxsize=64)
def _read_cached(path: Path, mtime_ns: int, size: int) -> tuple[dict, str]:
    return _read_source(path)


def _read_source(path: Path) -> tuple[dict, str]:
    source = str(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidInstrument(
                [Problem(source, "", f"cannot be read ({error.strerror})")]
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            where = (
                f"line {error.lineno}, column {error.colno}"
                if isinstance(error, json.JSONDecodeError)
                else ""
            )
            raise InvalidInstrument(
                [Problem(source, where, "is not valid JSON")]
            ) from None
        if isinstance(data, dict) and data.get("resourceType") is not None:
            try:
                definition = fhir.questionnaire_to_definition(data)
            except fhir.FhirImportError as error:
                raise InvalidInstrument(
                    [Problem(source, "", message) for message in error.problems]
                ) from None
            source_format = "fhir"
        else:
            definition, source_format = data, "yaml"
    else:
        definition, problems = read_yaml(path)
        if problems:
            raise InvalidInstrument(problems)
        source_format = "yaml"
    problems = validate_definition(definition, source)
    if problems:
        raise InvalidInstrument(problems)
    return definition, source_format
