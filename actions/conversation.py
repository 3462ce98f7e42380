"""Never a dead end: notice when Wegwijs misunderstands the person several times in a row.

The action only sets a slot; the rules in stories/rules.yml decide what to say, so the
dialogue stays visible in the training data.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MISUNDERSTOOD_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
OFFER_PERSON_AFTER = 2


def misunderstood_in_a_row(events: list[dict[str, Any]]) -> int:
    """How many of the latest user messages in a row the bot did not understand."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent not in MISUNDERSTOOD_INTENTS:
            break
        count += 1
    return count


class ActionCountMisunderstandings(Action):
    """Sets `repeated_misunderstanding` when this is the second miss (or more) in a row."""

    def name(self) -> str:
        return "action_count_misunderstandings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        repeated = misunderstood_in_a_row(tracker.events) >= OFFER_PERSON_AFTER
        return [SlotSet("repeated_misunderstanding", repeated)]
