"""Feelings first, and personal numbers nobody should send to a chatbot.

A feeling (read by the learned FeelingReader) gets one short human sentence before the
facts. A BSN, an IBAN or a DigiD code sent unasked gets "deel dit niet": Wegwijs never
needs them (the REST channel has already cut the number out: bot/shared/private_numbers.py).
"""

from __future__ import annotations

import re

from bot.domain.knowledge.answers import Answer, part
from bot.shared.private_numbers import contains_private_number
from bot.shared.text_keys import N_

FEELING_KEYS = {
    "fear": N_("feeling.fear"),
    "anger": N_("feeling.anger"),
    "grief": N_("feeling.grief"),
    "shame": N_("feeling.shame"),
    "overwhelmed": N_("feeling.overwhelmed"),
    # "sorry, ik ben een beetje warrig": no need to apologise.
    "apology": N_("feeling.apology"),
    # Thoughts of not wanting to live: the crisis line first, whatever the question was.
    "crisis": N_("feeling.crisis"),
}
# Prison is answered when the person fears it, never brought up unasked.
_PRISON = re.compile(r"gevangenis|\bcel\b|celstraf|politie|strafbla|prison|jail|police", re.I)
FEAR_OF_PRISON = N_("feeling.fear.prison")
# Fear about a missed report or its consequences gets the honest answer about them; other
# worries ("ik weet niet waar ik moet beginnen") are not told about fines.
_CONSEQUENCES = re.compile(
    r"boete|terug ?(?:betal|vorder|moet)|fraud|strafbaar|gepakt|opgepakt|straf\b|"
    r"\bfine\b|fined|repay|pay (?:it )?back|punish|in trouble",
    re.I,
)
FEAR_WORRY = N_("feeling.fear.worry")
FEELING_SURE = 0.5
CRISIS_SURE = 0.3  # the crisis line is offered on less: missing it costs more than a mistake


# "mn moeder in roemenie heeft een beroerte gehad": a few kind words before the facts,
# also when the message reads as calm.
_ILL_RELATIVE = re.compile(
    r"\b(?:moeder|vader|mama|papa|ma|pa|zoon|dochter|kind|broer|zus|oma|opa|man|vrouw|"
    r"partner|vriend|vriendin|schoonmoeder|schoonvader|mother|father|mum|mom|dad|son|"
    r"daughter|child|brother|sister|grandma|grandmother|grandpa|grandfather|husband|wife)\b"
    r".{0,40}\b(?:ziek|ernstig ziek|doodziek|in het ziekenhuis|ziekenhuis|beroerte|"
    r"hartaanval|herseninfarct|kanker|ongeluk gehad|terminaal|stervende|ill\b|sick\b|"
    r"in hospital|in the hospital|stroke|heart attack|cancer|dying)",
    re.I,
)
RELATIVE_ILL = N_("feeling.relative_ill")


def relative_ill_note(text: str) -> Answer | None:
    """ "Wat naar dat het zo slecht gaat met iemand van wie je houdt.": one sentence."""
    if not _ILL_RELATIVE.search(text):
        return None
    return Answer(kind="feeling", messages=[[part(RELATIVE_ILL)]])


def private_data_warning(text: str) -> Answer | None:
    if not contains_private_number(text):
        return None
    return Answer(kind="private_data", messages=[[part("safety.private_data")]])


# Condolences only where someone died or is missed: "ze gaat bij oma in spanje wonen" is
# no loss, however often grandmothers come up in messages about grief.
# Whole words ("vrouw" holds "rouw"), and no "dood" inside "doodmoe".
_LOSS = re.compile(
    r"\b(?:overl[ei]d|gestorven|stierf|sterft|dood\b|begrafenis|crematie|uitvaart|rouw|"
    r"mis (?:hem|haar|hen)|weduw|nabestaand|er niet meer|niet meer leeft|verloren|"
    r"passed|died|death|dead\b|funeral|widow|grie(?:f|ving)|loss\b|lost (?:my|her|his)|anw\b)",
    re.I,
)


def feeling_first(feeling: str | None, text: str = "", mistake: bool = False) -> Answer | None:
    """One short sentence for the feeling; `mistake`: the message is about a missed report."""
    if feeling == "grief" and text and not _LOSS.search(text):
        return None
    key = FEELING_KEYS.get(feeling or "")
    if key == FEELING_KEYS["fear"] and _PRISON.search(text):
        key = FEAR_OF_PRISON
    elif key == FEELING_KEYS["fear"] and text and not (mistake or _CONSEQUENCES.search(text)):
        key = FEAR_WORRY
    return Answer(kind="feeling", messages=[[part(key)]]) if key else None
