"""SMS and WhatsApp through Twilio: the signed webhooks, and the outbox that sends replies
with the real `twilio` client, retrying with back-off, never to an opted-out number, and on
WhatsApp only inside the 24-hour window (outside it: the approved template, or nothing).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from requests.exceptions import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels.gateway import Gateway
from bot.channels.store import ChannelStore, ContactView, now
from bot.channels.text_format import Reply, numbered
from bot.db.models import OutboxMessage
from bot.i18n.catalogs import MessageCatalogs
from bot.shared.settings import Settings, TwilioSettings

log = logging.getLogger(__name__)

WHATSAPP_WINDOW = dt.timedelta(hours=24)
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


class TwilioDeliverer:
    """Replies go into the outbox; the sender task sends them."""

    def __init__(self, store: ChannelStore, gateway: Gateway, wake: asyncio.Event) -> None:
        self.store = store
        self.gateway = gateway
        self.catalogs: MessageCatalogs = gateway.catalogs
        self.wake = wake

    async def deliver(self, contact: ContactView, replies: list[Reply]) -> None:
        language = self.gateway.language(contact)
        for reply in replies:
            body = numbered(reply, contact.channel, language, self.catalogs)
            await self.gateway.db(self.store.enqueue, contact.id, contact.channel, body)
        self.wake.set()


class TwilioSender:
    """Sends due outbox messages through the Twilio Messages API."""

    def __init__(self, config: TwilioSettings, store: ChannelStore, settings: Settings) -> None:
        self.config = config
        self.store = store
        self.status_callback = (
            f"{settings.public_base_url}/channels/twilio/status"
            if settings.public_base_url
            else None
        )
        self.client = Client(config.account_sid, config.auth_token)
        self.client.api.base_url = config.api_base

    def _send(self, message: OutboxMessage, contact: ContactView) -> None:
        args: dict[str, Any] = {"to": contact.address}
        if self.status_callback:
            args["status_callback"] = self.status_callback
        if contact.channel == "wa":
            args["from_"] = self.config.whatsapp_from
            last = contact.last_inbound_at
            if last is None or now() - last > WHATSAPP_WINDOW:
                if not self.config.whatsapp_template_sid:
                    self.store.block(message.id, "outside the WhatsApp 24-hour window")
                    return
                args["content_sid"] = self.config.whatsapp_template_sid
            else:
                args["body"] = self.store.outbox_body(message)
        else:
            args["from_"] = self.config.sms_from
            args["body"] = self.store.outbox_body(message)
        if not args["from_"]:
            self.store.block(message.id, f"no sender number for {contact.channel}")
            return
        try:
            sent = self.client.messages.create(**args)
        except TwilioRestException as error:
            permanent = 400 <= error.status < 500 and error.status != 429
            self.store.retry_later(message.id, f"{error.status} {error.msg}", permanent)
            return
        except (TwilioException, RequestException) as error:
            self.store.retry_later(message.id, str(error))
            return
        self.store.sent(message.id, getattr(sent, "sid", None))

    def send_due(self) -> int:
        """Send what is due now; returns how many were tried."""
        due = self.store.due()
        for message in due:
            contact = self.store.contact_by_id(message.contact_id)
            if contact is None:
                self.store.block(message.id, "contact is gone")
            elif contact.opted_out:
                self.store.block(message.id, "opted out")
            else:
                self._send(message, contact)
        return len(due)


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
    state = request.app.state
    media = int(params.get("NumMedia", "0") or 0) > 0 or "Latitude" in params
    try:
        await state.gateway.handle(
            channel_of(sender),
            sid,
            sender,
            params.get("Body", ""),
            state.deliverers[channel_of(sender)],
            media=media,
        )
    except Exception:  # the message is stored: retry_pending answers it later
        log.exception("handling a Twilio message failed; it stays pending")
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
