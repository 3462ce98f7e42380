"""Encryption at rest for phone numbers, chat ids and message texts (Fernet, from the
`cryptography` library), with a key derived from WEGWIJS_SECRET_KEY.

After a key change, the earlier keys (WEGWIJS_PREVIOUS_SECRET_KEYS) still read what they
wrote; `python -m bot admin rotate-key` writes everything again with the new key."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionError(ValueError):
    """A stored value cannot be read with this key (the key changed, or the data is bad)."""


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"wegwijs data at rest\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class Cipher:
    def __init__(self, secret_key: str, previous: Sequence[str] = ()) -> None:
        """Encrypts with `secret_key`; decrypts with it or any of the `previous` keys."""
        self._fernet = MultiFernet([_fernet(key) for key in (secret_key, *previous)])

    def rotate(self, token: str) -> str:
        """The same value, encrypted with the current key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as error:
            raise DecryptionError("cannot decrypt a stored value") from error

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise DecryptionError("cannot decrypt a stored value") from error


def sender_hash(secret_key: str, sender_id: str) -> str:
    """A keyed hash of a sender id: who writes is known by it, never in clear."""
    return hmac.new(secret_key.encode(), sender_id.encode(), hashlib.sha256).hexdigest()
