"""The facts a message names, as entities with roles: amounts with their period, numbers,
durations, hours, ages, gemeenten (to / from), benefits (own / asked / someone else's, with
whose) and household members.

The reading itself is pure domain code (bot/domain/conversation/entities.py), shared with
the unit tests; this component puts it in Rasa's parse, next to the entities of the
RegexEntityExtractor (language, way of contact, phone number). Nothing to train: the
figures and words are data (bot/domain/knowledge/data).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.domain.conversation.entities import entities_in, wanted_language

LANGUAGE = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FactExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            if not text or text.startswith("/"):  # a button's payload says its own entities
                continue
            kept = self._one_language(text, list(message.get(ENTITIES, [])))
            message.set(ENTITIES, [*kept, *entities_in(text)], add_to_output=True)
        return messages

    @staticmethod
    def _one_language(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Two languages named ("in english please, my dutch is slow"): keep the wanted one,
        so the `language` slot gets it."""
        named = [
            (int(e.get("start") or 0), str(e.get("value")))
            for e in entities
            if e.get("entity") == LANGUAGE
        ]
        if len({value for _, value in named}) <= 1:
            return entities
        wanted = wanted_language(text, named)
        if wanted is None:
            return entities
        return [e for e in entities if e.get("entity") != LANGUAGE or e.get("value") == wanted]
