"""Words as the readers compare them: lower case, no accents, and matched by prefix with a
small typo tolerance, so informal WhatsApp spelling still finds the terms in the data."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml

_NON_WORD = re.compile(r"[^a-z0-9]+")
WORDS_FILE = Path(__file__).resolve().parent / "data" / "words.yml"


def normalise(text: str) -> list[str]:
    """Lower case, no accents, words only; "door te geven" becomes one word, "doorgeven"
    (to report), so it is not read as "geven" (to give, a gift)."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    words = [word for word in _NON_WORD.split(plain) if word]
    joined: list[str] = []
    for word in words:
        if word == "geven" and joined[-2:] == ["door", "te"]:
            joined[-2:] = ["doorgeven"]
        else:
            joined.append(word)
    return joined


def _false_prefixes() -> dict[str, tuple[str, ...]]:
    """Words that start like a term but mean something else (data/words.yml)."""
    loaded = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))["false_prefixes"]
    return {str(term): tuple(str(word) for word in words) for term, words in loaded.items()}


_FALSE_PREFIXES = _false_prefixes()


@lru_cache(maxsize=65536)
def _word_matches(token: str, word: str) -> bool:
    if token == word:
        return True
    if any(token.startswith(other) for other in _FALSE_PREFIXES.get(word, ())):
        return False
    if len(word) >= 4 and token.startswith(word):
        return True
    # A typo: the same start, at most one letter missing or two extra, nearly the same
    # letters ("bellen" is two letters short of "bevallen": another word, not a typo).
    return (
        len(word) >= 6
        and token[:2] == word[:2]
        and -1 <= len(token) - len(word) <= 2
        and SequenceMatcher(None, token, word).ratio() >= 0.84
    )


@lru_cache(maxsize=16384)
def _term_words(term: str) -> tuple[str, ...]:
    """A term's words, normalised once (the data's terms are read for every message)."""
    return tuple(normalise(term))


def term_spans(tokens: list[str], term: str) -> list[tuple[int, int]]:
    """Where a term occurs (start, end), its words in order and next to each other."""
    words = _term_words(term)
    if not words:
        return []
    # Every match, exact, by prefix or with a typo, starts with the same two letters.
    head = words[0][:2]
    return [
        (start, start + len(words))
        for start in range(len(tokens) - len(words) + 1)
        if tokens[start][:2] == head
        and all(_word_matches(tokens[start + i], word) for i, word in enumerate(words))
    ]


def count_term(tokens: list[str], term: str) -> int:
    return len(term_spans(tokens, term))


# "wij gaan niet scheiden", "we wonen niet meer samen": a term just after a negation says
# the opposite; a word like "dat" in between starts a new clause ("niet dat mijn vriend …").
NEGATIONS = frozenset({"niet", "geen", "nooit", "not", "never", "no"})
_CLAUSE_WORDS = frozenset({"dat", "maar", "want", "omdat", "en", "that", "but", "and", "because"})


def count_affirmed(tokens: list[str], term: str) -> int:
    """How often a term occurs without a negation just before it (at most two words)."""
    count = 0
    for start, _ in term_spans(tokens, term):
        before = tokens[max(0, start - 2) : start]
        negated = any(
            word in NEGATIONS and not _CLAUSE_WORDS.intersection(before[index + 1 :])
            for index, word in enumerate(before)
        )
        count += not negated
    return count


def has_any(tokens: list[str], terms: tuple[str, ...]) -> bool:
    return any(count_term(tokens, term) for term in terms)


# A sentence ends at ".", "!" or "?" followed by a space, or at a line break ("€ 1.200" and
# "3.5" stay whole). The situation reader reads each sentence of a longer message; the
# conversation finds those sentences again with the same split.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of the text starts and ends (blank ones left out)."""
    spans, start = [], 0
    for end in [*_SENTENCE_END.finditer(text), None]:
        stop = end.start() if end else len(text)
        if text[start:stop].strip():
            spans.append((start, stop))
        start = end.end() if end else stop
    return spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]
