"""A fake of Twilio's Messages API: records what the real `twilio` client sends, checks its
credentials, and fails on demand to test retries: a number of failures in a row, an outage
(every call 503 until a moment), or calls that hang (never answered in time, not sent)."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.servers import wait_for_messages


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "test-auth-token-" + "x" * 16
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    attempts: int = 0
    down_until: float = 0.0  # time.monotonic(): every call fails with 503 until then
    hangs: int = 0  # the next calls that hang for `hang_seconds` and then fail
    hang_seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)

    def down_for(self, seconds: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + seconds

    def hang_next(self, count: int = 1, seconds: float = 30.0) -> None:
        with self.lock:
            self.hangs, self.hang_seconds = count, seconds

    def sent_to(self, to: str) -> list[dict[str, Any]]:
        with self.lock:
            return [message for message in self.messages if message["to"] == to]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        return wait_for_messages(self.sent_to, to, count, timeout)

    def app(self) -> FastAPI:
        app = FastAPI()
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )

        @app.post("/2010-04-01/Accounts/{account}/Messages.json")
        async def create(account: str, request: Request) -> JSONResponse:
            if request.headers.get("Authorization") != expected or account != self.account_sid:
                return JSONResponse({"code": 20003, "message": "Authenticate", "status": 401}, 401)
            form = {key: str(value) for key, value in (await request.form()).items()}
            with self.lock:
                self.attempts += 1
                hang = self.hangs > 0
                self.hangs -= 1 if hang else 0
            if hang:  # a request that hangs: the client must give up on its own
                await asyncio.sleep(self.hang_seconds)
                return JSONResponse({"code": 20500, "message": "hung", "status": 503}, 503)
            with self.lock:
                if time.monotonic() < self.down_until:
                    return JSONResponse({"code": 20500, "message": "outage", "status": 503}, 503)
                if self.failures:
                    status = self.failures.pop(0)
                    return JSONResponse(
                        {"code": 20500, "message": "fake failure", "status": status}, status
                    )
                message = {
                    "sid": "SM" + uuid.uuid4().hex,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "content_sid": form.get("ContentSid"),
                    "status_callback": form.get("StatusCallback"),
                }
                self.messages.append(message)
            return JSONResponse(
                {
                    "sid": message["sid"],
                    "account_sid": self.account_sid,
                    "to": message["to"],
                    "from": message["from"],
                    "body": message["body"],
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                },
                status_code=201,
            )

        return app
