"""Slots filled on every turn, whatever the intent: the benefits the person mentioned
(the `benefit` entities with role "own").

Rasa calls `action_validate_slot_mappings` after each message for custom slot mappings.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from bot.domain.conversation.entities import MessageFacts
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import without_generic_toeslag


def merge_benefits(known: list[str] | None, new: list[str]) -> list[str]:
    merged = list(known or [])
    for benefit in new:
        if benefit not in merged:
            merged.append(benefit)
    return without_generic_toeslag(merged, knowledge())


class ValidateSlotMappings(ValidationAction):
    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_benefits(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        entities = tracker.latest_message.get("entities") or []
        mentioned = MessageFacts.from_entities(entities).own  # role "own" (FactExtractor)
        known = tracker.get_slot("benefits")
        if not mentioned:
            return {}
        return {"benefits": merge_benefits(known, mentioned)}
