"""A typed answer to buttons: "2", "nummer 2" or the button's own words is a press of that
button. Every way in (SMS, WhatsApp, the REST channel) maps typed text the same way."""

from __future__ import annotations

from dataclasses import dataclass

from bot.shared.words import normalise


@dataclass(frozen=True)
class Option:
    """One button as the person saw it: its visible title and what pressing it sends."""

    title: str
    payload: str


def options_from(buttons: object) -> list[Option]:
    """The buttons of one Rasa message (a list of dicts), those that send something."""
    return [
        Option(str(button.get("title", "")), str(button.get("payload", "")))
        for button in (buttons if isinstance(buttons, list) else [])
        if isinstance(button, dict) and button.get("payload")
    ]


def match_option(text: str, options: list[Option]) -> str | None:
    """The payload for "2", "2.", "nummer 2" or the button's own words; None otherwise."""
    words = normalise(text)
    if not options or not words or len(words) > 6:
        return None
    digits = [word for word in words if word.isdigit()]
    if len(digits) == 1 and len(words) <= 2:
        index = int(digits[0])
        return options[index - 1].payload if 1 <= index <= len(options) else None
    for option in options:
        if normalise(option.title) == words:
            return option.payload
    return None
