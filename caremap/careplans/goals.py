"""Goal templates: starting points for goals, as data.

A template pack is a YAML file (checked by `schema/goal-templates.schema.json`
and `validation.py`) written for one instrument. Each template says what
triggers it in a profile — a domain in a band, a barrier present, help wanted
with a kind of need — the SMART steps it suggests and the directory
resources it can draw on. A template is only ever a starting point: the
person and navigator word the goal themselves.

Pure: no database. `TemplatePack.from_dict` builds the objects the pivot
ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caremap.instruments.definition import Text

WHO = ("person", "navigator", "someone-else")


@dataclass(frozen=True)
class Trigger:
    """One condition that suggests a template. Exactly one of `domain`
    (with `bands`), `barrier` (an item id) or `need` (a need id) is set."""

    domain: str | None = None
    bands: tuple[str, ...] = ()
    barrier: str | None = None
    need: str | None = None

    @property
    def kind(self) -> str:
        if self.barrier:
            return "barrier"
        if self.need:
            return "need"
        return "domain"

    @classmethod
    def from_dict(cls, data: dict) -> Trigger:
        return cls(
            domain=data.get("domain"),
            bands=tuple(data.get("bands", ())),
            barrier=data.get("barrier"),
            need=data.get("need"),
        )


@dataclass(frozen=True)
class SuggestedAction:
    what: Text
    who: str = "person"
    within_days: int | None = None
    how_we_know: Text | None = None

    @classmethod
    def from_dict(cls, data: dict) -> SuggestedAction:
        return cls(
            what=Text.of(data["what"]),
            who=data.get("who", "person"),
            within_days=data.get("within_days"),
            how_we_know=Text.of(data.get("how_we_know")),
        )


@dataclass(frozen=True)
class DirectoryLinks:
    """What a template can draw on in the community directory: listings
    tagged with these needs or domains, of these kinds, or carrying these
    taxonomy terms (by code or name)."""

    needs: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict | None) -> DirectoryLinks:
        data = data or {}
        return cls(
            needs=tuple(data.get("needs", ())),
            domains=tuple(data.get("domains", ())),
            kinds=tuple(data.get("kinds", ())),
            terms=tuple(data.get("terms", ())),
        )


@dataclass(frozen=True)
class GoalTemplate:
    id: str
    title: Text
    description: Text
    domain: str | None
    triggers: tuple[Trigger, ...]
    actions: tuple[SuggestedAction, ...]
    directory: DirectoryLinks = field(default_factory=DirectoryLinks)

    @classmethod
    def from_dict(cls, data: dict) -> GoalTemplate:
        return cls(
            id=data["id"],
            title=Text.of(data["title"]),
            description=Text.of(data["description"]),
            domain=data.get("domain"),
            triggers=tuple(Trigger.from_dict(t) for t in data["triggers"]),
            actions=tuple(SuggestedAction.from_dict(a) for a in data["actions"]),
            directory=DirectoryLinks.from_dict(data.get("directory")),
        )


@dataclass(frozen=True)
class TemplatePack:
    id: str
    version: str
    instrument: str
    title: Text | None
    templates: tuple[GoalTemplate, ...]

    @classmethod
    def from_dict(cls, data: dict) -> TemplatePack:
        return cls(
            id=data["id"],
            version=str(data["version"]),
            instrument=data["instrument"],
            title=Text.of(data.get("title")),
            templates=tuple(GoalTemplate.from_dict(t) for t in data["templates"]),
        )
