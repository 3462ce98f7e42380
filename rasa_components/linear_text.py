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
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from bot.shared.private_numbers import without_placeholders

logger = logging.getLogger(__name__)


class TemperatureScaledSVC(ClassifierMixin, BaseEstimator):
    """A linear SVM trained on all the data whose scores become probabilities through one
    temperature, fitted on held-out scores (Guo et al., 2017). The best label stays the
    SVM's own: calibrating each label on its own (sigmoid, one against the rest) reorders
    labels and cost 2 to 3 points of intent F1 on our data."""

    def __init__(self, C: float = 1.0, class_weight: Any = None, folds: int = 3) -> None:  # noqa: N803
        self.C = C
        self.class_weight = class_weight
        self.folds = folds

    def _svm(self) -> LinearSVC:
        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=42)

    def fit(self, features: Any, labels: Any) -> TemperatureScaledSVC:
        folds = StratifiedKFold(self.folds, shuffle=True, random_state=42)
        held_out = cross_val_predict(
            self._svm(), features, labels, cv=folds, method="decision_function"
        )
        self.svm_ = self._svm().fit(features, labels)
        self.classes_ = self.svm_.classes_
        rows = np.arange(len(labels))
        columns = np.searchsorted(self.classes_, labels)

        def held_out_loss(log_temperature: float) -> float:
            scaled = log_softmax(held_out / np.exp(log_temperature), axis=1)
            return float(-scaled[rows, columns].mean())

        best = minimize_scalar(held_out_loss, bounds=(-5, 3), method="bounded")
        self.temperature_ = float(np.exp(best.x))
        return self

    def predict_proba(self, features: Any) -> Any:
        return softmax(self.svm_.decision_function(features) / self.temperature_, axis=1)

    def predict(self, features: Any) -> Any:
        return self.classes_[np.argmax(self.svm_.decision_function(features), axis=1)]


def linear_text_pipeline(config: dict[str, Any]) -> Pipeline:
    """A calibrated linear SVM, so predict_proba means "how sure" (thresholds in config):
    `calibration` "sigmoid" per label, or one "temperature" for all labels."""
    features = make_union(
        TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True
        ),
    )
    classifier: Any
    if config.get("calibration") == "temperature":
        classifier = TemperatureScaledSVC(
            C=config["C"],
            class_weight=config.get("class_weight"),
            folds=config["calibration_folds"],
        )
    else:
        svm = LinearSVC(C=config["C"], random_state=42, class_weight=config.get("class_weight"))
        classifier = CalibratedClassifierCV(svm, cv=config["calibration_folds"])
    return Pipeline([("features", features), ("classifier", classifier)])


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
            "calibration": "sigmoid",
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
        return without_placeholders(text).lower()

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
