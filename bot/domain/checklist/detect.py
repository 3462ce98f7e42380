"""Which life events a message names, and whether the person asks who needs to know."""

from __future__ import annotations

import re

from bot.domain.checklist.model import LifeEventData
from bot.domain.knowledge.vocabulary import terms
from bot.shared.words import count_affirmed, has_any, normalise

WHO_TERMS = terms("who_needs_to_know")
LIST_TERMS = terms("the_list")
AGAIN_TERMS = terms("again")
# When both are named, the first makes the second say nothing new.
SUPERSEDES = {
    "emigrating": ("moving", "abroad_holiday", "abroad_long"),
    "abroad_long": ("abroad_holiday",),
    "recovered": ("sick",),
    "partner_died": ("separation", "relative_died"),
    "child_leaves": ("moving",),
}


def detect_events(text: str, data: LifeEventData) -> list[str]:
    """The life events in the message, strongest first."""
    tokens = normalise(text)
    plain = " ".join(tokens)
    scores: dict[str, int] = {}
    for event in data.events.values():
        score = sum(count_affirmed(tokens, term) * len(normalise(term)) for term in event.terms)
        score += sum(3 for pattern in event.patterns if re.search(pattern, plain))
        if score:
            scores[event.id] = score
    for stronger, weaker in SUPERSEDES.items():
        if stronger in scores:
            for event_id in weaker:
                scores.pop(event_id, None)
    return sorted(scores, key=lambda event_id: -scores[event_id])


def asks_who_needs_to_know(text: str) -> bool:
    return has_any(normalise(text), WHO_TERMS)


def asks_for_the_list_again(text: str) -> bool:
    tokens = normalise(text)
    english = "list" in tokens and has_any(tokens, AGAIN_TERMS)
    return english or has_any(tokens, LIST_TERMS)


def checklist_events(text: str, data: LifeEventData) -> list[str]:
    """The events to make a checklist for; empty when a "mag dit?" answer fits better.

    A checklist is made when the person asks who needs to know, names more than one
    event of which one is a change at home, or names a change at home that the "mag dit?"
    rules do not cover (moving, a child's birthday, emigrating, a death, recovery).
    """
    events = detect_events(text, data)
    if not events:
        return []
    kinds = [data.events[event].kind for event in events]
    if asks_who_needs_to_know(text) or (len(events) >= 2 and "life" in kinds):
        return events
    first = data.events[events[0]]
    if first.kind == "life" and first.situation is None:
        return events
    return []
