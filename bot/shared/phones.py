"""Phone numbers as people type them and as Wegwijs reads them back (with `phonenumbers`)."""

from __future__ import annotations

import re

import phonenumbers

EXAMPLE_NUMBER = "06 12 34 56 78"
_DIGITS = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def phone_number(text: str, *, from_carrier: bool = False) -> str | None:
    """A Dutch (or international) phone number in E.164, or None when it is not one.

    A typed number must be valid by the numbering plan ("mijn nummer is 06 1234 5678" works:
    the digits are taken from the words). The number a person writes from (`from_carrier`,
    as Twilio reports it) is real by definition, even in a range the library does not list,
    so it only has to have a possible shape.
    """
    candidate = text.strip().removeprefix("whatsapp:")
    found = _DIGITS.search(candidate)
    if found is None:
        return None
    try:
        parsed = phonenumbers.parse(found.group(0), "NL")
    except phonenumbers.NumberParseException:
        return None
    check = phonenumbers.is_possible_number if from_carrier else phonenumbers.is_valid_number
    if not check(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def spoken(number: str) -> str:
    """A number the way it is read back: "06 12 34 56 78", or international for others."""
    parsed = phonenumbers.parse(number, "NL")
    if parsed.country_code == 31:
        national = "0" + str(parsed.national_number)
        if national.startswith("06") and len(national) == 10:
            return " ".join([national[:2], *(national[i : i + 2] for i in range(2, 10, 2))])
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
