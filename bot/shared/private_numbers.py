"""Personal numbers nobody should send to a chatbot: a BSN, an IBAN, a DigiD code; and
contact details Wegwijs does not keep in a conversation: phone numbers and e-mail addresses.

Wegwijs never needs them. They are cut out of a message before Rasa stores it (the REST
channel calls `redact`), so no tracker store, log or transcript ever holds one in clear;
the placeholder left in their place still lets the answer warn "deel dit niet". A phone
number the handoff asks for is sealed instead (`seal_phone`, bot/shared/sealed_numbers.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.shared.sealed_numbers import MODEL_STAND_IN, without_sealed

# What is left where a personal number was; caseworkers read it in transcripts too.
PLACEHOLDER = "[privé-nummer weggelaten]"
PHONE_PLACEHOLDER = "[telefoonnummer weggelaten]"
EMAIL_PLACEHOLDER = "[e-mailadres weggelaten]"
# Dutch numbers (06 12345678, 020-123 4567) and international ones (+31 6 …, 0044 …).
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){6,11}"
    r"|0[1-9](?:[\s.-]?\d){8})(?![\w])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_NINE_DIGITS = re.compile(r"(?<![\d+])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{3}[ .]?\d{3}[ .]?\d{3})(?!\d)")
_IBAN = re.compile(r"\b[a-z]{2}\d{2} ?[a-z]{4} ?(?:\d ?){9}\d\b", re.IGNORECASE)
_NAMED_BSN = re.compile(r"\b(?:bsn|burgerservicenummer|sofi ?nummer)\b", re.IGNORECASE)
_DIGID = re.compile(r"digid\W+(?:\w+\W+){0,4}?(?:wachtwoord|code|password|inlog)", re.IGNORECASE)
# After "digid wachtwoord": the secret itself, a word with a digit or a sign in it ("is",
# ":" and "=" before it are kept; "vergeten" or "kwijt" is no secret and stays).
_SECRET_AFTER = re.compile(r"\s*(?:is\s+|:\s*|=\s*)?(\w*[\d!@#$%^&*_+=?-][^\s,;]*)")


def without_placeholders(text: str) -> str:
    """The words the person wrote, without what `redact` left: a model that reads the
    placeholder takes "privé" for a question about privacy. A sealed number reads as
    a phone number, as in the training examples."""
    text = without_sealed(text, f" {MODEL_STAND_IN} ")
    for placeholder in (PLACEHOLDER, PHONE_PLACEHOLDER, EMAIL_PLACEHOLDER):
        text = text.replace(placeholder, " ")
    return text


def is_bsn(digits: str) -> bool:
    """The eleven test every BSN passes (9 digits)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _bsn_spans(text: str) -> list[tuple[int, int]]:
    named = _NAMED_BSN.search(text) is not None  # "mijn bsn is …": a typo in it too
    return [
        match.span(1)
        for match in _NINE_DIGITS.finditer(text)
        if named or is_bsn(re.sub(r"\D", "", match.group(1)))
    ]


def _spans(text: str) -> list[tuple[int, int]]:
    spans = [match.span() for match in _IBAN.finditer(text)] + _bsn_spans(text)
    for match in _DIGID.finditer(text):
        secret = _SECRET_AFTER.match(text, match.end())
        if secret is not None:
            spans.append(secret.span(1))
    return sorted(spans)


def contains_private_number(text: str) -> bool:
    """A BSN, IBAN or DigiD code in the message, or the placeholder `redact` left for one."""
    return PLACEHOLDER in text or bool(_spans(text)) or _DIGID.search(text) is not None


def redact(text: str, seal_phone: Callable[[str], str] | None = None) -> str:
    """The message with every personal number replaced by `PLACEHOLDER`, every e-mail
    address by its placeholder, and every phone number by its placeholder, or by what
    `seal_phone` makes of it (the handoff asked for a number)."""
    found = [(start, stop, PLACEHOLDER) for start, stop in _spans(text)]
    found += [(*match.span(), EMAIL_PLACEHOLDER) for match in _EMAIL.finditer(text)]
    for match in _PHONE.finditer(text):
        replaced = seal_phone(match.group(0)) if seal_phone else PHONE_PLACEHOLDER
        found.append((*match.span(), replaced))
    pieces, end = [], 0
    for start, stop, placeholder in sorted(found):
        if start < end:  # overlapping readings of the same number
            continue
        pieces += [text[end:start], placeholder]
        end = stop
    return "".join(pieces) + text[end:]
