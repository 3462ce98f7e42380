"""A handoff's topic: the situation its question is about (hobby, abroad, ...), named in the
caseworkers' words. The names are catalog keys made from the knowledge data's situations."""

from __future__ import annotations

from bot.shared.text_keys import N_

UNKNOWN_TOPIC = N_("topic_name.unknown")


def topic_key(topic: str | None) -> str:
    return f"topic_name.{topic}" if topic else UNKNOWN_TOPIC
