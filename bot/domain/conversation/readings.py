"""What the learned situation reader's ranking means for the answer.

The reader (rasa_components/label_readers.py) gives labels with a confidence. A label is a
"mag dit?" situation (situations.yml), a life event (life_events.yml), or both. Below
READ_SURE, or when the runner-up is close, Wegwijs asks which one is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.domain.checklist.model import LifeEventData
from bot.domain.knowledge.model import Knowledge
from bot.domain.knowledge.topics import topic_key

NOTHING = "none"
READ_SURE = 0.5  # answer without asking
READ_MIN = 0.2  # below this the label says nothing
CLOSE = 0.1  # a runner-up this close to the best makes Wegwijs ask
ALSO = 0.4  # a second label this sure is a second event in the same message
HINTED = 0.3  # the confidence of a reading the words decided
HINT_OVERRULES = 0.35  # a reading less sure than this gives way to the words
NONE_SURE = 0.85  # a "none" less sure than this gives way to what the words clearly name
ASK_MIN = 0.2  # a runner-up below this is no reason to ask
_CHILD_AGE = re.compile(r"\b(18|21|23|27)(?:e|ste|de|th)?\b")


@dataclass
class SituationReading:
    """The reader's verdict on one message."""

    label: str | None = None  # the situation or life event it is about (None: none)
    confidence: float = 0.0
    ask_between: list[str] = field(default_factory=list)  # two close labels: ask which
    also: list[str] = field(default_factory=list)  # further labels in the same message


def ranking_of(latest_message: dict[str, Any], key: str = "situations") -> list[tuple[str, float]]:
    ranked = latest_message.get(key) or []
    return [
        (str(item["name"]), float(item["confidence"]))
        for item in ranked
        if isinstance(item, dict) and "name" in item and "confidence" in item
    ]


def sentence_labels_of(latest_message: dict[str, Any]) -> list[tuple[str, float, str]]:
    """The best label of each sentence of a longer message, with the sentence."""
    return [
        (str(item["name"]), float(item["confidence"]), str(item.get("sentence") or ""))
        for item in latest_message.get("situation_sentences") or []
        if isinstance(item, dict) and "name" in item and "confidence" in item
    ]


def read_ranking(
    ranking: list[tuple[str, float]],
    hint: str | None = None,
    current: str | None = None,
    covers: Mapping[str, Iterable[str]] | None = None,
) -> SituationReading:
    """The reader's ranking, with the situation the words name clearly (`hint`) as one more
    feature: it decides only where the reader is not sure, or reads "none" without being
    very sure of that (a short English message, a phrasing it has not seen). A reading of
    the conversation's `current` situation is not overruled by the words ("moet ik de
    vergoeding van de voedselbank melden?" while talking about volunteering there). Of two
    close readings, one whose answer `covers` the other's is given without asking."""
    if not ranking:
        return SituationReading(hint, HINTED) if hint else SituationReading()
    best, sure = ranking[0]
    ranked = dict(ranking)
    if best == NOTHING:
        unsure = sure < NONE_SURE
    else:  # the words may pick another label the reader ranks, or overrule a weak reading
        unsure = sure < READ_SURE and (hint in ranked or sure < HINT_OVERRULES)
    if hint is not None and best not in (hint, current) and unsure:
        return SituationReading(hint, ranked.get(hint, HINTED))
    if best == NOTHING or (sure < READ_MIN and best != hint):
        return SituationReading(confidence=sure)
    rest = [(name, conf) for name, conf in ranking[1:] if name != NOTHING]
    runner_up = rest[0] if rest else None
    close = runner_up is not None and runner_up[1] >= ASK_MIN and sure - runner_up[1] < CLOSE
    if runner_up is not None and sure < READ_SURE and close:
        for label, other in ((best, runner_up[0]), (runner_up[0], best)):
            if other in (covers or {}).get(label, ()):
                return SituationReading(label, sure)
        if hint in (best, runner_up[0]):
            return SituationReading(hint, sure)
        return SituationReading(best, sure, ask_between=[best, runner_up[0]])
    also = [name for name, conf in rest if conf >= ALSO]
    return SituationReading(best, sure, also=also)


def situation_of(label: str, kb: Knowledge, events: LifeEventData) -> str | None:
    """The "mag dit?" situation a label is answered with (None: only a checklist)."""
    if label in kb.situations:
        return label
    event = events.events.get(label)
    return event.situation if event is not None else None


def events_of(label: str, text: str, events: LifeEventData) -> list[str]:
    """The life events a label stands for ("child_birthday": the 18th, 21st or 27th)."""
    if label == "child_birthday":
        ages = _CHILD_AGE.findall(text)
        return [f"child_turns_{age}" for age in dict.fromkeys(ages)] or ["child_turns_18"]
    if label in events.events:
        return [label]
    return [
        e.id for e in events.events.values() if e.situation == label and e.id not in _OWN_LABELS
    ]


# Life events that have a reader label of their own, so their situation's label is not them.
_OWN_LABELS = frozenset({"inheritance"})


def title_key(label: str, kb: Knowledge, events: LifeEventData) -> str:
    """The short name of a label, for a "Bedoel je …?" button."""
    if label in kb.situations:
        return topic_key(label)
    if label == "child_birthday":
        return events.events["child_turns_18"].name_key
    return events.events[label].name_key


def label_of_event(event_id: str, events: LifeEventData) -> str:
    """The reader's label for a life event the words name ("child_turns_18": child_birthday)."""
    if event_id.startswith("child_turns_"):
        return "child_birthday"
    if event_id in _OWN_LABELS:
        return event_id
    return events.events[event_id].situation or event_id
