"""The words the readers look for, as data (data/vocabulary.yml), read once.

A missing or malformed list stops loading with a KnowledgeError that names it."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from bot.domain.knowledge.loader import DATA_DIR, KnowledgeError

VOCABULARY_FILE = DATA_DIR / "vocabulary.yml"


@cache
def _vocabulary() -> dict[str, Any]:
    loaded = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise KnowledgeError("vocabulary.yml: expected named lists of words")
    return loaded


def terms(name: str) -> tuple[str, ...]:
    """A list of terms (words or phrases)."""
    found = _vocabulary().get(name)
    if not isinstance(found, list) or not found or not all(isinstance(t, str) for t in found):
        raise KnowledgeError(f"vocabulary.yml: {name} must be a list of words")
    return tuple(found)


def grouped_terms(name: str) -> dict[str, tuple[str, ...]]:
    """Lists of terms per key (the words that name each agency)."""
    found = _vocabulary().get(name)
    if not isinstance(found, dict) or not found:
        raise KnowledgeError(f"vocabulary.yml: {name} must map keys to lists of words")
    return {str(key): tuple(str(term) for term in values) for key, values in found.items()}


def numbers(name: str) -> dict[str, int]:
    """Words with the number they stand for (months, units, small numbers)."""
    found = _vocabulary().get(name)
    if not isinstance(found, dict) or not all(isinstance(v, int) for v in found.values()):
        raise KnowledgeError(f"vocabulary.yml: {name} must map words to whole numbers")
    return {str(word): int(value) for word, value in found.items()}
