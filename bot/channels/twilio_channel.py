"""SMS and WhatsApp through Twilio: the signed webhooks, and the sender the outbox
(bot/channels/outbox.py) uses, with the real `twilio` client: on WhatsApp only inside the
24-hour window (outside it: the approved template, or nothing).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.outbox import Outcome
from bot.channels.store import ContactView, now
from bot.channels.text_format import Reply, numbered
from bot.db.calls import DatabaseBusyError
from bot.db.models import OutboxMessage
from bot.i18n.catalogs import MessageCatalogs
from bot.shared.settings import Settings, TwilioSettings

log = logging.getLogger(__name__)

WHATSAPP_WINDOW = dt.timedelta(hours=24)
MESSAGE_SID = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{8,62}$")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
router = APIRouter()


def channel_of(sender: str) -> str:
    return "wa" if sender.startswith("whatsapp:") else "sms"


def public_url(request: Request, settings: Settings) -> str:
    """The URL Twilio signed: the public one when the service runs behind a proxy."""
    if settings.public_base_url is None:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{settings.public_base_url}{request.url.path}{query}"


def sms_body(
    catalogs: MessageCatalogs, language_of: Callable[[ContactView], str]
) -> Callable[[ContactView, Reply], str]:
    """An SMS or WhatsApp text: the reply with its choices numbered ("Stuur 1 of 2")."""

    def body(contact: ContactView, reply: Reply) -> str:
        return numbered(reply, contact.channel, language_of(contact), catalogs)

    return body


class TwilioSender:
    """Sends one outbox message through the Twilio Messages API, with a timeout."""

    def __init__(self, config: TwilioSettings, settings: Settings) -> None:
        self.config = config
        self.status_callback = (
            f"{settings.public_base_url}/channels/twilio/status"
            if settings.public_base_url
            else None
        )
        http = TwilioHttpClient(timeout=settings.provider_timeout_seconds)
        self.client = Client(config.account_sid, config.auth_token, http_client=http)
        self.client.api.base_url = config.api_base

    async def send(self, message: OutboxMessage, contact: ContactView, body: str) -> Outcome:
        args: dict[str, Any] = {"to": contact.address}
        if self.status_callback:
            args["status_callback"] = self.status_callback
        if contact.channel == "wa":
            args["from_"] = self.config.whatsapp_from
            last = contact.last_inbound_at
            if last is None or now() - last > WHATSAPP_WINDOW:
                if not self.config.whatsapp_template_sid:
                    return Outcome.refused("outside the WhatsApp 24-hour window")
                args["content_sid"] = self.config.whatsapp_template_sid
            else:
                args["body"] = body
        else:
            args["from_"] = self.config.sms_from
            args["body"] = body
        if not args["from_"]:
            return Outcome.refused(f"no sender number for {contact.channel}")
        try:  # the twilio client blocks: in a thread, so the event loop goes on
            sent = await asyncio.to_thread(self.client.messages.create, **args)
        except TwilioRestException as error:
            permanent = 400 <= error.status < 500 and error.status not in (408, 429)
            return Outcome.failed(f"{error.status} {error.msg}", permanent)
        except (TwilioException, RequestException) as error:
            return Outcome.failed(str(error) or type(error).__name__)
        return Outcome.sent(getattr(sent, "sid", None))


def _validator(request: Request) -> RequestValidator | None:
    config: TwilioSettings | None = request.app.state.settings.twilio
    return RequestValidator(config.auth_token) if config else None


async def _signed_form(request: Request) -> dict[str, str] | Response:
    validator = _validator(request)
    if validator is None:
        return JSONResponse({"error": "the Twilio channel is off"}, status_code=404)
    try:
        form = await request.form()
    except Exception:  # any unreadable body is the sender's problem
        return JSONResponse({"error": "unreadable form"}, status_code=400)
    params = {key: str(value) for key, value in form.items()}
    signature = request.headers.get("X-Twilio-Signature", "")
    url = public_url(request, request.app.state.settings)
    if not signature or not validator.validate(url, params, signature):
        log.warning("Twilio request with a wrong signature refused")
        return JSONResponse({"error": "invalid signature"}, status_code=403)
    return params


@router.post("/channels/twilio")
async def inbound(request: Request) -> Response:
    params = await _signed_form(request)
    if isinstance(params, Response):
        return params
    sender, sid = params.get("From", ""), params.get("MessageSid", "")
    if not sender or not sid:
        return JSONResponse({"error": "From and MessageSid are required"}, status_code=400)
    if not MESSAGE_SID.match(sid):  # Twilio's own are "SM" or "MM" and 32 hex digits
        log.warning("a Twilio request with an unusual MessageSid refused")
        return JSONResponse({"error": "MessageSid is not one of Twilio's"}, status_code=400)
    state = request.app.state
    num_media = params.get("NumMedia", "0") or "0"
    media = (not num_media.isdigit() or int(num_media) > 0) or "Latitude" in params
    try:
        await state.gateway.handle(
            channel_of(sender),
            sid,
            sender,
            params.get("Body", ""),
            state.deliverers[channel_of(sender)],
            media=media,
        )
    except DatabaseBusyError:  # not stored: Twilio sends it again after a 5xx
        log.error("a Twilio message could not be stored; asking Twilio to send it again")
        return Response(status_code=503, headers={"Retry-After": "5"})
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/channels/twilio/status")
async def delivery_status(request: Request) -> Response:
    params = await _signed_form(request)
    if isinstance(params, Response):
        return params
    sid, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
    if not sid or not status:
        return JSONResponse({"error": "MessageSid and MessageStatus are required"}, 400)
    error = params.get("ErrorCode")
    known = await request.app.state.gateway.db(
        request.app.state.channel_store.delivery_status, sid, status[:20], error
    )
    return Response(status_code=204 if known else 404)
