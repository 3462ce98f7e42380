"""A plain JSON chat endpoint: used by `make chat`, `make bench` and local tools.

Like every channel it goes through the gateway (stored once per message id, rate limit,
a caseworker's takeover, kept while Rasa is down). Replies go to a mailbox that the
request takes when the gateway is done; replies that came later (after an outage) come
with the next request. Sender ids are namespaced as `chat:`. In production it needs
`Authorization: Bearer <WEGWIJS_CHAT_API_TOKEN>`, and is off without that setting: it must
not be a public way to start handoffs.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.channels.gateway import Gateway
from bot.channels.mailbox_delivery import MailboxDeliverer
from bot.db.calls import DatabaseBusyError

log = logging.getLogger(__name__)
CHANNEL = "chat"
MAX_MESSAGE_LENGTH = 1000
# What became of a message, as the HTTP status the client gets with the replies.
STATUS = {"kept": 503, "limited": 429}

router = APIRouter()


class ChatMessage(BaseModel):
    sender: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_LENGTH)]
    language: Annotated[str | None, Field(pattern=r"^(nl|en)$")] = None
    # Sent again with the same id, a message is answered once.
    message_id: Annotated[str | None, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = None


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
    gateway: Gateway = state.gateway
    deliverer: MailboxDeliverer = state.deliverers[CHANNEL]
    external_id = f"{body.sender}:{body.message_id or secrets.token_hex(12)}"
    try:
        outcome = await gateway.handle(
            CHANNEL, external_id, body.sender, body.message, deliverer, language=body.language
        )
    except DatabaseBusyError:  # not stored: the client may send it again (same message id)
        language = body.language or state.settings.default_language
        text = state.catalogs.text("error.unavailable", language)
        return JSONResponse({"messages": [{"text": text, "buttons": []}]}, status_code=503)
    messages = await deliverer.take(body.sender)
    return JSONResponse({"messages": messages}, status_code=STATUS.get(outcome, 200))
