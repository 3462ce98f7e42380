"""The app service (ASGI): health, the NLG hook for Rasa, and the channels.

Every channel goes through one gateway (bot/channels/gateway.py). Background tasks send the
outbox (SMS, WhatsApp, Telegram) and answer messages kept while Rasa was down.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from starlette.middleware.sessions import SessionMiddleware

from bot import logs, metrics
from bot.channels import chat_api, kiosk, telegram_channel, twilio_channel
from bot.channels.gateway import Deliverer, Gateway
from bot.channels.mailbox_delivery import MailboxDeliverer
from bot.channels.outbox import OutboxDeliverer, OutboxRunner, Sender, telegram_body
from bot.channels.rasa_client import RasaClient
from bot.channels.rasa_replicas import RasaReplicas
from bot.channels.shared_state import (
    MemoryMailboxes,
    MemoryRateLimiter,
    RedisMailboxes,
    RedisRateLimiter,
)
from bot.channels.store import ChannelStore, ContactView
from bot.channels.telegram_channel import TelegramChannel
from bot.channels.twilio_channel import TwilioSender, sms_body
from bot.db.calls import DatabaseCalls
from bot.db.crypto import Cipher
from bot.db.session import make_engine, make_session_factory
from bot.handoff import inbox, internal_api
from bot.handoff.routing import routing
from bot.handoff.service import HandoffService
from bot.i18n.catalogs import MessageCatalogs
from bot.nlg import endpoint as nlg_endpoint
from bot.nlg.renderer import Renderer
from bot.nlg.responses import load_intents, load_responses
from bot.privacy import pages as statements
from bot.privacy.erase import Eraser
from bot.privacy.retention import prune_messages, prune_trackers
from bot.security_headers import SecurityHeaders
from bot.shared.settings import Settings, load_settings

log = logging.getLogger(__name__)
RETRY_INTERVAL = 1.0
HOUSEKEEPING_INTERVAL = 60.0  # escalate unclaimed handoffs, delete old closed ones
PRUNE_INTERVAL = 3600.0  # conversations older than the retention go


async def _repeat(
    interval: float, work: Callable[[], Awaitable[object]], wake: asyncio.Event
) -> None:
    """Run `work` every `interval` seconds, or sooner when woken; errors are logged."""
    while True:
        try:
            await work()
        except Exception:
            log.exception("background work failed; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=interval)
        wake.clear()


def _freeze_startup_objects() -> None:
    """Keep full garbage collections short.

    What start-up loads (knowledge, catalogs, SQLAlchemy's mappings) lives as long as the
    process. Left in the collector's view, every full collection walks it all and pauses
    every request in flight for ~150 ms; frozen, a full collection sees only new objects.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    logs.configure(settings.log_level)
    catalogs = MessageCatalogs()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    cipher = Cipher(settings.secret_key, settings.previous_secret_keys)
    store = ChannelStore(sessions, cipher, settings.secret_key)
    rasa = RasaReplicas(
        [
            (
                url,
                RasaClient(
                    url, api_token=settings.rasa_api_token, actions_url=settings.actions_url
                ),
            )
            for url in settings.rasa_replica_urls or (settings.rasa_url,)
        ]
    )
    database_calls = DatabaseCalls.for_url(settings.database_url)
    # Several app processes share the rate limit and the reply mailboxes through Redis.
    redis = Redis.from_url(settings.redis_url) if settings.lock_store == "redis" else None
    limiter = (
        RedisRateLimiter(redis, settings.rate_limit_per_minute)
        if redis is not None
        else MemoryRateLimiter(settings.rate_limit_per_minute)
    )
    gateway = Gateway(
        store,
        rasa,
        catalogs,
        settings.default_language,
        settings.rate_limit_per_minute,
        db=database_calls,
        intents=load_intents(),
        limiter=limiter,
        secret_keys=(settings.secret_key, *settings.previous_secret_keys),
    )
    outbox_wake = asyncio.Event()
    mailboxes = RedisMailboxes(redis) if redis is not None else MemoryMailboxes()
    deliverers: dict[str, Deliverer] = {
        box: MailboxDeliverer(box, mailboxes) for box in ("kiosk", "chat")
    }
    senders: dict[str, Sender] = {}
    if settings.twilio is not None:
        body = sms_body(catalogs, gateway.language)
        deliverers["sms"] = deliverers["wa"] = OutboxDeliverer(
            store, database_calls, outbox_wake, body
        )
        senders["sms"] = senders["wa"] = TwilioSender(settings.twilio, settings)
    telegram = None
    if settings.telegram is not None:
        telegram = TelegramChannel(
            settings.telegram,
            gateway,
            polling=settings.public_base_url is None,
            deliverer=OutboxDeliverer(
                store, database_calls, outbox_wake, lambda _, reply: telegram_body(reply)
            ),
            timeout=settings.provider_timeout_seconds,
        )
        deliverers["tg"] = telegram.deliverer
        senders["tg"] = telegram.sender

    async def tell_caseworker(contact: ContactView, error: str) -> None:
        await database_calls(app.state.handoffs.note_undelivered, contact.sender_id, error)

    outbox = OutboxRunner(
        store,
        database_calls,
        senders,
        dt.timedelta(seconds=settings.outbox_longest_wait_seconds),
        on_failed=tell_caseworker,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _announce_channels(settings)
        tasks = [
            asyncio.create_task(
                _repeat(RETRY_INTERVAL, lambda: gateway.retry_pending(deliverers), asyncio.Event())
            )
        ]
        handoffs: HandoffService = app.state.handoffs

        pruned_at = [0.0]

        def housekeeping() -> None:
            handoffs.escalate_unclaimed()
            handoffs.expire_forgotten()
            handoffs.forget_old(settings.handoff_retention_days)
            if time.monotonic() - pruned_at[0] > PRUNE_INTERVAL:  # a scan: once an hour
                pruned_at[0] = time.monotonic()
                keep = settings.conversation_retention_days
                prune_trackers(app.state.tracker_store, keep)
                prune_messages(sessions, keep)

        tasks.append(
            asyncio.create_task(
                _repeat(
                    HOUSEKEEPING_INTERVAL, lambda: asyncio.to_thread(housekeeping), asyncio.Event()
                )
            )
        )
        if senders:
            tasks.append(asyncio.create_task(_repeat(RETRY_INTERVAL, outbox.send_due, outbox_wake)))
        if telegram is not None:
            try:
                await telegram.start(settings)
            except Exception as error:  # the other channels keep working
                log.error("Telegram could not start: %s", error)
        _freeze_startup_objects()
        yield
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if telegram is not None:
            with contextlib.suppress(Exception):
                await telegram.stop()
        await rasa.close()
        if redis is not None:
            await redis.aclose()
        database_calls.close()
        engine.dispose()
        app.state.tracker_store.dispose()

    production = settings.environment == "production"
    app = FastAPI(  # no API pages in production: nothing to learn the surface from
        title="Wegwijs app service",
        lifespan=lifespan,
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
        openapi_url=None if production else "/openapi.json",
    )
    app.state.settings = settings
    app.state.catalogs = catalogs
    app.state.renderer = Renderer(load_responses(), catalogs, settings.default_language)
    app.state.sessions = sessions
    app.state.rasa = rasa
    app.state.channel_store = store
    app.state.tracker_store = make_engine(settings.tracker_store_url)
    app.state.gateway = gateway
    app.state.deliverers = deliverers
    app.state.outbox = outbox
    app.state.outbox_wake = outbox_wake
    app.state.handoffs = HandoffService(
        sessions, cipher, store, routing(), settings.public_base_url
    )
    gateway.handoffs = app.state.handoffs
    gateway.eraser = Eraser(sessions, app.state.tracker_store)
    app.state.telegram = telegram

    @app.get("/health")
    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "app"}

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({str(item["loc"][-1]) for item in error.errors() if item.get("loc")})
        return JSONResponse(
            {"error": "invalid request", "fields": fields},
            status_code=422,
        )

    app.include_router(metrics.router)
    app.include_router(statements.router)
    app.include_router(nlg_endpoint.router)
    app.include_router(chat_api.router)
    app.include_router(twilio_channel.router)
    app.include_router(telegram_channel.router)
    app.include_router(kiosk.router)
    app.include_router(inbox.router)
    app.include_router(internal_api.router)
    https = (settings.public_base_url or "").startswith("https://")
    app.add_middleware(
        SessionMiddleware,
        secret_key=hashlib.sha256(f"inbox-session:{settings.secret_key}".encode()).hexdigest(),
        session_cookie="wegwijs_inbox",
        max_age=8 * 3600,
        path="/inbox",
        same_site="strict",
        https_only=https,
    )
    app.add_middleware(SecurityHeaders, https=https)
    return app


def _announce_channels(settings: Settings) -> None:
    """Say once at start-up which channels are on, and why the others are off."""
    if settings.twilio is None:
        log.info("channels | SMS/WhatsApp off: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN not set")
    else:
        log.info("channels | SMS/WhatsApp on (Twilio API %s)", settings.twilio.api_base)
    if settings.telegram is None:
        log.info("channels | Telegram off: TELEGRAM_BOT_TOKEN not set")
    else:
        mode = "webhook" if settings.public_base_url else "polling"
        log.info("channels | Telegram on (%s mode)", mode)
    log.info("channels | kiosk on at /kiosk (%s)", settings.kiosk.library)
