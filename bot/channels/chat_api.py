"""A plain JSON chat endpoint: used by `make chat`, `make bench` and local tools.

It is the simplest channel: no signatures, sender ids namespaced as `chat:`. In production
it needs `Authorization: Bearer <WEGWIJS_CHAT_API_TOKEN>`, and is off without that setting:
it must not be a public way to start handoffs.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.channels.conversations import record_message
from bot.channels.rasa_client import RasaUnavailableError

log = logging.getLogger(__name__)
CHANNEL = "chat"
MAX_MESSAGE_LENGTH = 1000

router = APIRouter()


class ChatMessage(BaseModel):
    sender: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)]
    language: Annotated[str | None, Field(pattern=r"^(nl|en)$")] = None


def _allowed(request: Request) -> JSONResponse | None:
    settings = request.app.state.settings
    if settings.environment != "production":
        return None
    if settings.chat_api_token is None:
        return JSONResponse({"error": "the chat API is off"}, status_code=404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), settings.chat_api_token.encode()):
        log.warning("a chat API request without its token refused")
        return JSONResponse({"error": "a token is required"}, status_code=401)
    return None


@router.post("/api/messages")
async def post_message(body: ChatMessage, request: Request) -> JSONResponse:
    refused = _allowed(request)
    if refused is not None:
        return refused
    state = request.app.state
    sender_id = f"{CHANNEL}:{body.sender}"
    metadata: dict[str, Any] = {"channel": CHANNEL}
    if body.language:
        metadata["language"] = body.language
    await run_in_threadpool(
        record_message, state.sessions, state.settings.secret_key, sender_id, CHANNEL
    )
    try:
        replies = await state.rasa.send(sender_id, body.message.strip(), metadata)
    except RasaUnavailableError:
        language = body.language or state.settings.default_language
        text = state.catalogs.text("error.unavailable", language)
        return JSONResponse({"messages": [{"text": text, "buttons": []}]}, status_code=503)
    return JSONResponse({"messages": [_reply(reply) for reply in replies]})


def _reply(reply: dict[str, Any]) -> dict[str, Any]:
    return {"text": reply.get("text", ""), "buttons": reply.get("buttons") or []}
