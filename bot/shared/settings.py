"""Every setting of Wegwijs, read from the environment and validated once at start-up.

A wrong or missing setting must stop start-up with one clear sentence, never a traceback,
so the loader collects problems as `SettingsError` with a human message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUPPORTED_LANGUAGES = ("nl", "en")


class SettingsError(ValueError):
    """A setting is missing or invalid; the message is one sentence for the operator."""


@dataclass(frozen=True)
class TwilioSettings:
    """SMS and WhatsApp through Twilio; on only when the account and a sender are set."""

    account_sid: str
    auth_token: str
    sms_from: str | None
    whatsapp_from: str | None
    api_base: str
    whatsapp_template_sid: str | None  # an approved template for outside the 24-hour window


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str
    secret_token: str | None  # webhook mode needs it; polling mode does not
    api_base: str


@dataclass(frozen=True)
class KioskSettings:
    """One library information point: its name, its gemeente and the languages shown."""

    library: str
    gemeente: str | None
    languages: tuple[str, ...]
    idle_seconds: int


@dataclass(frozen=True)
class Settings:
    environment: str
    host: str
    app_port: int
    rasa_port: int
    actions_port: int
    database_url: str
    tracker_store_url: str
    lock_store: str
    redis_url: str
    secret_key: str
    default_language: str
    log_level: str
    data_dir: Path
    rasa_url: str
    public_base_url: str | None = None
    # Several Rasa replicas (WEGWIJS_RASA_URLS, comma-separated): conversations are spread
    # over them by consistent hashing (bot/channels/rasa_replicas.py). Empty: rasa_url only.
    rasa_replica_urls: tuple[str, ...] = ()
    twilio: TwilioSettings | None = None
    telegram: TelegramSettings | None = None
    kiosk: KioskSettings = KioskSettings("Bibliotheek", None, SUPPORTED_LANGUAGES, 180)
    rate_limit_per_minute: int = 20
    handoff_retention_days: int = 90
    # Earlier secret keys, newest first: what they encrypted stays readable until
    # `python -m bot admin rotate-key` has written it again with the current key.
    previous_secret_keys: tuple[str, ...] = ()
    conversation_retention_days: int = 30
    # The outbox: longest wait between two tries of one message, and how long one call to
    # Twilio or Telegram may take before it counts as failed (and is tried again).
    # The chat API (/api/messages) in production: only with this token, off without it.
    chat_api_token: str | None = None
    outbox_longest_wait_seconds: int = 300
    provider_timeout_seconds: int = 10
    actions_url_override: str | None = None  # WEGWIJS_ACTION_SERVER_URL, when it runs elsewhere

    @property
    def rasa_api_token(self) -> str:
        """Token for Rasa's HTTP API (trackers, parse); derived so nobody has to set it."""
        return hashlib.sha256(f"rasa-api:{self.secret_key}".encode()).hexdigest()[:32]

    @property
    def nlg_token(self) -> str:
        """Token Rasa sends to the app's /nlg (endpoints.yml); derived from the secret."""
        return hashlib.sha256(f"nlg:{self.secret_key}".encode()).hexdigest()[:32]

    @property
    def internal_api_token(self) -> str:
        """Token for the app's /internal API (the action server); derived from the secret."""
        return hashlib.sha256(f"internal-api:{self.secret_key}".encode()).hexdigest()[:40]

    def actions_environment(self) -> dict[str, str]:
        """What the action server needs, and all it gets: where the app is, and its token."""
        return {"WEGWIJS_APP_URL": self.app_url, "WEGWIJS_INTERNAL_TOKEN": self.internal_api_token}

    @property
    def actions_url(self) -> str:
        return self.actions_url_override or f"http://{self.host}:{self.actions_port}"

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    def rasa_environment(self) -> dict[str, str]:
        """Variables that `endpoints.yml` reads (Rasa substitutes `${NAME}`)."""
        redis = urlsplit(self.redis_url)
        return {
            "WEGWIJS_NLG_URL": f"{self.app_url}/nlg",
            "WEGWIJS_NLG_TOKEN": self.nlg_token,
            "WEGWIJS_ACTIONS_URL": f"{self.actions_url}/webhook",
            "WEGWIJS_TRACKER_STORE_URL": self.tracker_store_url,
            "WEGWIJS_LOCK_STORE": self.lock_store,
            "WEGWIJS_REDIS_HOST": redis.hostname or "127.0.0.1",
            "WEGWIJS_REDIS_PORT": str(redis.port or 6379),
            "WEGWIJS_REDIS_DB": (redis.path or "/0").lstrip("/") or "0",
            "WEGWIJS_REDIS_PASSWORD": redis.password or "",
            "RASA_TELEMETRY_ENABLED": "false",
        }


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number between 1 and 65535, not {raw!r}.")
    return int(raw)


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = env.get(name, default).strip()
    scheme = urlsplit(value).scheme.split("+")[0]
    if scheme not in schemes:
        raise SettingsError(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"not {value!r}."
        )
    return value


def _secret_key(env: Mapping[str, str], environment: str, data_dir: Path) -> str:
    value = env.get("WEGWIJS_SECRET_KEY", "").strip()
    if value:
        if len(value) < 32:
            raise SettingsError("WEGWIJS_SECRET_KEY must be at least 32 characters long.")
        return value
    if environment == "production":
        raise SettingsError("WEGWIJS_SECRET_KEY is required when WEGWIJS_ENV is production.")
    # Development: one random key per checkout, kept so sessions survive a restart.
    key_file = data_dir / "dev-secret-key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name} must be a whole number above 0, not {raw!r}.")
    return int(raw)


def _twilio(env: Mapping[str, str]) -> TwilioSettings | None:
    sid, token = _optional(env, "TWILIO_ACCOUNT_SID"), _optional(env, "TWILIO_AUTH_TOKEN")
    sms, whatsapp = _optional(env, "TWILIO_SMS_FROM"), _optional(env, "TWILIO_WHATSAPP_FROM")
    if not (sid or token or sms or whatsapp):
        return None
    if not (sid and token and (sms or whatsapp)):
        raise SettingsError(
            "Twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_SMS_FROM or "
            "TWILIO_WHATSAPP_FROM together."
        )
    if whatsapp and not whatsapp.startswith("whatsapp:"):
        whatsapp = f"whatsapp:{whatsapp}"
    return TwilioSettings(
        account_sid=sid,
        auth_token=token,
        sms_from=sms,
        whatsapp_from=whatsapp,
        api_base=_url(env, "TWILIO_API_BASE", "https://api.twilio.com", ("http", "https")),
        whatsapp_template_sid=_optional(env, "TWILIO_WHATSAPP_TEMPLATE_SID"),
    )


def _telegram(env: Mapping[str, str]) -> TelegramSettings | None:
    token = _optional(env, "TELEGRAM_BOT_TOKEN")
    if token is None:
        return None
    return TelegramSettings(
        bot_token=token,
        secret_token=_optional(env, "TELEGRAM_SECRET_TOKEN"),
        api_base=_url(
            env, "TELEGRAM_API_BASE", "https://api.telegram.org", ("http", "https")
        ).rstrip("/"),
    )


def _kiosk(env: Mapping[str, str]) -> KioskSettings:
    raw = env.get("WEGWIJS_KIOSK_LANGUAGES", ",".join(SUPPORTED_LANGUAGES))
    languages = tuple(code.strip().lower() for code in raw.split(",") if code.strip())
    unknown = [code for code in languages if code not in SUPPORTED_LANGUAGES]
    if not languages or unknown:
        raise SettingsError(
            f"WEGWIJS_KIOSK_LANGUAGES must list languages from {', '.join(SUPPORTED_LANGUAGES)}, "
            f"not {raw!r}."
        )
    return KioskSettings(
        library=env.get("WEGWIJS_KIOSK_LIBRARY", "Bibliotheek").strip() or "Bibliotheek",
        gemeente=_optional(env, "WEGWIJS_KIOSK_GEMEENTE"),
        languages=languages,
        idle_seconds=_positive(env, "WEGWIJS_KIOSK_IDLE_SECONDS", 180),
    )


@dataclass(frozen=True)
class ActionServerSettings:
    """The action server's only settings: it reaches the database through the app service."""

    app_url: str
    internal_token: str


def action_server_settings(env: Mapping[str, str] | None = None) -> ActionServerSettings:
    """WEGWIJS_APP_URL and WEGWIJS_INTERNAL_TOKEN (`python -m bot internal-token` prints it)."""
    env = os.environ if env is None else env
    app_url = _url(env, "WEGWIJS_APP_URL", "http://127.0.0.1:8000", ("http", "https"))
    return ActionServerSettings(
        app_url=app_url.rstrip("/"), internal_token=env.get("WEGWIJS_INTERNAL_TOKEN", "").strip()
    )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate all settings; raises `SettingsError` with one sentence."""
    env = os.environ if env is None else env
    environment = _choice(env, "WEGWIJS_ENV", "development", ("development", "production", "test"))
    data_dir = Path(env.get("WEGWIJS_DATA_DIR", str(PROJECT_ROOT / "var"))).resolve()
    lock_store = _choice(env, "WEGWIJS_LOCK_STORE", "in_memory", ("in_memory", "redis"))
    host = env.get("WEGWIJS_HOST", "127.0.0.1").strip()
    if not host:
        raise SettingsError("WEGWIJS_HOST must not be empty.")
    ports = {
        "app": _port(env, "WEGWIJS_APP_PORT", 8000),
        "rasa": _port(env, "WEGWIJS_RASA_PORT", 5005),
        "actions": _port(env, "WEGWIJS_ACTIONS_PORT", 5055),
    }
    if len(set(ports.values())) != len(ports):
        raise SettingsError(
            "WEGWIJS_APP_PORT, WEGWIJS_RASA_PORT and WEGWIJS_ACTIONS_PORT must differ."
        )
    return Settings(
        environment=environment,
        host=host,
        app_port=ports["app"],
        rasa_port=ports["rasa"],
        actions_port=ports["actions"],
        database_url=_url(
            env, "DATABASE_URL", f"sqlite:///{data_dir / 'wegwijs.db'}", ("sqlite", "postgresql")
        ),
        tracker_store_url=_url(
            env,
            "WEGWIJS_TRACKER_STORE_URL",
            f"sqlite:///{data_dir / 'rasa-tracker.db'}",
            ("sqlite", "postgresql"),
        ),
        lock_store=lock_store,
        redis_url=_url(env, "REDIS_URL", "redis://127.0.0.1:6379/0", ("redis", "rediss")),
        secret_key=_secret_key(env, environment, data_dir),
        previous_secret_keys=tuple(
            key.strip()
            for key in env.get("WEGWIJS_PREVIOUS_SECRET_KEYS", "").split(",")
            if key.strip()
        ),
        default_language=_choice(env, "WEGWIJS_DEFAULT_LANGUAGE", "nl", SUPPORTED_LANGUAGES),
        log_level=_choice(env, "WEGWIJS_LOG_LEVEL", "info", ("debug", "info", "warning", "error")),
        data_dir=data_dir,
        rasa_url=_url(
            env, "WEGWIJS_RASA_URL", f"http://{host}:{ports['rasa']}", ("http", "https")
        ).rstrip("/"),
        rasa_replica_urls=tuple(
            _url({"WEGWIJS_RASA_URLS": url}, "WEGWIJS_RASA_URLS", "", ("http", "https")).rstrip("/")
            for url in env.get("WEGWIJS_RASA_URLS", "").split(",")
            if url.strip()
        ),
        public_base_url=(
            _url(env, "PUBLIC_BASE_URL", "", ("http", "https")).rstrip("/")
            if _optional(env, "PUBLIC_BASE_URL")
            else None
        ),
        twilio=_twilio(env),
        telegram=_telegram(env),
        kiosk=_kiosk(env),
        rate_limit_per_minute=_positive(env, "WEGWIJS_RATE_LIMIT_PER_MINUTE", 20),
        handoff_retention_days=_positive(env, "WEGWIJS_HANDOFF_RETENTION_DAYS", 90),
        conversation_retention_days=_positive(env, "WEGWIJS_CONVERSATION_RETENTION_DAYS", 30),
        chat_api_token=_optional(env, "WEGWIJS_CHAT_API_TOKEN"),
        outbox_longest_wait_seconds=_positive(env, "WEGWIJS_OUTBOX_LONGEST_WAIT_SECONDS", 300),
        provider_timeout_seconds=_positive(env, "WEGWIJS_PROVIDER_TIMEOUT_SECONDS", 10),
        actions_url_override=(
            _url(env, "WEGWIJS_ACTION_SERVER_URL", "", ("http", "https")).rstrip("/")
            if _optional(env, "WEGWIJS_ACTION_SERVER_URL")
            else None
        ),
    )


def fixed_today(env: Mapping[str, str] | None = None) -> dt.date | None:
    """WEGWIJS_TODAY (an ISO date) fixes the day rules are applied for; tests set it."""
    raw = (os.environ if env is None else env).get("WEGWIJS_TODAY", "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        raise SettingsError(
            f"WEGWIJS_TODAY must be a date like 2026-12-01, not {raw!r}."
        ) from error


def new_password(env: Mapping[str, str] | None = None) -> str | None:
    """WEGWIJS_NEW_PASSWORD: a caseworker's first password, for scripts that make accounts."""
    return (os.environ if env is None else env).get("WEGWIJS_NEW_PASSWORD") or None


def process_environment() -> dict[str, str]:
    """This process's environment, the base that child processes get."""
    return dict(os.environ)
