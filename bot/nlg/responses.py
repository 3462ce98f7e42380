"""The shape of every response, read from `domain.yml`.

`domain.yml` keeps Rasa's idiomatic `responses:` section, but each `text` and button
`title` is a catalog key, not prose: the words live only in `locales/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.shared.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


@dataclass(frozen=True)
class ButtonSpec:
    title_key: str
    payload: str


@dataclass(frozen=True)
class ResponseSpec:
    name: str
    text_key: str
    buttons: tuple[ButtonSpec, ...] = ()


def load_intents(domain_file: Path = DOMAIN_FILE) -> frozenset[str]:
    """The intents of the domain: what a button's "/intent" payload may name."""
    with domain_file.open(encoding="utf-8") as handle:
        domain: dict[str, Any] = yaml.safe_load(handle) or {}
    names = (next(iter(item)) if isinstance(item, dict) else item for item in domain["intents"])
    return frozenset(str(name) for name in names)


def load_responses(domain_file: Path = DOMAIN_FILE) -> dict[str, ResponseSpec]:
    """Every response in the domain; only the first variant is used (one wording per text)."""
    with domain_file.open(encoding="utf-8") as handle:
        domain: dict[str, Any] = yaml.safe_load(handle) or {}
    responses: dict[str, ResponseSpec] = {}
    for name, variants in (domain.get("responses") or {}).items():
        variant = variants[0]
        responses[name] = ResponseSpec(
            name=name,
            text_key=str(variant["text"]),
            buttons=tuple(
                ButtonSpec(title_key=str(button["title"]), payload=str(button["payload"]))
                for button in variant.get("buttons") or ()
            ),
        )
    return responses
