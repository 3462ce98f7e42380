"""The text features both learned readers use: word and character n-grams (scikit-learn).

Character n-grams inside word boundaries carry Dutch compounds ("vrijwilligersvergoeding")
and WhatsApp spelling ("uitkring"); word n-grams carry the phrasing ("komt bij mij wonen").
"""

from __future__ import annotations

from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC


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
