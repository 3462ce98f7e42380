"""The app's private API for the action server: the app owns the database and the secret.

`/internal/*` answers only requests from the private network (loopback or a private
address, and not through the public proxy, which adds forwarding headers) that carry the
token derived from the secret (`Settings.internal_api_token`).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from bot.handoff.service import HandoffRequest, HandoffService
from bot.shared.number_sealing import public_key, seal, unseal
from bot.shared.phones import phone_number, spoken
from bot.shared.sealed_numbers import masked
from bot.shared.settings import Settings

log = logging.getLogger(__name__)
FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")


def private_caller(request: Request) -> None:
    """Refuse anyone but the action server on the private network, with the token."""
    host = request.client.host if request.client else ""
    try:
        private = ipaddress.ip_address(host).is_private
    except ValueError:
        private = False
    proxied = any(name in request.headers for name in FORWARDING_HEADERS)
    if not private or proxied:
        raise HTTPException(status_code=404)
    expected = f"Bearer {request.app.state.settings.internal_api_token}"
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401)


router = APIRouter(prefix="/internal", dependencies=[Depends(private_caller)])
Conversation = Annotated[str, Field(min_length=1, max_length=255)]


class Line(BaseModel):
    who: Literal["user", "bot"]
    text: str = Field(max_length=2000)


class NewHandoff(BaseModel):
    conversation: Conversation
    agency: str | None = Field(default=None, max_length=20)
    gemeente: str | None = Field(default=None, max_length=80)
    topic: str | None = Field(default=None, max_length=40)
    benefits: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=20)
    question: str = Field(default="", max_length=2000)
    way: Literal["sms", "whatsapp", "call"]
    number: str = Field(max_length=400)  # sealed by Rasa's REST channel or by the app
    language: Literal["nl", "en"] = "nl"
    transcript: list[Line] = Field(default=[], max_length=200)


class SealedNumber(BaseModel):
    sealed: str = Field(max_length=400)


def _opened(sealed: str, settings: Settings) -> str | None:
    return unseal(sealed, (settings.secret_key, *settings.previous_secret_keys))


def _for_rasa(number: str, settings: Settings) -> dict[str, str]:
    """A checked number as Rasa's side may keep it: sealed again, and masked to show."""
    return {
        "sealed": seal(number, public_key(settings.secret_key)),
        "shown": masked(spoken(number)),
    }


def _handoffs(request: Request) -> HandoffService:
    service: HandoffService = request.app.state.handoffs
    return service


@router.post("/handoffs", status_code=201)
async def create_handoff(
    new: NewHandoff, request: Request, response: Response
) -> dict[str, object]:
    """Store a handoff the person confirmed; the reference, the promise and office hours."""
    opened = _opened(new.number, request.app.state.settings)
    number = phone_number(opened, from_carrier=True) if opened else None
    if number is None:
        raise HTTPException(status_code=422, detail="not a phone number")
    handoffs = _handoffs(request)
    try:
        existing = await asyncio.to_thread(handoffs.open_reference, new.conversation)
        if existing is not None:  # asking twice makes one handoff
            response.status_code = 200
            return {"reference": existing, "already": True}
        made = await asyncio.to_thread(
            handoffs.create,
            HandoffRequest(
                conversation=new.conversation,
                agency=new.agency if new.agency in handoffs.routing.agencies else None,
                gemeente=new.gemeente,
                topic=new.topic,
                benefits=tuple(new.benefits),
                question=new.question,
                way=new.way,
                number=number,
                language=new.language,
                transcript=tuple((line.who, line.text) for line in new.transcript),
            ),
        )
    except SQLAlchemyError as error:
        log.error("a handoff could not be stored: %s", error)
        raise HTTPException(status_code=503, detail="not stored") from error
    return {
        "reference": made.reference,
        "already": False,
        "respond_within_days": made.team.respond_within_days,
        "open_now": made.open_now,
        "opens_day": made.opens_at.date().isoformat(),
        "opens_time": made.opens_at.strftime("%H:%M"),
    }


@router.get("/conversations/{conversation}/handoff")
async def open_handoff(conversation: Conversation, request: Request) -> dict[str, str | None]:
    reference = await asyncio.to_thread(_handoffs(request).open_reference, conversation)
    return {"reference": reference}


@router.get("/contacts/{conversation}/number")
async def own_number(conversation: Conversation, request: Request) -> dict[str, str]:
    """The number an SMS/WhatsApp conversation comes from, sealed, for the handoff."""
    address = await asyncio.to_thread(_handoffs(request).store.number_of, conversation)
    number = phone_number(address, from_carrier=True) if address else None
    if number is None:
        raise HTTPException(status_code=404)
    return _for_rasa(number, request.app.state.settings)


@router.post("/numbers/check")
async def check_number(given: SealedNumber, request: Request) -> dict[str, str]:
    """Open a number Rasa's REST channel sealed: 422 when it is no valid phone number."""
    opened = _opened(given.sealed, request.app.state.settings)
    number = phone_number(opened) if opened else None
    if number is None:
        raise HTTPException(status_code=422, detail="not a phone number")
    return _for_rasa(number, request.app.state.settings)
