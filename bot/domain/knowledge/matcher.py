"""Read what a message is about: benefits, agencies, the situation, the person's age, and
whether it reports a mistake or assumes that agencies share everything.

Words are matched by prefix ("taart" finds "taartjes") and, for longer words, with a small
typo tolerance, so informal WhatsApp spelling still matches the terms in the data files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain.knowledge.model import Knowledge
from bot.domain.knowledge.vocabulary import grouped_terms, terms
from bot.shared.words import (
    count_affirmed,
    count_term,
    has_any,
    normalise,
    sentences,
    term_spans,
)

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
HOUSEHOLD: dict[str, tuple[str, ...]] = grouped_terms("household")
_RELATION_OF = {word: relation for relation, words in HOUSEHOLD.items() for word in words}
OTHER_PERSON = frozenset(terms("other_person_words"))  # "hij", "ze", "he", "her", …
_OWN = frozenset(terms("own_words"))
_BOTH = frozenset({"allebei", "beiden", "beide", "both"})
_MY = frozenset({"mijn", "mn", "my", "m", "me"})
# "zijn ww", "her aow": a benefit of the relative named before.
THEIR = frozenset({"zijn", "zn", "z", "haar", "dr", "his", "her", "their", "hun"})
# How far back a relation word still owns a benefit: "mijn broer woont in zwolle en zit in
# de bijstand" is the brother's, unless a word of the person's own comes first ("… en ik
# heb bijstand", "… heb zelf bijstand").
OWNER_WINDOW = 12
_FIRST_PERSON_VERBS = frozenset({"heb", "krijg", "ontvang"})
_SELF_DESCRIPTION = frozenset({"ben", "als", "alleenstaande", "single", "am", "a"})
_AGE_PATTERNS = (
    re.compile(
        r"\b(?:ik |en )?ben (\d{1,3})"
        r"(?! ?(?:weken|week|maanden|maand|dagen|dag|uur|euro|keer|x|procent|kilo|km))\b"
    ),
    re.compile(r"\b(?:i m|im|i am) (\d{1,3})(?! ?(?:weeks|months|days|hours|euro|times))\b"),
    re.compile(r"\bben (\d{1,3}) jaar\b"),
    re.compile(r"\b(\d{1,3}) (?:jaar oud|years old)\b"),
    re.compile(r"\b(?:als |if )?(?:ik|i) (\d{1,3}) (?:ben|word|was)\b"),
    re.compile(r"\bwhen i turn (\d{1,3})\b|\bif i was (\d{1,3})\b"),
    # "stel ik was 30", "wat als ik nu 30 was", "if i were 30"
    re.compile(
        r"\b(?:ik|i) (?:was|were|wordt) (?:nu |al )?(\d{1,3})\b"
        r"(?! ?(?:weken|maanden|dagen|uur|euro|keer))"
    ),
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
    # Benefits of someone else in the message, with the word the person used for who has
    # it: {"aow": "schoonmoeder"}.
    other_words: dict[str, str] = field(default_factory=dict)
    # The household members the message names (partner, child, parent, sibling, …).
    members: list[str] = field(default_factory=list)
    # The rules of situation details the words name (situations.yml `details`).
    details: list[str] = field(default_factory=list)
    # Situations the words name only after "niet"/"geen" ("wij gaan niet scheiden").
    denied: list[str] = field(default_factory=list)

    @property
    def others(self) -> dict[str, str]:
        """Benefits of someone else, with the household relation: {"aow": "parent"}."""
        return {b: _RELATION_OF.get(word, "other") for b, word in self.other_words.items()}

    @property
    def had(self) -> list[str]:
        """The benefits the person says they have themselves (not asks about, not others')."""
        return [b for b in self.benefits if b not in self.asked and b not in self.others]


_I_AM = frozenset({"ben", "am", "im"})
_POSSESSIVE = frozenset({"mijn", "mn", "my", "onze", "our", "zijn", "haar", "his", "her"})


def _says_who_they_are(before: list[str]) -> bool:
    """ "ik ben alleenstaande moeder", "i am a single dad": the person, not a relative."""
    return bool(_I_AM.intersection(before)) and not _POSSESSIVE.intersection(before)


def read_message(text: str, knowledge: Knowledge) -> Reading:
    tokens = normalise(text)
    reading = Reading(raw_text=text)
    for benefit in knowledge.benefits.values():
        if has_any(tokens, benefit.terms):
            reading.benefits.append(benefit.id)
    reading.benefits = without_generic_toeslag(reading.benefits, knowledge)
    reading.agencies = [a for a, terms in AGENCY_TERMS.items() if has_any(tokens, terms)]
    reading.members = list(
        dict.fromkeys(
            _RELATION_OF[t]
            for i, t in enumerate(tokens)
            if t in _RELATION_OF and not _says_who_they_are(tokens[max(0, i - 3) : i])
        )
    )
    starts = sentence_starts(text, len(tokens))
    for named in reading.benefits:
        owner = benefit_owner(tokens, knowledge.benefits[named].terms, starts)
        if owner is not None:
            reading.other_words[named] = owner
    scores: dict[str, tuple[int, int]] = {}
    for situation in knowledge.situations.values():
        score = situation.weight * sum(
            count_affirmed(tokens, term) * len(normalise(term)) for term in situation.terms
        )
        if score:
            scores[situation.id] = (score, situation.priority)
        elif any(count_term(tokens, term) for term in situation.terms):
            reading.denied.append(situation.id)
        reading.details += [
            rule
            for rule, detail_terms in situation.details.items()
            if rule not in reading.details and has_any(tokens, detail_terms)
        ]
    if scores:
        reading.situation = max(scores, key=lambda key: scores[key])
        reading.situation_score = scores[reading.situation][0]
    reading.age = person_age(" ".join(tokens))
    reading.mistake = _names_a_mistake(tokens) or negated_report(tokens)
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


def sentence_starts(text: str, token_count: int) -> Sequence[int]:
    """The token index where each sentence of `text` begins (only [0] when the sentences'
    tokens do not add up to the whole message's)."""
    starts, at = [], 0
    for sentence in sentences(text):
        starts.append(at)
        at += len(normalise(sentence))
    return starts if at == token_count else (0,)


def benefit_owner(
    tokens: list[str], benefit_terms: tuple[str, ...], sentence_begins: Sequence[int] = (0,)
) -> str | None:
    """Who has the benefit: None for the person, else the word for them ("moeder").

    The nearest telling word before the benefit in its own sentence decides ("mijn moeder
    heeft aow": the mother's; "ik heb aow en mijn moeder komt": the person's; "ik zet ze op
    vinted. zit in de bijstand.": the person's); "de aow van mijn moeder" looks after it.
    Where any mention is the person's own, the benefit is theirs.
    """
    spans = [span for term in benefit_terms for span in term_spans(tokens, term)]
    owners = [
        _owner_at(tokens, start, end, max(b for b in sentence_begins if b <= start))
        for start, end in spans
    ]
    if not owners or any(owner is None for owner in owners):
        return None
    return owners[0]


def _owner_at(tokens: list[str], start: int, end: int, sentence_begin: int = 0) -> str | None:
    after = tokens[end : end + 4]
    if after[:1] == ["van"] or after[:1] == ["of"]:
        for token in after[1:]:
            if token in _RELATION_OF:
                return token
        if after[1:2] and after[1] in OTHER_PERSON:  # "de aow van hem": the one named before
            earlier = [t for t in tokens[:start] if t in _RELATION_OF]
            return earlier[-1] if earlier else "other"
    if start > 0 and tokens[start - 1] in _MY:
        return None
    if start > 0 and tokens[start - 1] in THEIR:  # "wat gebeurt er met zijn ww?"
        earlier = [t for t in tokens[:start] if t in _RELATION_OF]
        return earlier[-1] if earlier else "other"
    for index in range(start - 1, max(sentence_begin - 1, start - OWNER_WINDOW - 1), -1):
        token = tokens[index]
        if token in _BOTH or token in _OWN or token in _FIRST_PERSON_VERBS:
            return None
        if token in _RELATION_OF and not _describes_self(tokens, index):
            return token
        if token in OTHER_PERSON:
            earlier = [t for t in tokens[:start] if t in _RELATION_OF]
            return earlier[-1] if earlier else "other"
    return None


def _describes_self(tokens: list[str], index: int) -> bool:
    """ "ik ben alleenstaande moeder", "as a single mum": the person, not a relative."""
    return bool(set(tokens[max(0, index - 2) : index]) & _SELF_DESCRIPTION)


_HE_SHE_IS = re.compile(
    r"\b(?:hij|zij|ze|he|she) (?:is|wordt|word|turns|is now) (\d{1,3})\b"
    r"(?! ?(?:weken|week|maanden|maand|dagen|dag|uur|euro|weeks|months|days|hours))"
    r"|\b(?:hij|zij|ze|he|she) (\d{1,3}) (?:is|wordt|was)\b"
)


def member_age(normalised_text: str) -> int | None:
    """The age of the relative the message is about: "mijn zoon van 28", "mn dochter is
    24", "hij is 22", "en als hij 28 is"."""
    tokens = normalised_text.split()
    for index, token in enumerate(tokens[:-2]):
        if token in _RELATION_OF and tokens[index + 1] in ("van", "of", "is", "aged", "wordt"):
            number = tokens[index + 2]
            if number.isdigit() and 0 < int(number) <= 110:
                return int(number)
    found = _HE_SHE_IS.search(normalised_text)
    said = next((group for group in found.groups() if group), None) if found else None
    return int(said) if said is not None and 0 < int(said) <= 110 else None


def person_age(normalised_text: str) -> int | None:
    for pattern in _AGE_PATTERNS:
        match = pattern.search(normalised_text)
        number = next((group for group in match.groups() if group), None) if match else None
        if number is not None and 14 <= int(number) <= 110:
            return int(number)
    return None


# "i left my bar shifts off the form", "niet op de inkomstenopgave gezet": a few words apart.
_LEFT_OFF = re.compile(
    r"\bleft\b(?: \w+){0,6} (?:off|out)\b"
    r"|\b(?:niet|nooit) (?:op|in) (?:de|het|mijn|mn) (?:\w+ ){0,2}(?:gezet|gezegd|vermeld)\b"
    # "mijn inkomen te laag ingevuld", "filled in my income too low"
    r"|\b(?:te laag|verkeerd|fout) (?:\w+ )?(?:ingevuld|opgegeven|doorgegeven|geschat)\b"
    r"|\b(?:too low|wrong(?:ly)?)\b(?: \w+){0,3} (?:filled|entered|estimated)\b"
    r"|\b(?:filled in|entered|estimated) (?:\w+ ){0,3}(?:too low|wrong(?:ly)?)\b"
)


# "niet doorgegeven", "never told": mistake words that start with a negation.
_NEGATIVE_MISTAKE_TERMS = frozenset(
    term for term in MISTAKE_TERMS if normalise(term)[:1] and normalise(term)[0] in _NEGATIONS
)


# "ik heb 3 maanden gewerkt zonder het te melden", "i did jobs without telling them": done,
# not asked about ("mag ik klussen zonder het te melden?").
_WITHOUT_TELLING = re.compile(
    r"\b(?:zonder|without) (?:het |dat |dit |it |that )?(?:te melden|door te geven|op te geven"
    r"|doorgeven|opgeven"
    r"|reporting|telling|declaring)\b"
)
_DONE = frozenset({"heb", "heeft", "hebben", "had", "ben", "was", "have", "has", "did"})
_MAY = frozenset({"mag", "kan", "kun", "can", "may", "could"})


def _names_a_mistake(tokens: list[str]) -> bool:
    """A mistake word, unless it is a negation asked about ("hoeft dat niet doorgegeven?")."""
    plain = " ".join(tokens)
    if _LEFT_OFF.search(plain):
        return True
    without = _WITHOUT_TELLING.search(plain)
    if without:  # "heb … gedaan zonder het te melden", not "mag ik … zonder het te melden?"
        before = set(plain[: without.start()].split())
        if before & _DONE and not before & (_MAY | _NEED_WORDS):
            return True
    for term in MISTAKE_TERMS:
        negative = term in _NEGATIVE_MISTAKE_TERMS
        for start, _ in term_spans(tokens, term):
            if not (negative and _NEED_WORDS & set(tokens[max(0, start - 3) : start])):
                return True
    return False


def negated_report(tokens: list[str]) -> bool:
    """True for "ik heb het nooit aan de svb verteld" and "i never told uwv"."""
    for index, token in enumerate(tokens):
        if token in _NEGATIONS:
            window = tokens[index + 1 : index + 7]
            verb = next((i for i, word in enumerate(window) if word in _REPORT_VERBS), None)
            asks = _NEED_WORDS & set(tokens[max(0, index - 3) : index] + window[: verb or 0])
            if verb is not None and not asks:
                return True
    return False


# "hoeft dat niet gemeld te worden?", "he says they'll never know, should he report it?":
# whether something must be reported, not a report that was missed.
_NEED_WORDS = frozenset(
    {"hoef", "hoeft", "hoeven", "need", "needs", "needn", "should", "must", "moet", "moeten"}
)


def without_generic_toeslag(benefits: list[str], knowledge: Knowledge) -> list[str]:
    """ "Toeslag" says nothing more once a specific one (huurtoeslag, …) is known."""
    specific = any(
        knowledge.benefits[b].family == "toeslagen" and b != "toeslagen" for b in benefits
    )
    return [b for b in benefits if not (specific and b == "toeslagen")]
