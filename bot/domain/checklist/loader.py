"""Load and check the life-event data: every event has a sourced cell for every desk.

Problems raise KnowledgeError naming the file and entry, like the rules data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

from bot.domain.checklist.model import (
    DESK_OF_AGENCY,
    DESKS,
    DUTIES,
    Cell,
    DeskCells,
    Duty,
    GemeenteRule,
    LifeEvent,
    LifeEventData,
)
from bot.domain.knowledge.loader import DATA_DIR, KnowledgeError, knowledge, require
from bot.domain.knowledge.model import Knowledge


def _yaml(data_dir: Path, name: str) -> dict[str, Any]:
    content = yaml.safe_load((data_dir / f"{name}.yml").read_text(encoding="utf-8"))
    if not isinstance(content, dict):
        raise KnowledgeError(f"{name}.yml: expected a mapping")
    return content


def _cell(raw: dict[str, Any], where: str) -> Cell:
    require(raw.get("duty") in DUTIES, f"{where}: unknown duty {raw.get('duty')!r}")
    require(bool(raw.get("source")), f"{where}: a source is required")
    duty = cast(Duty, raw["duty"])
    if duty in ("must", "partly"):
        require(bool(raw.get("deadline") and raw.get("channel")), f"{where}: deadline and channel")
    if duty in ("automatic", "partly"):
        require(bool(raw.get("from")), f"{where}: say where it comes from (`from`)")
    return Cell(
        duty=duty,
        source=str(raw["source"]),
        deadline=raw.get("deadline"),
        channel=raw.get("channel"),
        comes_from=raw.get("from"),
        note=raw.get("note"),
        warn=bool(raw.get("warn")),
    )


def load_life_events(data_dir: Path = DATA_DIR, kb: Knowledge | None = None) -> LifeEventData:
    kb = kb or knowledge()
    raw = _yaml(data_dir, "life_events")
    events: dict[str, LifeEvent] = {}
    for event_id, item in raw["events"].items():
        cells: dict[str, DeskCells] = {}
        for desk in DESKS:
            where = f"life_events.yml {event_id}.{desk}"
            require(desk in item.get("cells", {}), f"{where}: missing")
            desk_raw = item["cells"][desk]
            overrides = {
                benefit: _cell(cell_raw, f"{where}.{benefit}")
                for benefit, cell_raw in (desk_raw.get("benefits") or {}).items()
            }
            cells[desk] = DeskCells(_cell(desk_raw, where), overrides)
        for desk in item.get("always") or ():
            require(desk in DESKS, f"life_events.yml {event_id}: unknown desk {desk!r} in always")
        events[event_id] = LifeEvent(
            id=event_id,
            kind=item["kind"],
            terms=tuple(str(term) for term in item.get("terms") or ()),
            patterns=tuple(str(p) for p in item.get("patterns") or ()),
            situation=item.get("situation"),
            cells=cells,
            always=tuple(str(desk) for desk in item.get("always") or ()),
        )
    gemeenten_raw = _yaml(data_dir, "gemeenten")
    names = tuple(name for group in gemeenten_raw["provinces"].values() for name in group)
    require(len(names) == gemeenten_raw["count"], "gemeenten.yml: count does not match")
    rules: dict[str, GemeenteRule] = {}
    for gemeente, item in (_yaml(data_dir, "gemeente_rules")["gemeente_rules"] or {}).items():
        deadline = item.get("deadline") or {}
        rules[gemeente] = GemeenteRule(
            gemeente=gemeente,
            source=str(item["source"]),
            deadline_days=deadline.get("days"),
            deadline_working=bool(deadline.get("working")),
            income_form_day=item.get("income_form_day"),
            trip_notice_days=item.get("trip_notice_days"),
            brp_is_enough=tuple(item.get("brp_is_enough") or ()),
        )
    data = LifeEventData(
        events=events,
        deadlines=kb.deadlines,  # reporting.yml: the same as the rules' answers use
        channels=kb.channels,
        sources=dict(raw["sources"]),
        gemeenten=names,
        aliases=dict(gemeenten_raw.get("aliases") or {}),
        gemeente_rules=rules,
    )
    check_life_events(data, kb)
    return data


def check_life_events(data: LifeEventData, kb: Knowledge) -> None:
    """References point at things that exist; overrides sit at the desk that pays the benefit."""
    for event in data.events.values():
        require(
            event.situation is None or event.situation in kb.situations,
            f"life_events.yml {event.id}: unknown situation {event.situation!r}",
        )
        for desk, desk_cells in event.cells.items():
            where = f"life_events.yml {event.id}.{desk}"
            for benefit, cell in [(None, desk_cells.default), *desk_cells.by_benefit.items()]:
                if benefit is not None:
                    require(benefit in kb.benefits, f"{where}: unknown benefit {benefit!r}")
                    paid_by = DESK_OF_AGENCY.get(kb.benefits[benefit].agency)
                    require(paid_by == desk, f"{where}: {benefit} is not paid by {desk}")
                require(
                    cell.deadline is None or cell.deadline in data.deadlines,
                    f"{where}: unknown deadline {cell.deadline!r}",
                )
                require(
                    cell.channel is None or cell.channel in data.channels,
                    f"{where}: unknown channel {cell.channel!r}",
                )
                require(
                    cell.comes_from is None or cell.comes_from in data.sources,
                    f"{where}: unknown source {cell.comes_from!r}",
                )
                require(
                    cell.note is None or cell.note.startswith(f"event.{event.id}.{desk}"),
                    f"{where}: a note key starts with event.{event.id}.{desk}",
                )
    for alias, name in data.aliases.items():
        require(name in data.gemeenten, f"gemeenten.yml alias {alias}: unknown {name!r}")
    for name, rule in data.gemeente_rules.items():
        require(name in data.gemeenten, f"gemeente_rules.yml: unknown gemeente {name!r}")
        for event_id in rule.brp_is_enough:
            require(event_id in data.events, f"gemeente_rules.yml {name}: unknown {event_id}")


@cache
def life_events() -> LifeEventData:
    """The project's life-event data, loaded once per process."""
    return load_life_events()
