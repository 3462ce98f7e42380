"""Learned readers of what a message is about, each with a confidence.

`SituationReader`: which "mag dit?" situation or life event (nlu/*/situations.yml, intent
blocks with `metadata: {situation: <id>}`). `FeelingReader`: fear, anger or grief
(nlu/*/feelings.yml, `metadata: {feeling: <kind>}`). Every other example teaches "none", so
greetings, bare facts and follow-ups read as no situation and no feeling. The output is a
ranking, best first, in the parse data, so the actions can answer, or ask which of two close
readings is meant.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.pipeline import Pipeline

from rasa_components.text_features import linear_text_pipeline

logger = logging.getLogger(__name__)
MODEL_FILE = "label_reader.joblib"
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


class MetadataLabelReader(GraphComponent):
    """A calibrated linear model from text to the label in the examples' metadata."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "metadata_key": "situation",
            "output": "situations",
            "C": 1.0,
            "class_weight": "balanced",
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "calibration_folds": 3,
            "ranking_length": 3,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MetadataLabelReader:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = labelled_examples(training_data, self.config["metadata_key"])
        counts = Counter(labels)
        if len(counts) < 2:
            logger.debug(f"No examples with {self.config['metadata_key']}: nothing to train.")
            return self._resource
        rare = {
            label for label, count in counts.items() if count < self.config["calibration_folds"]
        }
        keep = [i for i, label in enumerate(labels) if label not in rare]
        self.pipeline = linear_text_pipeline(self.config)
        self.pipeline.fit([texts[i] for i in keep], np.array([labels[i] for i in keep]))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.pipeline, Path(directory) / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MetadataLabelReader:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.debug(f"No trained {cls.__name__} found; it will read nothing.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            ranking: list[dict[str, Any]] = []
            if self.pipeline is not None and text:
                probabilities = self.pipeline.predict_proba([str(text).lower()])[0]
                classes = self.pipeline.classes_
                order = np.argsort(probabilities)[::-1][: self.config["ranking_length"]]
                ranking = [
                    {"name": str(classes[i]), "confidence": round(float(probabilities[i]), 4)}
                    for i in order
                ]
            message.set(self.config["output"], ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SituationReader(MetadataLabelReader):
    """Situations and life events: `situations` in the parse data."""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FeelingReader(MetadataLabelReader):
    """Fear, anger, grief: `feelings` in the parse data."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **MetadataLabelReader.get_default_config(),
            "metadata_key": "feeling",
            "output": "feelings",
        }
