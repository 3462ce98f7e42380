"""Render a response for one conversation: choose the language, fill in the texts.

The language is, in order: the `language` slot (the person asked for it), the language
the kiosk or channel passed in the message metadata, the language of the person's latest
messages, and finally the default language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.language import detect_language
from bot.nlg.responses import ResponseSpec


class UnknownResponseError(LookupError):
    """Rasa asked for a response that the domain does not define."""


class Renderer:
    def __init__(
        self,
        responses: Mapping[str, ResponseSpec],
        catalogs: MessageCatalogs,
        default_language: str,
    ) -> None:
        self.responses = responses
        self.catalogs = catalogs
        self.default_language = default_language

    def language_for(self, tracker: Mapping[str, Any]) -> str:
        supported = self.catalogs.languages
        slot = (tracker.get("slots") or {}).get("language")
        if slot in supported:
            return str(slot)
        latest = tracker.get("latest_message") or {}
        chosen = (latest.get("metadata") or {}).get("language")
        if chosen in supported:
            return str(chosen)
        for event in reversed(tracker.get("events") or []):
            if event.get("event") == "user":
                detected = detect_language(str(event.get("text") or ""))
                if detected in supported:
                    return str(detected)
        return self.default_language

    def render(
        self,
        response: str,
        tracker: Mapping[str, Any],
        arguments: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Rasa's NLG reply format: text, buttons and the (unused) rich fields."""
        spec = self.responses.get(response)
        if spec is None:
            raise UnknownResponseError(response)
        language = self.language_for(tracker)
        values = {**(tracker.get("slots") or {}), **(arguments or {})}
        return {
            "text": self.catalogs.text(spec.text_key, language, values),
            "buttons": [
                {
                    "title": self.catalogs.text(button.title_key, language, values),
                    "payload": button.payload,
                }
                for button in spec.buttons
            ],
            "image": None,
            "elements": [],
            "attachments": [],
            "custom": {},
        }
