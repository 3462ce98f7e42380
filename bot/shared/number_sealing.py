"""Sealing a phone number for the handoff before Rasa stores it.

Rasa's REST channel seals a number typed during the handoff with the app's public key
(`WEGWIJS_NUMBER_SEAL_KEY`); only the app, whose private key is derived from the secret key,
can open it. Rasa's tracker store, its logs and the action server only ever hold the sealed
form. The app opens it to check the number, to store the handoff (encrypted at rest) and to
read it back to the person on their own channel; anyone reading Rasa's side sees a masked
number ("06 •• •• •• 78").

X25519 key agreement with a fresh key per number, HKDF-SHA256 and AES-GCM, all from the
`cryptography` library.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bot.shared.sealed_numbers import SEALED

SEAL_KEY_VARIABLE = "WEGWIJS_NUMBER_SEAL_KEY"  # where Rasa finds the public key
_KEY_BYTES, _NONCE_BYTES = 32, 12
_HEX, _LETTERS = "0123456789abcdef", "abcdefghijklmnop"


def _private_key(secret_key: str) -> X25519PrivateKey:
    seed = hashlib.sha256(b"wegwijs sealed numbers\0" + secret_key.encode()).digest()
    return X25519PrivateKey.from_private_bytes(seed)


def public_key(secret_key: str) -> str:
    """The key Rasa seals with (hex), derived from the secret key."""
    raw = _private_key(secret_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw.hex()


def _box_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    info = b"wegwijs number\0" + ephemeral + recipient
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=info).derive(shared)


def seal(number: str, recipient_hex: str) -> str:
    """`number` as "[nummer:…]", readable only with the private key of `recipient_hex`."""
    recipient = bytes.fromhex(recipient_hex)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    nonce = os.urandom(_NONCE_BYTES)
    box = AESGCM(_box_key(shared, ephemeral_raw, recipient)).encrypt(nonce, number.encode(), None)
    body = (ephemeral_raw + nonce + box).hex().translate(str.maketrans(_HEX, _LETTERS))
    return f"[nummer:{body}]"


def unseal(sealed: str, secret_keys: Sequence[str]) -> str | None:
    """The number in the first "[nummer:…]" of `sealed`, or None when none of the keys
    (the current one first, then earlier ones) opens it."""
    found = SEALED.search(sealed)
    if found is None:
        return None
    raw = bytes.fromhex(found.group(1).translate(str.maketrans(_LETTERS, _HEX)))
    ephemeral_raw, nonce, box = raw[:32], raw[32 : 32 + _NONCE_BYTES], raw[32 + _NONCE_BYTES :]
    for secret_key in secret_keys:
        private = _private_key(secret_key)
        recipient = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
            plain = AESGCM(_box_key(shared, ephemeral_raw, recipient)).decrypt(nonce, box, None)
        except (InvalidTag, ValueError):
            continue
        return plain.decode()
    return None
