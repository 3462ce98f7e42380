"""Replies kept for a page or client that fetches them: the kiosk and the chat API.

The gateway delivers into a mailbox; the request that brought the message takes what is
there when the gateway is done, and a later request (or the kiosk's polling) takes replies
that came after an outage. The mailboxes are in the process, or in Redis for several app
processes; each channel has its own, so a kiosk session and a chat sender never meet.
"""

from __future__ import annotations

from typing import Any

from bot.channels.shared_state import MemoryMailboxes, RedisMailboxes
from bot.channels.store import ContactView
from bot.channels.text_format import Reply


class MailboxDeliverer:
    def __init__(self, box: str, mailboxes: MemoryMailboxes | RedisMailboxes | None = None) -> None:
        self.box = box
        self.mailboxes = mailboxes or MemoryMailboxes()

    def _key(self, address: str) -> str:
        return f"{self.box}:{address}"

    async def deliver(
        self, contact: ContactView, replies: list[Reply], kind: str = "reply"
    ) -> None:
        await self.mailboxes.put(
            self._key(contact.address),
            [
                {
                    "text": reply.text,
                    "buttons": [{"title": o.title, "payload": o.payload} for o in reply.options],
                }
                for reply in replies
            ],
        )

    async def take(self, address: str) -> list[dict[str, Any]]:
        return await self.mailboxes.take(self._key(address))

    async def forget(self, address: str) -> None:
        await self.mailboxes.forget(self._key(address))
