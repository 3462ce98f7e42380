"""Rasa's REST channel, where typing a button's words (or its number) presses the button.

On WhatsApp and SMS the app service maps typed words to buttons (bot/shared/buttons.py).
Someone who talks to Rasa's REST webhook directly types too: "Praat met een mens" or "2"
right after Wegwijs showed those buttons means the button, so the message Rasa handles is
that button's payload. Any other text goes through unchanged, and so does everything when
the conversation cannot be read (a typed message is never dropped).

A BSN, IBAN or DigiD code in a message is cut out here, before Rasa stores the message in
its tracker store (bot/shared/private_numbers.py): the answer still warns about it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, Sanic

from bot.shared.buttons import Option, match_option, options_from
from bot.shared.private_numbers import redact

logger = logging.getLogger(__name__)


def last_buttons(events: list[Any]) -> list[Option]:
    """The buttons Wegwijs showed after the person's last message (in order)."""
    options: list[Option] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            options = options_from(event.data.get("buttons")) + options
    return options


class RestWithTypedButtons(RestInput):
    """Served at /webhooks/rest/webhook, like Rasa's own REST channel."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def pressing_buttons(message: UserMessage) -> None:
            if message.text:
                message.text = redact(message.text)
            payload = await self._typed_button(message)
            if payload is not None:
                message.text = payload
            await on_new_message(message)

        return super().blueprint(pressing_buttons)

    @staticmethod
    async def _typed_button(message: UserMessage) -> str | None:
        text = message.text or ""
        if not text or text.startswith("/"):
            return None
        try:
            agent = Sanic.get_app().ctx.agent
            tracker = await agent.tracker_store.retrieve(message.sender_id)
        except Exception:
            logger.warning("typed button: could not read the conversation", exc_info=True)
            return None
        if tracker is None:
            return None
        return match_option(text, last_buttons(list(tracker.events)))
