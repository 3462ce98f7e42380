"""An automatic plain-language (B1) check for Dutch texts.

It cannot judge meaning, but it catches the usual ways a text becomes hard: long
sentences, very long words, and official words that are used without an explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_AVERAGE_SENTENCE_WORDS = 15.0
MAX_WORD_LETTERS = 24
# Official words a person may not know: a text that uses one must explain it right away,
# in brackets or after a colon ("kostendeler (iemand van 27 of ouder die bij je woont)").
OFFICIAL_WORDS = (
    "kostendeler",
    "kostendelersnorm",
    "toeslagpartner",
    "vermogensgrens",
    "vrijlating",
    "bbz",
    "gezamenlijke huishouding",
    "fictief inkomen",
    "peildatum",
    "medebewoner",
    "hoofdverblijf",
    "brp",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[\wÀ-ÿ'-]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Finding:
    key: str
    problem: str


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]


def check_text(key: str, text: str) -> list[Finding]:
    plain = _PLACEHOLDER.sub("X", text)
    findings: list[Finding] = []
    parts = sentences(plain)
    words = _WORD.findall(plain)
    if parts:
        average = len(words) / len(parts)
        if average > MAX_AVERAGE_SENTENCE_WORDS:
            findings.append(Finding(key, f"sentences average {average:.1f} words"))
    for word in words:
        if len(word) > MAX_WORD_LETTERS:
            findings.append(Finding(key, f"very long word {word!r}"))
    lowered = plain.lower()
    for official in OFFICIAL_WORDS:
        match = re.search(rf"\b{re.escape(official)}\b", lowered)
        if match is None:
            continue
        after = lowered[match.end() : match.end() + 3]
        if not (after.startswith(" (") or after.startswith("(") or after.startswith(":")):
            findings.append(Finding(key, f"explain {official!r} where it is first used"))
    return findings
