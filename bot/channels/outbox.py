"""Every SMS, WhatsApp and Telegram message goes out through the outbox: first a row in the
database, then the runner sends it with the provider's own client.

- Per person in order: a message that could not be sent holds back the next ones for that
  person only; other people's messages go on, a few people at a time.
- Every provider call has a timeout, so one hung request delays nobody else for long.
- A failed try is tried again with back-off (1, 2, 4 … s, at most every 5 minutes) for a
  day; a message that finally fails is noted in the person's handoff for the caseworker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.channels.store import OUTBOX_GIVE_UP_AFTER, ChannelStore, ContactView
from bot.channels.text_format import Reply
from bot.db.calls import DatabaseCalls
from bot.db.models import OutboxMessage
from bot.logs import CONVERSATION
from bot.metrics import OUTBOX_TRIES

log = logging.getLogger(__name__)
PEOPLE_AT_ONCE = 4
FAREWELL = "farewell"  # the last message to a person who asked to erase their data


@dataclass(frozen=True)
class Outcome:
    """What one try did: sent (with the provider's id), or not (why; permanent or not), or
    blocked (it must not be sent at all: opted out, outside the WhatsApp window)."""

    provider_id: str | None = None
    error: str | None = None
    permanent: bool = False
    blocked: bool = False

    @classmethod
    def sent(cls, provider_id: str | None) -> Outcome:
        return cls(provider_id=provider_id)

    @classmethod
    def failed(cls, error: str, permanent: bool = False) -> Outcome:
        return cls(error=error, permanent=permanent)

    @classmethod
    def refused(cls, reason: str) -> Outcome:
        return cls(error=reason, blocked=True)


class Sender(Protocol):
    """Sends one outbox message on one provider; never raises."""

    async def send(self, message: OutboxMessage, contact: ContactView, body: str) -> Outcome: ...


class OutboxDeliverer:
    """A channel's replies go into the outbox (in order); the runner sends them."""

    def __init__(
        self,
        store: ChannelStore,
        db: DatabaseCalls,
        wake: asyncio.Event,
        body_of: Callable[[ContactView, Reply], str],
    ) -> None:
        self.store = store
        self.db = db
        self.wake = wake
        self.body_of = body_of

    queued = True  # sent later by the runner (the gateway waits for nothing)

    async def deliver(
        self, contact: ContactView, replies: list[Reply], kind: str = "reply"
    ) -> None:
        for reply in replies:
            body = self.body_of(contact, reply)
            await self.db(self.store.enqueue, contact.id, contact.channel, body, kind)
        self.wake.set()


def telegram_body(reply: Reply) -> str:
    """A Telegram message keeps its buttons: text and option titles, as JSON."""
    return json.dumps({"text": reply.text, "options": [option.title for option in reply.options]})


class OutboxRunner:
    def __init__(
        self,
        store: ChannelStore,
        db: DatabaseCalls,
        senders: dict[str, Sender],
        longest_wait: dt.timedelta,
        on_failed: Callable[[ContactView, str], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.db = db
        self.senders = senders
        self.longest_wait = longest_wait
        self.on_failed = on_failed
        self._people = asyncio.Semaphore(PEOPLE_AT_ONCE)
        self._lock = asyncio.Lock()  # one round at a time

    async def send_due(self) -> int:
        """Send everything that is due now, per person in order; returns how many were sent."""
        async with self._lock:
            heads = await self.db(self.store.due)
            sent = await asyncio.gather(*(self._send_in_order(head) for head in heads))
            return sum(sent)

    async def _send_in_order(self, message: OutboxMessage | None) -> int:
        sent = 0
        async with self._people:
            while message is not None:
                if not await self._send(message):
                    return sent
                sent += 1
                message = await self.db(self.store.next_due, message.contact_id)
        return sent

    async def _send(self, message: OutboxMessage) -> bool:
        """One try; True when the next message of this person may go (sent or refused)."""
        if not await self.db(self.store.claim, message.id):
            return False  # another app process is sending it (and the ones after it)
        contact = await self.db(self.store.contact_by_id, message.contact_id)
        sender = self.senders.get(message.channel)
        if contact is None or sender is None:
            await self.db(self.store.block, message.id, "no contact or channel")
            return True
        if contact.opted_out:
            await self.db(self.store.block, message.id, "opted out")
            return True
        CONVERSATION.set(contact.sender_id)
        body = self.store.outbox_body(message)
        outcome = await sender.send(message, contact, body)
        result = "sent" if outcome.error is None else "blocked" if outcome.blocked else "failed"
        OUTBOX_TRIES.labels(message.channel, result).inc()
        if outcome.blocked:
            await self.db(self.store.block, message.id, outcome.error or "blocked")
            return True
        if outcome.error is None:
            await self.db(self.store.sent, message.id, outcome.provider_id)
            if message.kind == FAREWELL:  # "alles is gewist" went out: now the contact goes
                await self.db(self.store.drop_contact, message.contact_id)
            return True
        log.warning("outbox message %s not sent yet: %s", message.id, outcome.error)
        failed = await self.db(
            self.store.retry_later,
            message.id,
            outcome.error,
            outcome.permanent,
            OUTBOX_GIVE_UP_AFTER,
            self.longest_wait,
        )
        if not failed:
            return False  # the next ones of this person wait for this one
        log.error("outbox message %s failed for good: %s", message.id, outcome.error)
        if self.on_failed is not None and message.kind != "alert":
            await self.on_failed(contact, outcome.error)
        return True
