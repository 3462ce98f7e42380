"""A handoff's topic in the caseworkers' language (the keys are domain data)."""

from __future__ import annotations

from bot.domain.knowledge.topics import topic_key
from bot.i18n.catalogs import MessageCatalogs


def topic_name(catalogs: MessageCatalogs, topic: str | None, language: str = "nl") -> str:
    return catalogs.text(topic_key(topic), language)
