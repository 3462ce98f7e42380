"""By when and how a change is reported, as nested texts: the numbers and names come from
reporting.yml, so one edit there changes every answer and checklist that uses them."""

from __future__ import annotations

from typing import Any

from bot.domain.knowledge.figures import standing_figures
from bot.domain.knowledge.model import Agency, Channel, Deadline, Knowledge, Rule


def deadline_sentence(deadline: Deadline) -> dict[str, Any]:
    """ "Doe dat binnen 4 weken.": a checklist line."""
    return {"key": deadline.key, "args": deadline.args()}


def deadline_phrase(deadline: Deadline) -> dict[str, Any]:
    """ "binnen 4 weken": inside a sentence ("Geef het {deadline} door")."""
    return {"key": deadline.short_key, "args": deadline.args()}


def channel_sentence(channel: Channel) -> dict[str, Any]:
    return {"key": channel.key, "args": {"name": channel.name}}


def channel_phrase(channel: Channel) -> dict[str, Any]:
    """ "via Mijn SVB": inside a sentence."""
    return {"key": channel.short_key, "args": {"name": channel.name}}


def rule_reporting(knowledge: Knowledge, rule: Rule) -> dict[str, Any]:
    """{deadline} and {channel} for a rule's texts: its own, else its agency's usual ones."""
    args: dict[str, Any] = {}
    deadline = knowledge.deadline_of(rule)
    channel = knowledge.channel_of(rule)
    if deadline is not None:
        args["deadline"] = deadline_phrase(deadline)
    if channel is not None:
        args["channel"] = channel_phrase(channel)
    return args


def agency_reporting(knowledge: Knowledge, agency: Agency) -> dict[str, Any]:
    """{deadline} and {channel} for an agency's own texts (known.<id>, mistake.todo.<id>)."""
    args: dict[str, Any] = {}
    if agency.deadline in knowledge.deadlines:
        args["deadline"] = deadline_phrase(knowledge.deadlines[agency.deadline])
    if agency.channel in knowledge.channels:
        args["channel"] = channel_phrase(knowledge.channels[agency.channel])
    return args


def every_reporting(knowledge: Knowledge) -> dict[str, Any]:
    """Every deadline and channel by name ({deadline_svb}, {channel_mijn_toeslagen}) and every
    standing figure by id, for fixed texts that name one that is not their rule's own."""
    words: dict[str, Any] = dict(standing_figures(knowledge))
    for deadline in knowledge.deadlines.values():
        words[f"deadline_{deadline.id}"] = deadline_phrase(deadline)
    for channel in knowledge.channels.values():
        words[f"channel_{channel.id}"] = channel_phrase(channel)
    return words
