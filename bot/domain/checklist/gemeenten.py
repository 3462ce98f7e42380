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
ORIGIN_WORDS = frozenset(terms("origin_words"))
# The role of a gemeente named after one of these words (None: where the person lives).
_ROLES = {**dict.fromkeys(ORIGIN_WORDS, "from"), **dict.fromkeys(DESTINATION_WORDS, "to")}
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


def gemeenten_in(text: str, data: LifeEventData) -> list[tuple[str, str | None]]:
    """The gemeenten the message names, in order, each with its role: "to" (moving there),
    "from" (leaving it) or None (where the person lives, or a bare answer)."""
    tokens = normalise(text)
    if not tokens:
        return []
    if len(tokens) <= 4:  # a bare answer: "Den Bosch", "gemeente Zwolle"
        start = 1 if tokens[0] in PLACE_WORDS and len(tokens) > 1 else 0
        whole = _match_at(tokens, start, data)
        if whole is not None:
            return [(whole, None)]
    return [
        (name, _ROLES.get(token))
        for index, token in enumerate(tokens[:-1])
        if token in PLACE_WORDS | _ROLES.keys()
        and (name := _match_at(tokens, index + 1, data)) is not None
    ]


def find_gemeente(text: str, data: LifeEventData) -> str | None:
    """The official name of the gemeente whose rules apply: the one someone moves to ("van
    Zwolle naar Kampen"), else the one they live in."""
    return gemeente_whose_rules_apply(gemeenten_in(text, data))


def gemeente_whose_rules_apply(named: list[tuple[str, str | None]]) -> str | None:
    by_role = [name for name, role in named if role == "to"]
    by_role = by_role or [name for name, role in named if role is None]
    return by_role[0] if by_role else None
