"""Send an answer (messages of catalog keys) through Rasa's dispatcher: the NLG endpoint
turns each message into words; buttons go with the last message. On a phone every message
is a buzz: the light offer of more help rides along with the message before it."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.domain.knowledge.answers import OFFER_KEY, Answer, Message
from bot.shared.text_keys import COMPOSED_RESPONSE

CLOSING_KEYS = (OFFER_KEY, "condition.")


def as_sent(messages: list[Message]) -> list[Message]:
    """The messages as they go out: an offer or a question on its own joins the message
    before it."""
    closing = [str(p.get("key")) for p in messages[-1]] if messages else []
    if len(messages) >= 2 and len(closing) == 1 and closing[0].startswith(CLOSING_KEYS):
        return [*messages[:-2], [*messages[-2], *messages[-1]]]
    return messages


def send(
    dispatcher: CollectingDispatcher, answer: Answer, reveal: dict[str, str] | None = None
) -> None:
    """`reveal` ({"shown", "sealed"}) lets the app's gateway show the person the whole
    number where the text shows it masked (bot/shared/sealed_numbers.py)."""
    messages = as_sent(answer.messages)
    last = len(messages) - 1
    for index, message in enumerate(messages):
        options = [
            {"title_key": title_key, "payload": payload} for title_key, payload in answer.buttons
        ]
        extra = {"reveal": reveal} if reveal and index == last else {}
        dispatcher.utter_message(
            response=COMPOSED_RESPONSE,
            parts=message,
            options=options if index == last else [],
            **extra,
        )
