"""Intent classification with a linear SVM on word and character n-grams (scikit-learn).

Measured on our data with 5-fold cross-validation it beats DIET on sparse features, and it
trains in seconds instead of minutes. Probabilities come from calibrating the SVM, so the
FallbackClassifier's threshold still means "how sure".
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
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.pipeline import Pipeline

from rasa_components.text_features import linear_text_pipeline

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 1.0,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "calibration_folds": 3,
            "ranking_length": 10,
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
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _new_pipeline(self) -> Pipeline:
        return linear_text_pipeline(self.config)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            example
            for example in training_data.intent_examples
            if example.get(INTENT) and example.get(TEXT)
        ]
        counts = Counter(example.get(INTENT) for example in examples)
        # Calibration needs a few examples of every intent; rarer ones cannot be learned.
        rare = {name for name, count in counts.items() if count < self.config["calibration_folds"]}
        if rare:
            logger.debug(f"Intents with too few examples are left out: {sorted(rare)}")
        examples = [example for example in examples if example.get(INTENT) not in rare]
        if len(counts) - len(rare) < 2:
            logger.debug("Fewer than two intents: nothing to train.")
            return self._resource
        self.pipeline = self._new_pipeline()
        self.pipeline.fit(
            [example.get(TEXT).lower() for example in examples],
            np.array([example.get(INTENT) for example in examples]),
        )
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
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.debug("No trained intent classifier found; it will predict nothing.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if self.pipeline is None or not text:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            probabilities = self.pipeline.predict_proba([text.lower()])[0]
            classes = self.pipeline.classes_
            order = np.argsort(probabilities)[::-1][: self.config["ranking_length"]]
            ranking = [
                {"name": str(classes[i]), "confidence": float(probabilities[i])} for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
