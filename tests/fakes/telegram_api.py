"""A stub of the Telegram Bot API for python-telegram-bot: getMe, sendMessage,
answerCallbackQuery, setWebhook, deleteWebhook and getUpdates (from a queue)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.fakes.servers import wait_for_messages

BOT = {"id": 4242, "is_bot": True, "first_name": "Wegwijs", "username": "wegwijs_test_bot"}


@dataclass
class FakeTelegram:
    token: str = "4242:test-token"
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    down_until: float = 0.0  # time.monotonic(): sendMessage answers 502 until then
    failed_sends: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def down_for(self, seconds: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + seconds

    def queue(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append(update)

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [message for message in self.sent if message["chat_id"] == chat_id]

    def wait_for(self, chat_id: int, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        return wait_for_messages(self.sent_to, chat_id, count, timeout)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def call(token: str, method: str, request: Request) -> JSONResponse:
            if token != self.token:
                return JSONResponse({"ok": False, "error_code": 401, "description": "no"}, 401)
            form = {key: str(value) for key, value in (await request.form()).items()}
            with self.lock:
                self.calls.append(method)
                down = method == "sendMessage" and time.monotonic() < self.down_until
                self.failed_sends += 1 if down else 0
            if down:
                failure = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                return JSONResponse(failure, 502)
            return JSONResponse({"ok": True, "result": self._answer(method, form)})

        return app

    def _answer(self, method: str, form: dict[str, str]) -> Any:
        if method == "getMe":
            return BOT
        if method == "sendMessage":
            chat_id = int(form["chat_id"])
            markup = json.loads(form["reply_markup"]) if "reply_markup" in form else None
            with self.lock:
                self.sent.append({"chat_id": chat_id, "text": form["text"], "markup": markup})
                number = len(self.sent)
            return {
                "message_id": number,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": form["text"],
                "from": BOT,
            }
        if method == "getUpdates":
            with self.lock:
                updates, self.updates = self.updates, []
            if not updates:
                time.sleep(0.2)
            return updates
        if method == "setWebhook":
            self.webhook = form
            return True
        return True  # deleteWebhook, answerCallbackQuery, close, logOut
