"""Encryption at rest for phone numbers, chat ids and message texts (Fernet, from the
`cryptography` library), with a key derived from WEGWIJS_SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class DecryptionError(ValueError):
    """A stored value cannot be read with this key (the key changed, or the data is bad)."""


class Cipher:
    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"wegwijs data at rest\0" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise DecryptionError("cannot decrypt a stored value") from error
