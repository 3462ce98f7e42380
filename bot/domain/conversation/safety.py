"""Feelings first, and personal numbers nobody should send to a chatbot.

A feeling (read by the learned FeelingReader) gets one short human sentence before the
facts. A BSN, an IBAN or a DigiD code sent unasked gets "deel dit niet": Wegwijs never
needs them.
"""

from __future__ import annotations

import re

from bot.domain.knowledge.answers import Answer, part
from bot.shared.text_keys import N_

FEELING_KEYS = {
    "fear": N_("feeling.fear"),
    "anger": N_("feeling.anger"),
    "grief": N_("feeling.grief"),
    "shame": N_("feeling.shame"),
    "overwhelmed": N_("feeling.overwhelmed"),
    # Thoughts of not wanting to live: the crisis line first, whatever the question was.
    "crisis": N_("feeling.crisis"),
}
# Prison is answered when the person fears it, never brought up unasked.
_PRISON = re.compile(r"gevangenis|\bcel\b|celstraf|politie|strafbla|prison|jail|police", re.I)
FEAR_OF_PRISON = N_("feeling.fear.prison")
FEELING_SURE = 0.5
CRISIS_SURE = 0.3  # the crisis line is offered on less: missing it costs more than a mistake
_NINE_DIGITS = re.compile(r"(?<![\d+])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{3}[ .]?\d{3}[ .]?\d{3})(?!\d)")
_IBAN = re.compile(r"\b[a-z]{2}\d{2} ?[a-z]{4} ?(?:\d ?){10}\b", re.IGNORECASE)
_NAMED_BSN = re.compile(r"\b(?:bsn|burgerservicenummer|sofi ?nummer)\b", re.IGNORECASE)
_DIGID = re.compile(r"digid\W+(?:\w+\W+){0,4}(?:wachtwoord|code|password|inlog)", re.IGNORECASE)


def is_bsn(digits: str) -> bool:
    """The eleven test every BSN passes (9 digits)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def contains_private_number(text: str) -> bool:
    if _IBAN.search(text) or _DIGID.search(text):
        return True
    if _NAMED_BSN.search(text) and _NINE_DIGITS.search(text):  # "mijn bsn is …": a typo too
        return True
    return any(is_bsn(re.sub(r"\D", "", m.group(1))) for m in _NINE_DIGITS.finditer(text))


def private_data_warning(text: str) -> Answer | None:
    if not contains_private_number(text):
        return None
    return Answer(kind="private_data", messages=[[part("safety.private_data")]])


def feeling_first(feeling: str | None, text: str = "") -> Answer | None:
    key = FEELING_KEYS.get(feeling or "")
    if key == FEELING_KEYS["fear"] and _PRISON.search(text):
        key = FEAR_OF_PRISON
    return Answer(kind="feeling", messages=[[part(key)]]) if key else None
