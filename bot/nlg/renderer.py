"""Render a response for one conversation: choose the language, fill in the texts.

The language is, in order: the `language` slot (the person asked for it), the language
the kiosk or channel passed in the message metadata, the language of the person's latest
messages, and finally the default language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.lists import format_list

from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.formatting import BABEL_LOCALES
from bot.i18n.language import detect_language
from bot.nlg.responses import ResponseSpec
from bot.shared.text_keys import COMPOSED_RESPONSE

# Custom actions compose answers from knowledge data: a list of catalog keys with
# arguments (`parts`) and buttons (`options`), rendered here like any other response.


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
            text = str(event.get("text") or "")
            if event.get("event") == "user" and not text.startswith("/"):  # not a button
                detected = detect_language(text)
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
        language = self.language_for(tracker)
        if response == COMPOSED_RESPONSE and arguments is not None:
            return self._composed(arguments, language)
        spec = self.responses.get(response)
        if spec is None:
            raise UnknownResponseError(response)
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

    def _resolve(self, value: Any, language: str) -> Any:
        """Argument values may name catalog keys: {"key": k}, {"keys": [k, ...]}, or a
        nested text {"key": k, "args": {...}} (e.g. "SVB (AOW)" inside a sentence)."""
        if isinstance(value, dict) and "key" in value and isinstance(value.get("args"), dict):
            return self._text(value, language)
        if isinstance(value, dict) and "key" in value:
            return self.catalogs.text(str(value["key"]), language)
        if isinstance(value, dict) and "keys" in value:
            names = [self.catalogs.text(str(key), language) for key in value["keys"]]
            return format_list(names, locale=BABEL_LOCALES.get(language, language))
        return value

    def _text(self, piece: Any, language: str) -> str:
        if not isinstance(piece, dict) or "key" not in piece:
            raise UnknownResponseError(f"bad part {piece!r}")
        args: dict[str, Any] = piece["args"] if isinstance(piece.get("args"), dict) else {}
        values = {name: self._resolve(value, language) for name, value in args.items()}
        return self.catalogs.text(str(piece["key"]), language, values)

    def _composed(self, arguments: Mapping[str, Any], language: str) -> dict[str, Any]:
        parts = arguments.get("parts")
        if not isinstance(parts, list) or not parts:
            raise UnknownResponseError(f"{COMPOSED_RESPONSE} without parts")
        raw_options = arguments.get("options")
        options: list[Any] = raw_options if isinstance(raw_options, list) else []
        reveal = arguments.get("reveal")  # a masked number the gateway shows in full
        custom = {"reveal": reveal} if isinstance(reveal, dict) else {}
        return {
            "text": "\n".join(self._text(piece, language) for piece in parts),
            "buttons": [
                {
                    "title": self.catalogs.text(str(option["title_key"]), language),
                    "payload": str(option["payload"]),
                }
                for option in options
                if isinstance(option, dict) and "title_key" in option and "payload" in option
            ],
            "image": None,
            "elements": [],
            "attachments": [],
            "custom": custom,
        }
