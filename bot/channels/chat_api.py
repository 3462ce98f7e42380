"""A plain JSON chat endpoint: used by `make chat`, `make bench` and local tools.

It is the simplest channel: no signatures, sender ids namespaced as `chat:`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.channels.conversations import record_message
from bot.channels.rasa_client import RasaUnavailableError

CHANNEL = "chat"
MAX_MESSAGE_LENGTH = 1000

router = APIRouter()


class ChatMessage(BaseModel):
    sender: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)]
    language: Annotated[str | None, Field(pattern=r"^(nl|en)$")] = None


@router.post("/api/messages")
async def post_message(body: ChatMessage, request: Request) -> JSONResponse:
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
