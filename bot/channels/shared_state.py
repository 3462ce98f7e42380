"""What several app processes must share, in Redis when `WEGWIJS_LOCK_STORE=redis`: the
per-sender rate limit and the reply mailboxes of the kiosk and the chat API. The embedded
default keeps them in the process (one app process), with the same interface.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict, deque
from typing import Any

from redis.asyncio import Redis

WINDOW_SECONDS = 60
MAILBOX_KEEP_SECONDS = 600  # replies nobody fetched go after 10 minutes


class MemoryRateLimiter:
    """At most `per_minute` messages per sender in any 60 seconds (in this process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._warned: dict[str, float] = {}

    async def allow(self, sender: str) -> bool:
        moment = time.monotonic()
        window = self._seen[sender]
        while window and moment - window[0] > WINDOW_SECONDS:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(moment)
        return True

    async def first_refusal(self, sender: str) -> bool:
        """True once per minute of refusals, so the warning is not itself a flood."""
        moment = time.monotonic()
        if moment - self._warned.get(sender, -120.0) > WINDOW_SECONDS:
            self._warned[sender] = moment
            return True
        return False


class RedisRateLimiter:
    """The same sliding window, in a Redis sorted set per sender: every app process counts."""

    def __init__(self, redis: Redis, per_minute: int) -> None:
        self.redis = redis
        self.per_minute = per_minute

    async def allow(self, sender: str) -> bool:
        key, moment = f"wegwijs:rate:{sender}", time.time()
        member = f"{moment:.6f}:{secrets.token_hex(4)}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, 0, moment - WINDOW_SECONDS)
            pipe.zadd(key, {member: moment})
            pipe.zcard(key)
            pipe.expire(key, WINDOW_SECONDS + 1)
            _, _, count, _ = await pipe.execute()
        if int(count) > self.per_minute:
            await self.redis.zrem(key, member)
            return False
        return True

    async def first_refusal(self, sender: str) -> bool:
        return bool(await self.redis.set(f"wegwijs:warned:{sender}", 1, nx=True, ex=WINDOW_SECONDS))


class MemoryMailboxes:
    """Replies per mailbox, in this process; a box nobody fetched goes after 10 minutes."""

    def __init__(self) -> None:
        self._boxes: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    async def put(self, box: str, replies: list[dict[str, Any]]) -> None:
        moment = time.monotonic()
        for stale in [
            k for k, (at, _) in self._boxes.items() if moment - at > MAILBOX_KEEP_SECONDS
        ]:
            del self._boxes[stale]
        kept = self._boxes.get(box, (moment, []))[1]
        self._boxes[box] = (moment, [*kept, *replies])

    async def take(self, box: str) -> list[dict[str, Any]]:
        return self._boxes.pop(box, (0.0, []))[1]

    async def forget(self, box: str) -> None:
        self._boxes.pop(box, None)


class RedisMailboxes:
    """A list per mailbox: the kiosk page or chat client may fetch from any app process."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def put(self, box: str, replies: list[dict[str, Any]]) -> None:
        if not replies:
            return
        key = f"wegwijs:mailbox:{box}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *(json.dumps(reply) for reply in replies))
            pipe.expire(key, MAILBOX_KEEP_SECONDS)
            await pipe.execute()

    async def take(self, box: str) -> list[dict[str, Any]]:
        key = f"wegwijs:mailbox:{box}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            stored, _ = await pipe.execute()
        return [json.loads(item) for item in stored]

    async def forget(self, box: str) -> None:
        await self.redis.delete(f"wegwijs:mailbox:{box}")
