"""How a sealed phone number looks in a message, and what readers make of it.

Rasa's REST channel seals a phone number typed during the handoff (bot/shared/
number_sealing.py does the cryptography; only the app can open it). This module knows only
the sealed form: the action server and the NLU models use it and never hold a key.
The sealed text uses only the letters a–p, so no phone number pattern, BSN check or NLU
feature can ever match inside it.
"""

from __future__ import annotations

import re

SEALED = re.compile(r"\[nummer:([a-p]{100,400})\]")
# What the NLU models read where a sealed number is: a phone number, as they were trained.
MODEL_STAND_IN = "0612345678"


def masked(spoken_number: str) -> str:
    """ "06 12 34 56 78" → "06 •• •• •• 78": enough to recognise, not enough to use."""
    digits = [index for index, char in enumerate(spoken_number) if char.isdigit()]
    shown = set(digits[:2] + digits[-2:])
    return "".join(
        char if not char.isdigit() or index in shown else "•"
        for index, char in enumerate(spoken_number)
    )


def without_sealed(text: str, placeholder: str) -> str:
    """The text with every sealed number replaced by `placeholder` (for models, transcripts)."""
    return SEALED.sub(placeholder, text)
