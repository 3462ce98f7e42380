"""Typed shapes of the life-event data (knowledge/data/life_events.yml, gemeente*.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.domain.knowledge.model import Channel, Deadline

Duty = Literal["must", "partly", "check", "automatic", "none"]
DUTIES: tuple[str, ...] = ("must", "partly", "check", "automatic", "none")
# The columns of the checklist: the gemeente's two desks, then the national agencies.
DESKS: tuple[str, ...] = ("brp", "bijstand", "uwv", "svb", "toeslagen", "duo", "belastingdienst")
# The desk that pays a benefit, by the benefit's agency (bot/domain/knowledge/data/agencies.yml).
DESK_OF_AGENCY = {
    "gemeente": "bijstand",
    "uwv": "uwv",
    "svb": "svb",
    "toeslagen": "toeslagen",
    "duo": "duo",
}
# The agency behind each desk (the gemeente has two).
AGENCY_OF_DESK = {desk: agency for agency, desk in DESK_OF_AGENCY.items()} | {
    "brp": "gemeente",
    "belastingdienst": "belastingdienst",
}
# Desks every person deals with, whatever their benefits.
COMMON_DESKS = ("brp", "belastingdienst")


@dataclass(frozen=True)
class Cell:
    duty: Duty
    source: str
    deadline: str | None = None
    channel: str | None = None
    comes_from: str | None = None
    note: str | None = None
    warn: bool = False


@dataclass(frozen=True)
class DeskCells:
    """A desk's cell for an event, with overrides for particular benefits."""

    default: Cell
    by_benefit: dict[str, Cell] = field(default_factory=dict)

    def for_benefit(self, benefit: str | None) -> Cell:
        if benefit is None:
            return self.default
        return self.by_benefit.get(benefit, self.default)


@dataclass(frozen=True)
class LifeEvent:
    id: str
    kind: Literal["life", "activity"]
    terms: tuple[str, ...]
    cells: dict[str, DeskCells]
    patterns: tuple[str, ...] = ()
    situation: str | None = None
    # Desks shown whatever the person's benefits ("baan kwijt": WW is applied for at UWV).
    always: tuple[str, ...] = ()

    @property
    def name_key(self) -> str:
        return f"event.{self.id}.name"

    @property
    def what_key(self) -> str:
        return f"event.{self.id}.what"


@dataclass(frozen=True)
class GemeenteRule:
    gemeente: str
    source: str
    deadline_days: int | None = None
    deadline_working: bool = False
    income_form_day: int | None = None
    trip_notice_days: int | None = None
    brp_is_enough: tuple[str, ...] = ()


@dataclass(frozen=True)
class LifeEventData:
    events: dict[str, LifeEvent]
    deadlines: dict[str, Deadline]
    channels: dict[str, Channel]
    sources: dict[str, str]
    gemeenten: tuple[str, ...]
    aliases: dict[str, str]
    gemeente_rules: dict[str, GemeenteRule]
