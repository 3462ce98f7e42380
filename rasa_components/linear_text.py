"""What our learned Rasa components share: text features, a calibrated linear model, and
training, storing, loading and ranking it (scikit-learn).

Character n-grams inside word boundaries carry Dutch compounds ("vrijwilligersvergoeding")
and WhatsApp spelling ("uitkring"); word n-grams carry the phrasing ("komt bij mij wonen").
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)


def linear_text_pipeline(config: dict[str, Any]) -> Pipeline:
    """A calibrated linear SVM, so predict_proba means "how sure" (thresholds in config)."""
    features = make_union(
        TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True
        ),
    )
    svm = LinearSVC(C=config["C"], random_state=42, class_weight=config.get("class_weight"))
    calibrated = CalibratedClassifierCV(svm, cv=config["calibration_folds"])
    return Pipeline([("features", features), ("classifier", calibrated)])


class LinearTextComponent(GraphComponent):
    """A Rasa graph component around `linear_text_pipeline`: subclasses say where the labels
    come from (`train`) and where the ranking goes (`process`)."""

    MODEL_FILE = "linear_text.joblib"
    # Digits a confidence is rounded to in the parse data (None: as computed).
    CONFIDENCE_DIGITS: int | None = None

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
    ) -> LinearTextComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearTextComponent:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.debug(f"No trained {cls.__name__} found; it will predict nothing.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def fit(self, texts: list[str], labels: list[str]) -> Resource:
        """Train on lower-cased texts and store the model. Calibration needs a few examples
        of every label; rarer labels cannot be learned and are left out."""
        counts = Counter(labels)
        rare = {label for label, n in counts.items() if n < self.config["calibration_folds"]}
        if rare:
            logger.debug(f"{type(self).__name__}: too few examples, left out: {sorted(rare)}")
        if len(counts) - len(rare) < 2:
            logger.debug(f"{type(self).__name__}: fewer than two labels, nothing to train.")
            return self._resource
        keep = [i for i, label in enumerate(labels) if label not in rare]
        self.pipeline = linear_text_pipeline(self.config)
        prepared = [self.prepare(texts[i]) for i in keep]
        self.pipeline.fit(prepared, np.array([labels[i] for i in keep]))
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.pipeline, Path(directory) / self.MODEL_FILE)
        return self._resource

    @staticmethod
    def prepare(text: str) -> str:
        """The text as the model reads it (subclasses may mask words)."""
        return text.lower()

    def ranking(self, text: Any) -> list[dict[str, Any]]:
        """The best labels for a text with their confidence, best first ([]: no model)."""
        if not text:
            return []
        return self.rankings([str(text)])[0]

    def rankings(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        """`ranking` for several texts in one pass of the model (sentences of a message)."""
        if self.pipeline is None or not texts:
            return [[] for _ in texts]
        all_probabilities = self.pipeline.predict_proba([self.prepare(t) for t in texts])
        classes = self.pipeline.classes_
        digits = self.CONFIDENCE_DIGITS
        found = []
        for probabilities in all_probabilities:
            order = np.argsort(probabilities)[::-1][: self.config["ranking_length"]]
            found.append(
                [
                    {
                        "name": str(classes[i]),
                        "confidence": float(probabilities[i])
                        if digits is None
                        else round(float(probabilities[i]), digits),
                    }
                    for i in order
                ]
            )
        return found
