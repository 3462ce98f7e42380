"""Read what a message is about: benefits, agencies, the situation, the person's age, and
whether it reports a mistake or assumes that agencies share everything.

Words are matched by prefix ("taart" finds "taartjes") and, for longer words, with a small
typo tolerance, so informal WhatsApp spelling still matches the terms in the data files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.knowledge.model import Knowledge
from bot.domain.knowledge.vocabulary import grouped_terms, terms
from bot.shared.words import count_term, has_any, normalise, term_spans

AGENCY_TERMS: dict[str, tuple[str, ...]] = grouped_terms("agencies")
MISTAKE_TERMS = terms("mistake")
ASSUMPTION_TERMS = terms("assumption")
# "Heb ik recht op bijstand?": whether one gets a benefit at all. Only the agency decides.
ELIGIBILITY_TERMS = terms("eligibility")
# Words that make a message a question, a plan or a change, not just "ik heb ww".
ASKING_TERMS = terms("asking")
# "nooit ... verteld", "never ... told": a negation followed closely by a reporting verb.
_NEGATIONS = terms("negations")
_REPORT_VERBS = terms("report_verbs")
GROWING_TERMS = terms("growing")
_AGE_PATTERNS = (
    re.compile(
        r"\b(?:ik |en )?ben (\d{1,3})"
        r"(?! ?(?:weken|week|maanden|maand|dagen|dag|uur|euro|keer|x|procent|kilo|km))\b"
    ),
    re.compile(r"\b(?:i m|im|i am) (\d{1,3})(?! ?(?:weeks|months|days|hours|euro|times))\b"),
    re.compile(r"\bben (\d{1,3}) jaar\b"),
    re.compile(r"\b(\d{1,3}) (?:jaar oud|years old)\b"),
)


@dataclass
class Reading:
    """What one message says, in terms of the knowledge data."""

    raw_text: str = ""
    benefits: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    situation: str | None = None
    situation_score: int = 0
    age: int | None = None
    mistake: bool = False
    assumption: bool = False
    growing: bool = False
    eligibility: bool = False
    # Benefits named only as what is asked for ("heb ik recht op huurtoeslag?"): the person
    # does not (yet) have them.
    asked: list[str] = field(default_factory=list)
    asking: bool = False  # a question or a plan ("?", "mag", "wil", "can", …)

    @property
    def had(self) -> list[str]:
        """The benefits the person says they have (not only asks about)."""
        return [benefit for benefit in self.benefits if benefit not in self.asked]


def read_message(text: str, knowledge: Knowledge) -> Reading:
    tokens = normalise(text)
    reading = Reading(raw_text=text)
    for benefit in knowledge.benefits.values():
        if has_any(tokens, benefit.terms):
            reading.benefits.append(benefit.id)
    reading.benefits = without_generic_toeslag(reading.benefits, knowledge)
    reading.agencies = [a for a, terms in AGENCY_TERMS.items() if has_any(tokens, terms)]
    scores: dict[str, tuple[int, int]] = {}
    for situation in knowledge.situations.values():
        score = situation.weight * sum(
            count_term(tokens, term) * len(normalise(term)) for term in situation.terms
        )
        if score:
            scores[situation.id] = (score, situation.priority)
    if scores:
        reading.situation = max(scores, key=lambda key: scores[key])
        reading.situation_score = scores[reading.situation][0]
    reading.age = person_age(" ".join(tokens))
    reading.mistake = has_any(tokens, MISTAKE_TERMS) or negated_report(tokens)
    reading.assumption = has_any(tokens, ASSUMPTION_TERMS)
    reading.growing = has_any(tokens, GROWING_TERMS)
    reading.eligibility = has_any(tokens, ELIGIBILITY_TERMS)
    reading.asking = "?" in text or any(token in ASKING_TERMS for token in tokens)
    if reading.eligibility and reading.situation is None:  # "nog recht op" in a situation: had
        reading.asked = asked_benefits(tokens, reading.benefits, knowledge)
    return reading


def asked_benefits(tokens: list[str], benefits: list[str], knowledge: Knowledge) -> list[str]:
    """The benefits that are named only just after "recht op", "eligible for", …"""
    asking = [end for term in ELIGIBILITY_TERMS for _, end in term_spans(tokens, term)]
    asked = []
    for benefit in benefits:
        starts = [
            start
            for term in knowledge.benefits[benefit].terms
            for start, _ in term_spans(tokens, term)
        ]
        if starts and all(any(0 <= start - end <= 3 for end in asking) for start in starts):
            asked.append(benefit)
    return asked


def person_age(normalised_text: str) -> int | None:
    for pattern in _AGE_PATTERNS:
        match = pattern.search(normalised_text)
        if match and 14 <= int(match.group(1)) <= 110:
            return int(match.group(1))
    return None


def negated_report(tokens: list[str]) -> bool:
    """True for "ik heb het nooit aan de svb verteld" and "i never told uwv"."""
    for index, token in enumerate(tokens):
        if token in _NEGATIONS:
            window = tokens[index + 1 : index + 7]
            if any(word in _REPORT_VERBS for word in window):
                return True
    return False


def without_generic_toeslag(benefits: list[str], knowledge: Knowledge) -> list[str]:
    """ "Toeslag" says nothing more once a specific one (huurtoeslag, …) is known."""
    specific = any(
        knowledge.benefits[b].family == "toeslagen" and b != "toeslagen" for b in benefits
    )
    return [b for b in benefits if not (specific and b == "toeslagen")]
