from pathlib import Path

import pytest

from bot.shared.settings import SettingsError, load_settings


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"WEGWIJS_DATA_DIR": str(tmp_path), **values}


def test_defaults_are_local_and_embedded(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.host == "127.0.0.1"
    assert (settings.app_port, settings.rasa_port, settings.actions_port) == (8000, 5005, 5055)
    assert settings.database_url == f"sqlite:///{tmp_path / 'wegwijs.db'}"
    assert settings.tracker_store_url.startswith("sqlite:///")
    assert settings.lock_store == "in_memory"
    assert settings.default_language == "nl"


def test_development_secret_is_created_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path)).secret_key
    assert len(first) >= 32
    assert load_settings(env(tmp_path)).secret_key == first


@pytest.mark.parametrize(
    ("values", "mentions"),
    [
        ({"WEGWIJS_APP_PORT": "abc"}, "WEGWIJS_APP_PORT"),
        ({"WEGWIJS_RASA_PORT": "70000"}, "WEGWIJS_RASA_PORT"),
        ({"WEGWIJS_APP_PORT": "5005"}, "must differ"),
        ({"WEGWIJS_LOCK_STORE": "memcached"}, "WEGWIJS_LOCK_STORE"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL"),
        ({"WEGWIJS_TRACKER_STORE_URL": "nonsense"}, "WEGWIJS_TRACKER_STORE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"WEGWIJS_RASA_URL": "rasa:5005"}, "WEGWIJS_RASA_URL"),
        ({"WEGWIJS_ENV": "production"}, "WEGWIJS_SECRET_KEY"),
        ({"WEGWIJS_SECRET_KEY": "short"}, "WEGWIJS_SECRET_KEY"),
        ({"WEGWIJS_DEFAULT_LANGUAGE": "fr"}, "WEGWIJS_DEFAULT_LANGUAGE"),
    ],
)
def test_bad_settings_give_one_clear_sentence(
    tmp_path: Path, values: dict[str, str], mentions: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env(tmp_path, **values))
    message = str(raised.value)
    assert mentions in message
    assert "\n" not in message and message.endswith(".")


def test_production_stores_reach_rasa_through_its_environment(tmp_path: Path) -> None:
    settings = load_settings(
        env(
            tmp_path,
            WEGWIJS_TRACKER_STORE_URL="postgresql://rasa:pw@db.internal:5432/rasa",
            WEGWIJS_LOCK_STORE="redis",
            REDIS_URL="redis://:geheim@cache.internal:6380/2",
        )
    )
    rasa_env = settings.rasa_environment()
    assert rasa_env["WEGWIJS_TRACKER_STORE_URL"] == "postgresql://rasa:pw@db.internal:5432/rasa"
    assert rasa_env["WEGWIJS_LOCK_STORE"] == "redis"
    assert (rasa_env["WEGWIJS_REDIS_HOST"], rasa_env["WEGWIJS_REDIS_PORT"]) == (
        "cache.internal",
        "6380",
    )
    assert (rasa_env["WEGWIJS_REDIS_DB"], rasa_env["WEGWIJS_REDIS_PASSWORD"]) == ("2", "geheim")
    assert rasa_env["RASA_TELEMETRY_ENABLED"] == "false"
