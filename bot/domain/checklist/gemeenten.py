"""Recognise the person's gemeente in a message ("ik woon in Den Bosch", "gemeente Apeldorn").

Names come from the official list (gemeenten.yml) plus everyday aliases. A name counts after a
word that introduces a place ("in", "gemeente", "woon", "live" …), or as a whole short message
(the answer to "in welke gemeente woon je?"), so "ik doe mijn best" never means gemeente Best.
Small spelling mistakes in longer names are forgiven.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import cache

from bot.domain.checklist.model import LifeEventData
from bot.domain.knowledge.vocabulary import terms
from bot.shared.words import normalise

PLACE_WORDS = frozenset(terms("place_words"))
DESTINATION_WORDS = frozenset(terms("destination_words"))
MIN_FUZZY_LENGTH = 6
FUZZY_RATIO = 0.84


@cache
def _spellings(
    names: tuple[str, ...], aliases: tuple[tuple[str, str], ...]
) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Every spelling as normalised words, longest first, with the official name."""
    spellings = {tuple(normalise(name)): name for name in names}
    spellings |= {tuple(normalise(alias)): name for alias, name in aliases}
    # "'s-Hertogenbosch" is also written without the "s".
    for words, name in list(spellings.items()):
        if words and words[0] == "s" and len(words) > 1:
            spellings.setdefault(words[1:], name)
    return tuple(sorted(spellings.items(), key=lambda item: -len(item[0])))


def _index(data: LifeEventData) -> tuple[tuple[tuple[str, ...], str], ...]:
    return _spellings(data.gemeenten, tuple(sorted(data.aliases.items())))


def _same_word(token: str, word: str) -> bool:
    if token == word:
        return True
    return (
        len(word) >= MIN_FUZZY_LENGTH
        and token[:1] == word[:1]
        and SequenceMatcher(None, token, word).ratio() >= FUZZY_RATIO
    )


def _match_at(tokens: list[str], start: int, data: LifeEventData) -> str | None:
    for words, name in _index(data):
        end = start + len(words)
        if end <= len(tokens) and all(
            _same_word(tokens[start + i], word) for i, word in enumerate(words)
        ):
            return name
    return None


def find_gemeente(text: str, data: LifeEventData) -> str | None:
    """The official name of the gemeente the message names, if any."""
    tokens = normalise(text)
    if not tokens:
        return None
    if len(tokens) <= 4:  # a bare answer: "Den Bosch", "gemeente Zwolle"
        start = 1 if tokens[0] in PLACE_WORDS and len(tokens) > 1 else 0
        whole = _match_at(tokens, start, data)
        if whole is not None:
            return whole
    found = [
        (token in DESTINATION_WORDS, name)
        for index, token in enumerate(tokens[:-1])
        if token in PLACE_WORDS | DESTINATION_WORDS
        and (name := _match_at(tokens, index + 1, data)) is not None
    ]
    # "van Zwolle naar Kampen": the gemeente someone moves to is the one whose rules apply.
    destinations = [name for is_destination, name in found if is_destination]
    named = destinations or [name for _, name in found]
    return named[0] if named else None
