"""Rasa's REST channel, where typing a button's words (or its number) presses the button.

On WhatsApp and SMS the app service maps typed words to buttons (bot/shared/buttons.py).
Someone who talks to Rasa's REST webhook directly types too: "Praat met een mens" or "2"
right after Wegwijs showed those buttons means the button, so the message Rasa handles is
that button's payload. Any other text goes through unchanged, and so does everything when
the conversation cannot be read (a typed message is never dropped).

A BSN, IBAN or DigiD code, an e-mail address and a phone number in a message are cut out
here, before Rasa stores the message in its tracker store (bot/shared/private_numbers.py):
the answer still warns about a personal number. A phone number given while the handoff asks
how to reach the person is sealed instead (bot/shared/sealed_numbers.py, with the app's
public key in WEGWIJS_NUMBER_SEAL_KEY): only the app can open it. Without that key the
number is cut out like any other.

While the action server is down, a message is not taken in at all: the answer is empty, so
the app's gateway keeps it and sends it again later, and it is in the tracker once. A turn
that broke off anyway (the action server died during it) is undone before the next message:
without that, Rasa counts its failed actions as still running and stops answering this
person for good ("circuit breaker tripped").
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUtteranceReverted, UserUttered
from sanic import Blueprint, Sanic

from bot.shared.buttons import Option, match_option, options_from
from bot.shared.number_sealing import SEAL_KEY_VARIABLE, seal
from bot.shared.private_numbers import redact

logger = logging.getLogger(__name__)
HEALTH_KEPT_SECONDS = 0.5  # a healthy action server is asked again after this long


class ActionServerDownError(RuntimeError):
    """Not taken in: Rasa's REST channel then answers nothing, and the gateway keeps it."""


def asks_for_a_number(tracker: Any) -> bool:
    """The handoff form is running: it asks how to reach the person, and a number may come
    with the way ("whatsapp naar 06 …") or on its own."""
    return tracker is not None and getattr(tracker, "active_loop_name", None) == "handoff_form"


def broke_off(events: list[Any]) -> bool:
    """The last turn never came back to listening: its actions failed."""
    for event in reversed(events):
        if isinstance(event, ActionExecuted):
            return event.action_name not in (ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME)
    return False


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

    _healthy_at = 0.0

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        async def pressing_buttons(message: UserMessage) -> None:
            agent = Sanic.get_app().ctx.agent
            if not await self._actions_up(agent):
                raise ActionServerDownError("the action server is down; not taken in")
            tracker = await self._tracker(agent, message.sender_id)
            if message.text:  # a phone number only where the handoff asks for one, sealed
                sealer = self._sealer() if asks_for_a_number(tracker) else None
                message.text = redact(message.text, seal_phone=sealer)
            if tracker is not None and broke_off(list(tracker.events)):
                # Undo the broken turn, and end it, so the count of actions starts again.
                tracker.update(UserUtteranceReverted())
                tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                await agent.tracker_store.save(tracker)
            payload = self._typed_button(message, tracker)
            if payload is not None:
                message.text = payload
            await on_new_message(message)

        return super().blueprint(pressing_buttons)

    @staticmethod
    def _sealer() -> Callable[[str], str] | None:
        key = os.environ.get(SEAL_KEY_VARIABLE, "").strip()
        if len(key) != 64:
            logger.warning("no WEGWIJS_NUMBER_SEAL_KEY: a phone number is cut out, not sealed")
            return None
        return lambda number: seal(number, key)

    async def _actions_up(self, agent: Any) -> bool:
        endpoint = getattr(agent, "action_endpoint", None)
        if endpoint is None or not endpoint.url:
            return True
        if time.monotonic() - self._healthy_at < HEALTH_KEPT_SECONDS:
            return True
        health = endpoint.url.rsplit("/webhook", 1)[0] + "/health"
        try:
            timeout = aiohttp.ClientTimeout(total=2)
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(health) as response,
            ):
                up = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            up = False
        if up:
            self._healthy_at = time.monotonic()
        return up

    @staticmethod
    async def _tracker(agent: Any, sender_id: str) -> Any:
        try:
            return await agent.tracker_store.retrieve(sender_id)
        except Exception:
            logger.warning("could not read the conversation", exc_info=True)
            return None

    @staticmethod
    def _typed_button(message: UserMessage, tracker: Any) -> str | None:
        text = message.text or ""
        if not text or text.startswith("/") or tracker is None:
            return None
        return match_option(text, last_buttons(list(tracker.events)))
