"""deploy/compose.yml gives each service the settings the code reads, and no more: the
action server gets the app's address and token, never the database or the secret."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yml").read_text(encoding="utf-8"))
SETTINGS_NAMES = set(
    re.findall(r'"([A-Z][A-Z0-9_]+)"', (ROOT / "bot/shared/settings.py").read_text())
)
ENDPOINT_NAMES = set(re.findall(r"\$\{([A-Z0-9_]+)\}", (ROOT / "endpoints.yml").read_text()))
# Read by the programs themselves, not by our settings.
OTHERS = {"RASA_TELEMETRY_ENABLED", "SANIC_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def environment(service: str) -> dict[str, str]:
    return dict(COMPOSE["services"][service].get("environment") or {})


def test_every_name_given_to_a_service_is_read_by_the_code() -> None:
    for name, service in COMPOSE["services"].items():
        for variable in environment(name):
            assert variable in SETTINGS_NAMES | ENDPOINT_NAMES | OTHERS, (name, variable)
        del service


def test_rasa_gets_every_name_endpoints_yml_reads() -> None:
    assert set(environment("rasa")) >= ENDPOINT_NAMES


def test_the_action_server_reaches_only_the_app() -> None:
    actions = environment("actions")
    assert {"WEGWIJS_APP_URL", "WEGWIJS_INTERNAL_TOKEN"} <= set(actions)
    assert not {"DATABASE_URL", "WEGWIJS_SECRET_KEY"} & set(actions)
    assert actions["WEGWIJS_APP_URL"].startswith("http://app:")
