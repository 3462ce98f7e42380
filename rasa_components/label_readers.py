"""Learned readers of what a message is about, each with a confidence.

`SituationReader`: which "mag dit?" situation or life event (nlu/*/situations.yml, intent
blocks with `metadata: {situation: <id>}`). `FeelingReader`: fear, anger or grief
(nlu/*/feelings.yml, `metadata: {feeling: <kind>}`). Every other example teaches "none", so
greetings, bare facts and follow-ups read as no situation and no feeling. The output is a
ranking, best first, in the parse data, so the actions can answer, or ask which of two close
readings is meant.
"""

from __future__ import annotations

import zlib
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain.conversation.masking import masked
from bot.domain.knowledge.vocabulary import terms
from bot.shared.words import has_any, normalise, sentences
from rasa_components.linear_text import LinearTextComponent

NOTHING = "none"


def example_label(example: Message, key: str) -> str | None:
    """The label an example was written for (its intent block's metadata): "none" for an
    example without metadata, None for one labelled only for another reader (a message
    written to show fear may well be about a situation, so it teaches this reader nothing)."""
    metadata = example.get(METADATA) or {}
    intent_metadata = metadata.get(METADATA_INTENT) or {}
    if not isinstance(intent_metadata, dict) or not intent_metadata:
        return NOTHING
    label = intent_metadata.get(key)
    return str(label) if label else None


def labelled_examples(training_data: TrainingData, key: str) -> tuple[list[str], list[str]]:
    """Texts and labels of the examples this reader learns from, lower-cased."""
    texts, labels = [], []
    for example in training_data.intent_examples:
        label = example_label(example, key)
        if example.get(INTENT) and example.get(TEXT) and label is not None:
            texts.append(str(example.get(TEXT)).lower())
            labels.append(label)
    return texts, labels


FEELING_WORDS = frozenset(terms("feeling_words"))


def calm_situation_examples(
    training_data: TrainingData, every: int, leave_out: set[str]
) -> list[str]:
    """One in `every` of the examples written for a situation only (a stable choice, by a
    checksum of the text), without a feeling word: questions asked calmly."""
    found = []
    for example in training_data.intent_examples:
        situation = example_label(example, "situation")
        if situation in (None, NOTHING) or situation in leave_out:
            continue
        if example_label(example, "feeling") is not None:
            continue
        text = str(example.get(TEXT) or "").lower()
        if zlib.crc32(text.encode()) % every == 0 and not has_any(normalise(text), FEELING_WORDS):
            found.append(text)
    return found


class MetadataLabelReader(LinearTextComponent):
    """A calibrated linear model from text to the label in the examples' metadata."""

    MODEL_FILE = "label_reader.joblib"
    CONFIDENCE_DIGITS = 4

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LinearTextComponent.get_default_config(),
            "metadata_key": "situation",
            "output": "situations",
            "class_weight": "balanced",
            "ranking_length": 3,
            # The best label of each sentence of a longer message ("op 1 maart gaan we
            # samenwonen. in april begin ik met een baan."): news the whole reads weakly.
            "sentence_output": None,
        }

    def train(self, training_data: TrainingData) -> Resource:
        return self.fit(*self.training_examples(training_data, self.config))

    @staticmethod
    def training_examples(
        training_data: TrainingData, config: dict[str, Any]
    ) -> tuple[list[str], list[str]]:
        """The texts and labels this reader learns from (also for `make nlu-cv`)."""
        return labelled_examples(training_data, config["metadata_key"])

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = str(message.get(TEXT) or "")
            # The whole message and, for the sentence output, each of two or more sentences
            # ("none" too), in one pass of the model.
            parts = sentences(text) if self.config["sentence_output"] else []
            parts = parts if len(parts) >= 2 else []
            whole, *each = self.rankings([text, *parts]) if text else [[]]
            message.set(self.config["output"], whole, add_to_output=True)
            if self.config["sentence_output"]:
                labels = [
                    {**ranked[0], "sentence": sentence}
                    for sentence, ranked in zip(parts, each, strict=True)
                    if ranked
                ]
                message.set(self.config["sentence_output"], labels, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SituationReader(MetadataLabelReader):
    """Situations and life events: `situations` in the parse data, and the best label of
    each sentence of a longer message in `situation_sentences`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **MetadataLabelReader.get_default_config(),
            "sentence_output": "situation_sentences",
        }

    @staticmethod
    def prepare(text: str) -> str:
        """Benefit and agency names masked: they say whose, not what about."""
        return masked(LinearTextComponent.prepare(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FeelingReader(MetadataLabelReader):
    """Fear, anger, grief: `feelings` in the parse data, and the best feeling of each
    sentence in `feeling_sentences` ("belachelijk dit!!! waarom moet ik terugbetalen?": the
    anger is in one sentence, and the whole reads as a question)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **MetadataLabelReader.get_default_config(),
            "metadata_key": "feeling",
            "output": "feelings",
            "sentence_output": "feeling_sentences",
            # Calm questions about a situation teach "none" too: without them a long, calm
            # question with "gekort" or "terugbetalen" in it read as anger (one in 40 of
            # the situation examples). One in `calm_every` of them is enough (one in 4
            # cost grief and fear that were read before); situations that come with grief
            # or shock, and examples with a feeling word, are left out.
            "calm_every": 8,
            "calm_except": [
                "partner_died",
                "relative_died",
                "inheritance",
                "job_lost",
                "sick",
                "separation",
                "allowance_repayment",
            ],
        }

    @staticmethod
    def training_examples(
        training_data: TrainingData, config: dict[str, Any]
    ) -> tuple[list[str], list[str]]:
        texts, labels = labelled_examples(training_data, config["metadata_key"])
        calm = calm_situation_examples(
            training_data, int(config["calm_every"]), set(config["calm_except"])
        )
        return texts + calm, labels + [NOTHING] * len(calm)
