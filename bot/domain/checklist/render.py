"""Turn a checklist into chat messages made of catalog keys (the NLG endpoint adds words).

One short message per thing to do, numbered, most urgent first; then one message with the
desks where nothing needs doing; then what to do when a date has already passed.
"""

from __future__ import annotations

from typing import Any

from bot.domain.checklist.builder import Checklist, Item
from bot.domain.checklist.model import LifeEventData
from bot.domain.knowledge.answers import Answer, Message, keyed, part, with_offer
from bot.domain.knowledge.model import Knowledge
from bot.domain.knowledge.reporting import channel_sentence, deadline_sentence, every_reporting
from bot.shared.text_keys import N_

CHECKLIST_KIND = "checklist"


def desk_label(kb: Knowledge, item: Item) -> dict[str, Any]:
    """ "SVB (AOW, kinderbijslag)" or just "Gemeente, Burgerzaken"; a nested text."""
    desk = {"key": f"desk.{item.desk}"}
    if not item.benefits:
        return desk
    names = [kb.benefits[benefit].name_key for benefit in item.benefits]
    return {"key": N_("checklist.label"), "args": {"desk": desk, "benefits": {"keys": names}}}


def _what(item: Item) -> dict[str, str]:
    return {"key": f"event.{item.event}.what"}


def _to_do_message(
    data: LifeEventData, kb: Knowledge, number: int, item: Item, *, same_desk: bool = False
) -> Message:
    """`same_desk`: the desk already has a message for another event; say which one this is."""
    cell = item.cell
    if same_desk:
        event = {"key": data.events[item.event].name_key}
        heading = part("checklist.item.also", n=number, desk=desk_label(kb, item), event=event)
    else:
        heading = part("checklist.item", n=number, desk=desk_label(kb, item))
    message: Message = [heading]
    if cell.duty == "partly" and cell.comes_from:
        # The note says what the automatic exchange leaves out.
        source = {"key": data.sources[cell.comes_from]}
        message.append(part("checklist.do.partly", source=source))
        if not cell.note:
            message.append(part("checklist.do.also", what=_what(item)))
    elif cell.duty == "check":
        message.append(part("checklist.do.check", what=_what(item)))
    else:
        message.append(part("checklist.do.must", what=_what(item)))
    if cell.note:
        message.append(keyed(cell.note, **every_reporting(kb)))
    if cell.deadline:
        message.append(deadline_sentence(data.deadlines[cell.deadline]))
    if item.late:
        message.append(part("checklist.due.past"))
    elif item.due is not None:
        message.append(part("checklist.due", day=item.due.isoformat()))
    if cell.channel:
        message.append(channel_sentence(data.channels[cell.channel]))
    if cell.warn:
        message.append(part("checklist.warn"))
    return message


def _nothing_message(data: LifeEventData, kb: Knowledge, checklist: Checklist) -> Message:
    acting = {(item.desk, item.benefits) for item in checklist.to_do}
    seen: set[tuple[str, tuple[str, ...], str]] = set()
    lines: Message = []
    for item in checklist.nothing_to_do:
        key = (item.desk, item.benefits, item.cell.duty)
        if (item.desk, item.benefits) in acting or key in seen:
            continue
        seen.add(key)
        label = desk_label(kb, item)
        if item.cell.duty == "automatic" and item.cell.comes_from:
            source = {"key": data.sources[item.cell.comes_from]}
            lines.append(part("checklist.automatic", desk=label, source=source))
        else:
            lines.append(part("checklist.none", desk=label))
        if item.cell.note:
            lines.append(keyed(item.cell.note, **every_reporting(kb)))
    return [part("checklist.nothing"), *lines] if lines else []


def _gemeente_message(data: LifeEventData, checklist: Checklist) -> Message:
    if not any(item.desk == "bijstand" for item in checklist.items):
        return []
    if checklist.gemeente is None:
        return [part("checklist.gemeente.unknown")]
    return gemeente_notes(data, checklist.gemeente)


def gemeente_notes(data: LifeEventData, gemeente: str) -> Message:
    """What Wegwijs knows of this gemeente's own bijstand deadlines (or that it knows none)."""
    rule = data.gemeente_rules.get(gemeente)
    if rule is None:
        return [part("checklist.gemeente.general", gemeente=gemeente)]
    message: Message = [part("checklist.gemeente.own", gemeente=gemeente)]
    if rule.deadline_days is not None:
        if rule.deadline_working:
            message.append(part("checklist.gemeente.working_days", days=rule.deadline_days))
        else:
            message.append(part("checklist.gemeente.days", days=rule.deadline_days))
    if rule.income_form_day is not None:
        message.append(part("checklist.gemeente.income_form", day=rule.income_form_day))
    if rule.trip_notice_days is not None:
        message.append(part("checklist.gemeente.trip", days=rule.trip_notice_days))
    return message


def checklist_answer(data: LifeEventData, kb: Knowledge, checklist: Checklist) -> Answer:
    names = [data.events[event].name_key for event in checklist.events]
    messages: list[Message] = []
    to_do = checklist.to_do
    intro_key = N_("checklist.intro") if to_do else N_("checklist.intro.nothing")
    messages.append([part(intro_key, events={"keys": names})])
    # One number per desk: several events at the same desk stay together, each in its own
    # short message, in the order of the desk's most urgent item.
    by_desk: dict[tuple[str, tuple[str, ...]], list[Item]] = {}
    for item in to_do:
        by_desk.setdefault((item.desk, item.benefits), []).append(item)
    for number, items in enumerate(by_desk.values(), start=1):
        for index, item in enumerate(items):
            messages.append(_to_do_message(data, kb, number, item, same_desk=index > 0))
    for extra in (_nothing_message(data, kb, checklist), _gemeente_message(data, checklist)):
        if extra:
            messages.append(extra)
    if checklist.late:
        messages.append([part("checklist.late"), part("mistake.consequences")])
    return with_offer(CHECKLIST_KIND, messages)


def no_checklist_yet() -> Answer:
    return Answer(kind=CHECKLIST_KIND, messages=[[part("checklist.none_yet")]])
