"""The text the situation reader reads: benefit and agency names made one generic word.

Which benefit a person has says nothing about what their message is about, but in any set
of examples some benefits turn up more often with one situation ("ww" with being sick).
A learned reader would take that for a signal; with the names masked it learns from what
the person does. The benefits themselves are entities (bot/domain/conversation/entities.py).
"""

from __future__ import annotations

from functools import cache

from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.vocabulary import grouped_terms
from bot.shared.words import normalise, term_spans

# Benefits whose name is no clue to a situation ("anw" is: a partner died; "ziektewet":
# sickness; "kinderbijslag", "studiefinanciering": a child) stay as they are.
MASKED_BENEFITS = (
    "bijstand",
    "ww",
    "wia",
    "wajong",
    "toeslagenwet",
    "aow",
    "aio",
    "huurtoeslag",
    "zorgtoeslag",
    "kindgebonden_budget",
    "toeslagen",
)
# Agencies: who is asked, not what about ("moet de belastingdienst het weten?" is a
# follow-up, not a question about selling platforms).
MASKED_AGENCIES = ("gemeente", "uwv", "svb", "belastingdienst")
BENEFIT_WORD, AGENCY_WORD = "uitkering", "instantie"


@cache
def _masks() -> tuple[tuple[tuple[str, ...], str], ...]:
    kb = knowledge()
    masks = [
        (tuple(kb.benefits[benefit].terms), BENEFIT_WORD)
        for benefit in MASKED_BENEFITS
        if benefit in kb.benefits
    ]
    agencies = grouped_terms("agencies")
    masks += [(agencies[agency], AGENCY_WORD) for agency in MASKED_AGENCIES if agency in agencies]
    return tuple(masks)


def masked(text: str) -> str:
    """ "ik heb ww en geef bijles, moet uwv dat weten" → "ik heb uitkering en geef bijles
    moet instantie dat weten" (lower case, words only)."""
    tokens = normalise(text)
    replaced: dict[int, tuple[int, str]] = {}
    for terms, word in _masks():
        for term in terms:
            for start, end in term_spans(tokens, term):
                if start not in replaced or replaced[start][0] < end:
                    replaced[start] = (end, word)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if index in replaced:
            end, word = replaced[index]
            out.append(word)
            index = max(end, index + 1)
        else:
            out.append(tokens[index])
            index += 1
    return " ".join(out)
