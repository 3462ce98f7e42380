"""Send an answer (messages of catalog keys) through Rasa's dispatcher: the NLG endpoint
turns each message into words; buttons go with the last message."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.domain.knowledge.answers import Answer
from bot.shared.text_keys import COMPOSED_RESPONSE


def send(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    last = len(answer.messages) - 1
    for index, message in enumerate(answer.messages):
        options = [
            {"title_key": title_key, "payload": payload} for title_key, payload in answer.buttons
        ]
        dispatcher.utter_message(
            response=COMPOSED_RESPONSE, parts=message, options=options if index == last else []
        )
