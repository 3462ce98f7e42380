"""Replies as a text-only channel (SMS, WhatsApp) shows them: buttons become numbered
options ("Stuur 1, 2 of 3"), and Markdown the channel cannot show is converted or removed.

The person answers with the number or with the button's words; `match_option` maps that
back to the button's payload.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from babel.lists import format_list

from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.formatting import BABEL_LOCALES
from bot.shared.buttons import Option, match_option, options_from
from bot.shared.phones import spoken

__all__ = ["Option", "Reply", "match_option", "numbered", "plain_markdown", "replies_from_rasa"]

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])")
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_CODE = re.compile(r"`([^`]*)`")


@dataclass
class Reply:
    """One bot message: its text and its buttons."""

    text: str
    options: list[Option] = field(default_factory=list)


def replies_from_rasa(
    messages: list[dict[str, object]], open_sealed: Callable[[str], str | None] | None = None
) -> list[Reply]:
    """Rasa's messages as replies. Where Rasa shows a number masked (it only holds it
    sealed), `open_sealed` gives the person their whole number back."""
    shown = _revealed(messages, open_sealed) if open_sealed else {}
    replies: list[Reply] = []
    for message in messages:
        text = str(message.get("text") or "")
        for masked_form, number in shown.items():
            text = text.replace(masked_form, number)
        options = options_from(message.get("buttons"))
        if text or options:
            replies.append(Reply(text, options))
    return replies


def _revealed(
    messages: list[dict[str, object]], open_sealed: Callable[[str], str | None]
) -> dict[str, str]:
    found: dict[str, str] = {}
    for message in messages:
        custom = message.get("custom")
        reveal = custom.get("reveal") if isinstance(custom, dict) else None
        if isinstance(reveal, dict) and reveal.get("shown"):
            number = open_sealed(str(reveal.get("sealed") or ""))
            if number is not None:
                found[str(reveal["shown"])] = spoken(number)
    return found


def plain_markdown(text: str, channel: str) -> str:
    """WhatsApp shows *bold* and _italic_; SMS shows neither. Links become "words (url)"."""
    text = _LINK.sub(r"\1 (\2)", text)
    text = _HEADING.sub("", text)
    text = _CODE.sub(r"\1", text)
    if channel == "wa":
        text = _BOLD.sub(lambda m: f"*{m.group(1) or m.group(2)}*", text)
    else:
        text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
        text = _ITALIC.sub(r"\1", text)
    return text


def numbered(reply: Reply, channel: str, language: str, catalogs: MessageCatalogs) -> str:
    """The reply's text with its buttons as a numbered list and how to choose."""
    text = plain_markdown(reply.text, channel)
    if not reply.options:
        return text
    lines = [f"{index}. {option.title}" for index, option in enumerate(reply.options, start=1)]
    numbers = [str(index) for index in range(1, len(reply.options) + 1)]
    choose = catalogs.text(
        "channel.choose_number",
        language,
        {"numbers": format_list(numbers, style="or", locale=BABEL_LOCALES.get(language, language))},
    )
    return "\n".join([text, "", *lines, choose]).strip()
