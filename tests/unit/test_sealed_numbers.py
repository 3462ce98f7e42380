"""Sealed phone numbers: Rasa's side can seal, only the secret key opens."""

import re

from bot.shared.number_sealing import public_key, seal, unseal
from bot.shared.private_numbers import contains_private_number, redact, without_placeholders
from bot.shared.sealed_numbers import masked, without_sealed

SECRET, OTHER = "s" * 40, "o" * 40


def test_a_sealed_number_opens_only_with_the_secret_key() -> None:
    sealed = seal("+31612345678", public_key(SECRET))
    assert "612345678" not in sealed and not re.search(r"\d", sealed)
    assert unseal(f"mijn nummer is {sealed} ok", [SECRET]) == "+31612345678"
    assert unseal(sealed, [OTHER]) is None
    assert unseal(sealed, [OTHER, SECRET]) == "+31612345678"  # after a key rotation
    assert seal("+31612345678", public_key(SECRET)) != sealed  # a fresh key every time


def test_a_changed_sealed_number_does_not_open() -> None:
    sealed = seal("+31612345678", public_key(SECRET))
    body = sealed[len("[nummer:") : -1]
    flipped = body[:-1] + ("a" if body[-1] != "a" else "b")
    assert unseal(f"[nummer:{flipped}]", [SECRET]) is None
    assert unseal("[nummer:abc]", [SECRET]) is None


def test_no_reader_sees_a_number_in_the_sealed_form() -> None:
    sealed = seal("0612345678", public_key(SECRET))
    text = f"whatsapp op {sealed}"
    assert not contains_private_number(text)
    assert redact(text) == text  # no phone, BSN or IBAN pattern inside it
    assert without_placeholders(text).split() == ["whatsapp", "op", "0612345678"]
    assert without_sealed(text, "[nummer]") == "whatsapp op [nummer]"


def test_a_masked_number_shows_only_its_ends() -> None:
    assert masked("06 12 34 56 78") == "06 •• •• •• 78"
    assert masked("+44 20 7946 0958") == "+44 •• •••• ••58"
