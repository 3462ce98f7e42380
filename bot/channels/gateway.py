"""One inbound path for every channel: store (de-duplicated), check, rate-limit, forward to
Rasa under a namespaced sender id, and hand the replies to the channel's deliverer.

When Rasa or the action server is down the message stays stored as pending, the person is
told once that an answer will follow, and `retry_pending` answers it when Rasa is back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, Protocol

from bot.channels.rasa_client import RasaClient, RasaUnavailableError
from bot.channels.rasa_replicas import RasaReplicas
from bot.channels.shared_state import MemoryRateLimiter, RedisRateLimiter
from bot.channels.store import ChannelStore, ContactView, Received
from bot.channels.text_format import Option, Reply, match_option, replies_from_rasa
from bot.db.calls import DatabaseCalls
from bot.i18n.catalogs import MessageCatalogs
from bot.i18n.language import detect_language
from bot.logs import CONVERSATION
from bot.metrics import TURN_SECONDS, TURNS
from bot.shared.number_sealing import unseal
from bot.shared.text_keys import N_

log = logging.getLogger(__name__)
# Seconds the last Rasa call of this request took (the kiosk reports it as Server-Timing,
# so `make bench` can tell the gateway's own time from Rasa's).
RASA_SECONDS: ContextVar[float] = ContextVar("rasa_seconds", default=0.0)

MAX_MESSAGE_LENGTH = 1000
STOP_WORDS = frozenset({"stop", "stoppen", "afmelden", "unsubscribe", "uitschrijven"})
START_WORDS = frozenset({"start", "aanmelden"})
# "Wis mijn gegevens": asked to confirm with two options, then everything is erased.
ERASE_WORDS = frozenset(
    {
        "wis mijn gegevens", "verwijder mijn gegevens", "wis alles", "wis mijn data",
        "delete my data", "erase my data", "delete my information", "forget me",
    }
)  # fmt: skip
ERASE_YES, ERASE_NO = "/erase_confirm", "/erase_cancel"
LANGUAGE_PAYLOAD = re.compile(r'^/switch_language\{"language": ?"(nl|en)"\}$')
# "/intent" or "/intent{...}": Rasa reads it as that intent, not as words.
PAYLOAD = re.compile(r"^/([A-Za-z_]+)(\{.*\})?$", re.S)
# Rasa's own intents: typed by a person ("/session_start", "/restart") they would reset
# the conversation or leave the person without an answer.
RASA_INTENTS = frozenset({"session_start", "restart", "back", "nlu_fallback"})
CHANNEL_NAMES = {"wa": "whatsapp", "sms": "sms", "tg": "telegram", "kiosk": "kiosk", "chat": "chat"}


class Deliverer(Protocol):
    """Sends replies on one channel (Twilio outbox, Telegram Bot API, kiosk response)."""

    async def deliver(
        self, contact: ContactView, replies: list[Reply], kind: str = "reply"
    ) -> None: ...


class Erase(Protocol):
    """Erases a person everywhere (bot/privacy implements it; channels never import it)."""

    def erase(self, sender_id: str, actor: str = "person", keep_contact: bool = False) -> Any: ...


class TakeOver(Protocol):
    """A human takeover (bot/handoff implements it; channels never import it)."""

    def taken_over(self, conversation: str) -> int | None: ...

    def record(self, handoff_id: int, direction: str, text: str) -> None: ...


class Gateway:
    def __init__(
        self,
        store: ChannelStore,
        rasa: RasaClient | RasaReplicas,
        catalogs: MessageCatalogs,
        default_language: str,
        per_minute: int,
        db: DatabaseCalls | None = None,
        intents: frozenset[str] = frozenset(),
        limiter: MemoryRateLimiter | RedisRateLimiter | None = None,
        secret_keys: Sequence[str] = (),
    ) -> None:
        self.store = store
        self.db = db or DatabaseCalls()
        self.rasa = rasa
        self.catalogs = catalogs
        self.default_language = default_language
        self.limiter = limiter or MemoryRateLimiter(per_minute)
        self.intents = intents - RASA_INTENTS  # what a typed "/intent" may name
        self.secret_keys = tuple(secret_keys)  # open the numbers Rasa holds sealed
        self._lock = asyncio.Lock()  # one retry round at a time
        # Set by the app: while a caseworker has taken over, messages go to the inbox.
        self.handoffs: TakeOver | None = None
        self.eraser: Erase | None = None  # set by the app: "wis mijn gegevens"

    def language(self, contact: ContactView, text: str = "") -> str:
        return detect_language(text) or contact.language or self.default_language

    def notice(self, key: str, language: str) -> list[Reply]:
        return [Reply(self.catalogs.text(key, language))]

    async def handle(
        self,
        channel: str,
        external_id: str,
        address: str,
        text: str,
        deliverer: Deliverer,
        *,
        media: bool = False,
        language: str | None = None,
    ) -> str:
        """Everything that happens to one inbound message; never raises for bad input.

        Returns what became of it: "answered", "kept" (it waits for Rasa and will be
        answered), "duplicate", or the status it was closed with ("limited", "refused",
        "to_caseworker", "stop" …). `language` is a language the client chose.

        Raises DatabaseBusyError only when the message could not be stored (the channel
        then asks the provider to send it again); once stored, nothing is lost: a failure
        after that leaves it pending, and `retry_pending` answers it.
        """
        text = text.replace("\x00", "").strip()
        received = await self.db(
            self.store.receive,
            channel,
            external_id,
            address,
            text,
            language or detect_language(text),
        )
        if received.inbound_id is None:
            log.info("duplicate %s message ignored", channel)
            return "duplicate"
        try:
            return await self._after_storing(received, text, deliverer, media, language)
        except Exception:
            log.exception("handling a stored %s message failed; it stays pending", channel)
            return "kept"

    async def _after_storing(
        self,
        received: Received,
        text: str,
        deliverer: Deliverer,
        media: bool,
        chosen_language: str | None,
    ) -> str:
        contact, inbound_id = received.contact, received.inbound_id
        assert inbound_id is not None
        CONVERSATION.set(contact.sender_id)  # in every log line of this message
        language = chosen_language or self.language(contact, text)
        command = text.lower().strip(" .!")
        if command in STOP_WORDS:
            await self.db(self.store.set_opt_out, contact.id, True)
            await self.db(self.store.finish, inbound_id, "stop")
            return "stop"  # an opted-out person gets nothing, not even a confirmation
        if command in START_WORDS and contact.opted_out:
            await self.db(self.store.set_opt_out, contact.id, False)
            await self.db(self.store.finish, inbound_id, "start")
            await deliverer.deliver(contact, self.notice(N_("channel.restarted"), language))
            return "start"
        if contact.opted_out:
            await self.db(self.store.finish, inbound_id, "opted_out")
            return "opted_out"
        if self.eraser is not None and await self._erase_asked(
            contact, inbound_id, text, deliverer
        ):
            return "erase"
        problem = self._problem(text, media)
        if problem is not None:
            await self.db(self.store.finish, inbound_id, "refused")
            await deliverer.deliver(contact, self.notice(problem, language))
            return "refused"
        if not await self.limiter.allow(contact.sender_id):
            await self.db(self.store.finish, inbound_id, "limited")
            if await self.limiter.first_refusal(contact.sender_id):
                await deliverer.deliver(contact, self.notice(N_("channel.slow_down"), language))
            return "limited"
        if self.handoffs is not None:
            taken = await self.db(self.handoffs.taken_over, contact.sender_id)
            if taken is not None:  # a person answers now, not the bot
                await self.db(self.handoffs.record, taken, "in", text)
                await self.db(self.store.finish, inbound_id, "to_caseworker")
                return "to_caseworker"
        if received.waiting:
            return "kept"  # older messages wait for Rasa: retry_pending answers it after them
        answered = await self.process(
            contact, inbound_id, text, deliverer, first_try=True, language=chosen_language
        )
        return "answered" if answered else "kept"

    async def _erase_asked(
        self, contact: ContactView, inbound_id: int, text: str, deliverer: Deliverer
    ) -> bool:
        """ "Wis mijn gegevens", and the answer to "weet je het zeker?": True when handled."""
        language = self.language(contact, text)
        chosen = match_option(text, contact.options)
        if text.lower().strip(" .!?") in ERASE_WORDS:
            await self.db(self.store.finish, inbound_id, "erase_asked")
            options = [
                Option(self.catalogs.text(N_("privacy.erase.yes"), language), ERASE_YES),
                Option(self.catalogs.text(N_("privacy.erase.no"), language), ERASE_NO),
            ]
            await self.offer(contact, N_("privacy.erase.confirm"), options, deliverer)
            return True
        if chosen == ERASE_NO:
            await self.db(self.store.set_options, contact.id, [])
            await self.db(self.store.finish, inbound_id, "erase_cancelled")
            await deliverer.deliver(contact, self.notice(N_("privacy.erase.kept"), language))
            return True
        if chosen != ERASE_YES or self.eraser is None:
            return False
        queued = bool(getattr(deliverer, "queued", False))
        # Everything goes now; an SMS, WhatsApp or Telegram contact stays only to send the
        # message that says so, and goes when it is sent.
        await self.db(self.eraser.erase, contact.sender_id, "person", queued)
        await deliverer.deliver(
            contact, self.notice(N_("privacy.erase.done"), language), "farewell"
        )
        if not queued:
            await self.db(self.store.drop_contact, contact.id)
        log.info("a person's data was erased on request")
        return True

    @staticmethod
    def _problem(text: str, media: bool) -> str | None:
        if media and not text:
            return N_("channel.text_only")
        if not text:
            return N_("channel.empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            return N_("channel.too_long")
        return None

    async def process(
        self,
        contact: ContactView,
        inbound_id: int,
        text: str,
        deliverer: Deliverer,
        *,
        first_try: bool = False,
        language: str | None = None,
    ) -> bool:
        """Ask Rasa and deliver the answer; False (message kept) when Rasa is unavailable.
        `language`, chosen by the client, goes to Rasa with the message."""
        message = match_option(text, contact.options) or self.words_only(text)
        chosen = LANGUAGE_PAYLOAD.match(message)
        if chosen:  # remember it for the gateway's own notices
            await self.db(self.store.set_language, contact.id, chosen.group(1))
        metadata = {"channel": CHANNEL_NAMES.get(contact.channel, contact.channel)}
        if language:
            metadata["language"] = language
        started = time.perf_counter()
        try:
            answer = await self.rasa.send(contact.sender_id, message, metadata)
            if not answer and not await self.rasa.healthy():
                # Rasa answers nothing when the action server behind it is down.
                raise RasaUnavailableError("no answer, and Rasa or the action server is down")
        except RasaUnavailableError as error:
            log.warning("Rasa unavailable, message kept: %s", error)
            await self.db(self.store.failed_attempt, inbound_id)
            if first_try:
                told = language or self.language(contact, text)
                await deliverer.deliver(contact, self.notice(N_("channel.unavailable"), told))
            return False
        took = time.perf_counter() - started
        RASA_SECONDS.set(took)
        TURNS.labels(CHANNEL_NAMES.get(contact.channel, contact.channel)).inc()
        TURN_SECONDS.observe(took)
        replies = replies_from_rasa(answer, self.open_sealed)
        options = next((reply.options for reply in reversed(replies) if reply.options), [])
        # The options must be stored before the person can answer them: "1" means the
        # first button of the message they just got.
        await self.db(self.store.answered, inbound_id, contact.id, options)
        await deliverer.deliver(contact, replies)
        return True

    def open_sealed(self, sealed: str) -> str | None:
        return unseal(sealed, self.secret_keys) if self.secret_keys else None

    def words_only(self, text: str) -> str:
        """A typed "/intent" is only an intent when the domain has it and it is not one of
        Rasa's own; anything else is read as the words it is ("/foo" → "foo")."""
        if not text.startswith("/"):
            return text
        payload = PAYLOAD.match(text)
        if payload is not None and payload.group(1) in self.intents:
            return text
        return text.lstrip("/ ").strip() or "?"

    async def offer(
        self, contact: ContactView, key: str, options: list[Option], deliverer: Deliverer
    ) -> None:
        """A choice the gateway asks itself (e.g. the language); answers map like buttons."""
        await self.db(self.store.set_options, contact.id, options)
        await deliverer.deliver(
            contact, [Reply(self.catalogs.text(key, self.language(contact)), options)]
        )

    async def retry_pending(self, deliverers: dict[str, Deliverer]) -> int:
        """Answer kept messages once Rasa is back; returns how many were answered."""
        async with self._lock:
            pending = await self.db(self.store.pending)
            if not pending or not await self.rasa.healthy():
                return 0
            answered = 0
            for inbound_id, contact_id, text in pending:
                contact = await self.db(self.store.contact_by_id, contact_id)
                deliverer = deliverers.get(contact.channel) if contact else None
                if contact is None or deliverer is None:
                    await self.db(self.store.finish, inbound_id, "undeliverable")
                    continue
                if not await self.process(contact, inbound_id, text, deliverer):
                    break
                answered += 1
            return answered
