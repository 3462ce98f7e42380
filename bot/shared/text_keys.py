"""Texts travel as catalog keys; the app service turns them into words (bot/nlg)."""

from __future__ import annotations

# The response name under which an action sends an answer made of catalog keys.
COMPOSED_RESPONSE = "knowledge_answer"


def N_(key: str) -> str:  # noqa: N802 (the gettext convention Babel looks for)
    """Marks a catalog key for `make i18n` where it is not passed to `part()`."""
    return key
