"""Intent classification with a linear SVM on word and character n-grams (scikit-learn).

Measured on our data with 5-fold cross-validation it beats DIET on sparse features, and it
trains in seconds instead of minutes. Probabilities come from calibrating the SVM, so the
FallbackClassifier's threshold still means "how sure".
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_components.linear_text import LinearTextComponent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LinearTextComponent, IntentClassifier):
    MODEL_FILE = "linear_intent_classifier.joblib"

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            example
            for example in training_data.intent_examples
            if example.get(INTENT) and example.get(TEXT)
        ]
        return self.fit(
            [str(example.get(TEXT)) for example in examples],
            [str(example.get(INTENT)) for example in examples],
        )

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = self.ranking(message.get(TEXT))
            best = ranking[0] if ranking else {"name": None, "confidence": 0.0}
            message.set(INTENT, best, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
