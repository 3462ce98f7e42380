"""The "wie moet het weten?" turn: a personal checklist for life events, kept in a slot so
the person can ask for it again, and rebuilt when they name their gemeente afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.domain.checklist.builder import build_checklist, checklist_from_slot
from bot.domain.checklist.detect import asks_for_the_list_again, checklist_events, detect_events
from bot.domain.checklist.gemeenten import find_gemeente
from bot.domain.checklist.loader import life_events
from bot.domain.checklist.render import checklist_answer, no_checklist_yet
from bot.domain.checklist.when import event_date
from bot.domain.knowledge.answers import Answer, ask_benefit
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import Reading


@dataclass
class ChecklistTurn:
    answer: Answer
    kept: dict[str, Any] | None  # the new value of the `checklist` slot (None: unchanged)
    pending: str | None = None  # the question to keep while asking for the benefit


def checklist_turn(
    text: str,
    reading: Reading,
    benefits: list[str],
    kept: Any,
    pending: str | None,
    today: dt.date,
) -> ChecklistTurn | None:
    """The checklist answer for this message, or None when it is not about a checklist."""
    data, kb = life_events(), knowledge()
    events = checklist_events(text, data)
    previous = checklist_from_slot(data, kb, kept, today)
    if not events:
        if detect_events(text, data) or reading.situation:
            return None
        gemeente = find_gemeente(text, data)
        if previous is not None and gemeente is not None:  # "ik woon in Zwolle" afterwards
            again = build_checklist(
                data, kb, previous.events, previous.benefits, today, gemeente, previous.event_day
            )
            return ChecklistTurn(checklist_answer(data, kb, again), again.as_slot())
        if asks_for_the_list_again(text):
            if previous is None:
                return ChecklistTurn(no_checklist_yet(), None)
            return ChecklistTurn(checklist_answer(data, kb, previous), None)
        return None
    if not benefits and pending is None:
        return ChecklistTurn(ask_benefit(), None, pending=text)
    gemeente = find_gemeente(text, data) or (previous.gemeente if previous else None)
    checklist = build_checklist(
        data, kb, events, benefits, today, gemeente, event_date(text, today)
    )
    return ChecklistTurn(checklist_answer(data, kb, checklist), checklist.as_slot())
