"""Several Rasa replicas (`WEGWIJS_RASA_URLS`): each conversation goes to one of them, by
consistent hashing on its sender id, so the same person always talks to the same replica
(Rasa 3.6's Redis lock store is not safe across replicas). A replica that does not answer
is passed over for a few seconds: its conversations go to the next replica on the ring
(they share the tracker store, so nothing is lost), and the others stay where they are.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.channels.rasa_client import RasaClient, RasaUnavailableError

T = TypeVar("T")
log = logging.getLogger(__name__)
POINTS_PER_REPLICA = 64
DOWN_FOR_SECONDS = 5.0


def _point(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


class RasaReplicas:
    """The same calls as RasaClient, each routed to the sender's replica."""

    def __init__(self, clients: Sequence[tuple[str, RasaClient]]) -> None:
        self.clients = dict(clients)
        self._ring = sorted(
            (_point(f"{url}#{n}"), url) for url in self.clients for n in range(POINTS_PER_REPLICA)
        )
        self._points = [point for point, _ in self._ring]
        self._down_until: dict[str, float] = {}

    def order_for(self, sender_id: str) -> list[str]:
        """The replicas in the order this sender tries them: its own first."""
        start = bisect.bisect(self._points, _point(sender_id)) % len(self._ring)
        order: list[str] = []
        for index in range(len(self._ring)):
            url = self._ring[(start + index) % len(self._ring)][1]
            if url not in order:
                order.append(url)
        return order

    def replica_for(self, sender_id: str) -> str:
        """The replica that answers this sender now (its own, unless that one is down)."""
        order = self.order_for(sender_id)
        return next((url for url in order if not self._is_down(url)), order[0])

    def _is_down(self, url: str) -> bool:
        return self._down_until.get(url, 0.0) > time.monotonic()

    async def _routed(self, sender_id: str, call: Callable[[RasaClient], Awaitable[T]]) -> T:
        order = self.order_for(sender_id)
        tries = [url for url in order if not self._is_down(url)] or order
        error: RasaUnavailableError | None = None
        for url in tries:
            try:
                result = await call(self.clients[url])
            except RasaUnavailableError as failed:
                self._down_until[url] = time.monotonic() + DOWN_FOR_SECONDS
                error = failed
                continue
            self._down_until.pop(url, None)
            log.debug("answered by Rasa replica %d", list(self.clients).index(url))
            return result
        assert error is not None
        raise error

    async def send(
        self, sender_id: str, text: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return await self._routed(sender_id, lambda c: c.send(sender_id, text, metadata))

    async def slots(self, sender_id: str) -> dict[str, Any]:
        return await self._routed(sender_id, lambda c: c.slots(sender_id))

    async def transcript(self, sender_id: str) -> list[tuple[str, str]]:
        return await self._routed(sender_id, lambda c: c.transcript(sender_id))

    async def forget(self, sender_id: str) -> None:
        await self._routed(sender_id, lambda c: c.forget(sender_id))

    async def healthy(self) -> bool:
        """At least one replica answers, with the action server behind it."""
        for url, client in self.clients.items():
            if await client.healthy():
                self._down_until.pop(url, None)
                return True
        return False

    async def close(self) -> None:
        for client in self.clients.values():
            await client.close()
