"""Build the personal checklist: for the events and the person's benefits, what to do at
which desk, by when, in order of urgency; then the desks where nothing needs doing.

The checklist is plain data (kept in a slot, so "stuur me dit lijstje nog een keer" works)
and is rendered per channel elsewhere (bot/domain/checklist/render.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.domain.checklist.model import COMMON_DESKS, DESK_OF_AGENCY, DESKS, Cell, LifeEventData
from bot.domain.checklist.when import due_date
from bot.domain.knowledge.model import Knowledge

ACTION_DUTIES = ("must", "partly", "check")
DUTY_ORDER = {"must": 0, "partly": 0, "check": 1, "automatic": 2, "none": 3}


@dataclass(frozen=True)
class Item:
    """One line: a desk (for some of the person's benefits) and what to do there."""

    event: str
    desk: str
    benefits: tuple[str, ...]
    cell: Cell
    due: dt.date | None = None
    late: bool = False

    @property
    def needs_action(self) -> bool:
        return self.cell.duty in ACTION_DUTIES


@dataclass
class Checklist:
    events: list[str]
    benefits: list[str]
    gemeente: str | None = None
    event_day: dt.date | None = None
    # A date of its own for an event in a message with several ("in mei wordt mijn zoon 18").
    event_days: dict[str, dt.date] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)

    @property
    def to_do(self) -> list[Item]:
        return [item for item in self.items if item.needs_action]

    @property
    def nothing_to_do(self) -> list[Item]:
        return [item for item in self.items if not item.needs_action]

    @property
    def late(self) -> bool:
        return any(item.late for item in self.items)

    def as_slot(self) -> dict[str, Any]:
        """What to keep in the conversation to build the same list again later."""
        return {
            "events": list(self.events),
            "benefits": list(self.benefits),
            "gemeente": self.gemeente,
            "event_day": self.event_day.isoformat() if self.event_day else None,
            "event_days": {event: day.isoformat() for event, day in self.event_days.items()},
        }


def _gemeente_cell(data: LifeEventData, event: str, cell: Cell, gemeente: str | None) -> Cell:
    rule = data.gemeente_rules.get(gemeente or "")
    if rule is not None and event in rule.brp_is_enough:
        return Cell(duty="automatic", source=rule.source, comes_from="brp")
    return cell


def _due(
    data: LifeEventData, cell: Cell, gemeente: str | None, event_day: dt.date | None
) -> dt.date | None:
    if event_day is None or cell.deadline is None or cell.duty not in ACTION_DUTIES:
        return None
    deadline = data.deadlines[cell.deadline]
    rule = data.gemeente_rules.get(gemeente or "")
    if rule is not None and cell.deadline == "gemeente" and rule.deadline_days is not None:
        return due_date(deadline, event_day, rule.deadline_days, rule.deadline_working)
    if rule is not None and cell.deadline == "gemeente_trip" and rule.trip_notice_days:
        return due_date(deadline, event_day, rule.trip_notice_days, False)
    return due_date(deadline, event_day)


def _desks_for(kb: Knowledge, benefits: list[str]) -> dict[str, list[str]]:
    """The person's desks, each with the benefits it pays them (none for common desks)."""
    desks: dict[str, list[str]] = {desk: [] for desk in COMMON_DESKS}
    for benefit in benefits:
        desk = DESK_OF_AGENCY.get(kb.benefits[benefit].agency)
        if desk is not None:
            desks.setdefault(desk, []).append(benefit)
    return desks


def build_checklist(
    data: LifeEventData,
    kb: Knowledge,
    events: list[str],
    benefits: list[str],
    today: dt.date,
    gemeente: str | None = None,
    event_day: dt.date | None = None,
    event_days: dict[str, dt.date] | None = None,
) -> Checklist:
    own_days = {e: day for e, day in (event_days or {}).items() if e in events}
    checklist = Checklist(list(events), list(benefits), gemeente, event_day, own_days)
    desks = _desks_for(kb, benefits)
    for event_id in events:
        event = data.events[event_id]
        for desk in DESKS:
            if desk not in desks and desk not in event.always:
                continue
            cells = event.cells[desk]
            groups: dict[Cell, list[str]] = {}
            if desk in COMMON_DESKS or desk not in desks:  # a desk shown for everyone
                if cells.default.duty != "none":
                    groups[cells.default] = []
            else:
                for benefit in desks[desk]:
                    groups.setdefault(cells.for_benefit(benefit), []).append(benefit)
            for cell, names in groups.items():
                if desk == "bijstand":
                    cell = _gemeente_cell(data, event_id, cell, gemeente)
                due = _due(data, cell, gemeente, own_days.get(event_id, event_day))
                late = due is not None and due < today
                checklist.items.append(Item(event_id, desk, tuple(names), cell, due, late))
    checklist.items.sort(key=lambda item: _urgency(data, item))
    return checklist


def _urgency(data: LifeEventData, item: Item) -> tuple[int, float, int]:
    """Act first on what is due first; then by the deadline's length; desks in their order."""
    if item.due is not None:
        when = float(item.due.toordinal())
    elif item.cell.deadline is not None:
        deadline = data.deadlines[item.cell.deadline]
        days = {"after": deadline.days, "before": -deadline.days, "none": 400}[deadline.kind]
        when = float(dt.date.max.toordinal() - 1000 + days)
    else:
        when = float(dt.date.max.toordinal())
    return DUTY_ORDER[item.cell.duty], when, DESKS.index(item.desk)


def checklist_from_slot(
    data: LifeEventData, kb: Knowledge, value: Any, today: dt.date
) -> Checklist | None:
    """Rebuild a kept checklist; None when the slot holds nothing usable."""
    if not isinstance(value, dict):
        return None
    events = [e for e in value.get("events") or [] if e in data.events]
    benefits = [b for b in value.get("benefits") or [] if b in kb.benefits]
    if not events:
        return None
    gemeente = value.get("gemeente") if value.get("gemeente") in data.gemeenten else None
    day = _day(value.get("event_day"))
    kept = value.get("event_days")
    days = {
        str(e): d for e, raw in (kept if isinstance(kept, dict) else {}).items() if (d := _day(raw))
    }
    return build_checklist(data, kb, events, benefits, today, gemeente, day, days)


def _day(value: Any) -> dt.date | None:
    """A kept ISO date, or None for anything else."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
