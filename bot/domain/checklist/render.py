"""Turn a checklist into chat messages made of catalog keys (the NLG endpoint adds words).

One message per desk, numbered, most urgent first (the introduction joins the first); then
one message with the desks where nothing needs doing, the gemeente's own rules and what to
do when a date has already passed.
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


def _do_lines(data: LifeEventData, kb: Knowledge, item: Item) -> Message:
    """What to do at the desk for one event, with its note."""
    cell = item.cell
    lines: Message = []
    if cell.duty == "partly" and cell.comes_from:
        # The note says what the automatic exchange leaves out.
        source = {"key": data.sources[cell.comes_from]}
        lines.append(part("checklist.do.partly", source=source))
        if not cell.note:
            lines.append(part("checklist.do.also", what=_what(item)))
    elif cell.duty == "check":
        lines.append(part("checklist.do.check", what=_what(item)))
    else:
        lines.append(part("checklist.do.must", what=_what(item)))
    if cell.note:
        lines.append(keyed(cell.note, **every_reporting(kb)))
    return lines


def _when_line(item: Item) -> Message:
    if item.late:
        return [part("checklist.due.past")]
    if item.due is not None:
        return [part("checklist.due", day=item.due.isoformat())]
    return []


def _desk_message(data: LifeEventData, kb: Knowledge, number: int, items: list[Item]) -> Message:
    """One message per desk: what to do for each event there, then the deadline, channel
    and warning the events share, each said once."""
    message: Message = [part("checklist.item", n=number, desk=desk_label(kb, items[0]))]
    deadlines = {item.cell.deadline for item in items}
    shared_deadline = len(deadlines) == 1 and all(i.due is None and not i.late for i in items)
    for item in items:
        if len(items) > 1:
            event = {"key": data.events[item.event].name_key}
            message.append(part("checklist.for_event", event=event))
        message += _do_lines(data, kb, item)
        if item.cell.deadline and not shared_deadline:
            message.append(deadline_sentence(data.deadlines[item.cell.deadline]))
        message += _when_line(item)
    if shared_deadline and items[0].cell.deadline:
        message.append(deadline_sentence(data.deadlines[items[0].cell.deadline]))
    for channel in dict.fromkeys(item.cell.channel for item in items if item.cell.channel):
        message.append(channel_sentence(data.channels[str(channel)]))
    if any(item.cell.warn for item in items):
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
    to_do = checklist.to_do
    intro_key = N_("checklist.intro") if to_do else N_("checklist.intro.nothing")
    intro: Message = [part(intro_key, events={"keys": names})]
    # One number and one message per desk, in the order of the desk's most urgent item;
    # the introduction goes with the first, the desks with nothing to do in one more.
    by_desk: dict[tuple[str, tuple[str, ...]], list[Item]] = {}
    for item in to_do:
        by_desk.setdefault((item.desk, item.benefits), []).append(item)
    messages = [
        _desk_message(data, kb, number, items)
        for number, items in enumerate(by_desk.values(), start=1)
    ]
    if messages:
        messages[0] = [*intro, *messages[0]]
    else:
        messages = [intro]
    rest = [*_nothing_message(data, kb, checklist), *_gemeente_message(data, checklist)]
    if checklist.late:
        rest += [part("checklist.late"), part("mistake.consequences")]
    if rest:
        messages.append(rest)
    return with_offer(CHECKLIST_KIND, messages)


def no_checklist_yet() -> Answer:
    return Answer(kind=CHECKLIST_KIND, messages=[[part("checklist.none_yet")]])


def checklist_reasons(kb: Knowledge, checklist: Checklist) -> Answer | None:
    """ "Waarom?" after a list: the reason each desk on it must hear of the change (its
    note), or None when the list gives no reasons."""
    reasons = list(  # (the address desk's note says what to do there, not why)
        dict.fromkeys(
            item.cell.note
            for item in checklist.to_do
            if item.cell.note is not None and item.desk != "brp"
        )
    )
    if not reasons:
        return None
    said: Message = [part(N_("why.intro"))]
    said += [keyed(note, **every_reporting(kb)) for note in reasons]
    return with_offer("why", [said])
