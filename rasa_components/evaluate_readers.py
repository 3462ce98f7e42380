"""`make nlu-cv`, second half: the learned readers on a split they were not trained on.

Trains each reader's model on 80 % of the NLU examples (stratified, fixed seed) and prints
the macro F1 on the other 20 %, and how often a reading it was sure of was right.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import train_test_split

from rasa_components.label_readers import FeelingReader, SituationReader
from rasa_components.linear_text import linear_text_pipeline

SURE = 0.5


def evaluate(
    config: dict[str, Any], texts: list[str], labels: list[str], seed: int
) -> dict[str, Any]:
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=0.2, random_state=seed, stratify=labels
    )
    pipeline = linear_text_pipeline(config)
    pipeline.fit(train_x, np.array(train_y))
    probabilities = pipeline.predict_proba(test_x)
    predicted = pipeline.classes_[probabilities.argmax(axis=1)]
    sure = probabilities.max(axis=1) >= SURE
    return {
        "macro_f1": f1_score(test_y, predicted, average="macro"),
        "sure_share": float(sure.mean()),
        "sure_right": float((predicted[sure] == np.array(test_y)[sure]).mean())
        if sure.any()
        else 0.0,
        "report": classification_report(test_y, predicted, zero_division=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nlu", default="nlu")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--report", action="store_true", help="per-label precision and recall")
    args = parser.parse_args()
    data = load_data(args.nlu)
    for reader in (SituationReader, FeelingReader):
        config = reader.get_default_config()
        texts, labels = reader.training_examples(data, config)
        texts = [reader.prepare(text) for text in texts]
        result = evaluate(config, texts, labels, args.seed)
        if args.report:
            print(result["report"])
        print(
            f"nlu-cv | {reader.__name__}: macro F1 {result['macro_f1']:.3f} on a held-out 20 % "
            f"({len(texts)} examples); sure (>= {SURE}) on {result['sure_share']:.0%}, "
            f"right when sure {result['sure_right']:.0%}"
        )


if __name__ == "__main__":
    main()
