"""Telegram through python-telegram-bot 22: webhook mode (secret token checked) behind the
app service, or polling mode for local use when no PUBLIC_BASE_URL is set.

Handlers follow python-telegram-bot's structure: one small handler per kind of update.
Inline keyboard presses carry the option's number, which the gateway maps to the payload,
so every channel shares one way of choosing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.gateway import Deliverer, Gateway
from bot.channels.outbox import Outcome
from bot.channels.store import ContactView
from bot.channels.text_format import Option, plain_markdown
from bot.db.calls import DatabaseBusyError
from bot.db.models import OutboxMessage
from bot.shared.settings import Settings, TelegramSettings
from bot.shared.text_keys import N_

log = logging.getLogger(__name__)
CHANNEL = "tg"
COMMAND_PAYLOADS = {
    "start": "/greet",
    "help": "/ask_capabilities",
}
LANGUAGE_OPTIONS = {"nl": "Nederlands", "en": "English"}
router = APIRouter()


class TelegramSender:
    """Sends one outbox message with python-telegram-bot, its buttons as an inline keyboard."""

    def __init__(self, application: Application, timeout: float) -> None:  # type: ignore[type-arg]
        self.application = application
        self.timeout = timeout

    async def send(self, message: OutboxMessage, contact: ContactView, body: str) -> Outcome:
        try:
            stored = json.loads(body)
            text, titles = str(stored["text"]), [str(title) for title in stored["options"]]
            chat_id = int(contact.address)
        except (ValueError, TypeError, KeyError):
            return Outcome.refused("not a Telegram message")
        markup = None
        if titles:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(title, callback_data=str(number))]
                    for number, title in enumerate(titles, start=1)
                ]
            )
        try:
            sent = await self.application.bot.send_message(
                chat_id=chat_id,
                text=plain_markdown(text, CHANNEL) or "…",
                reply_markup=markup,
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                write_timeout=self.timeout,
                pool_timeout=self.timeout,
            )
        except (BadRequest, Forbidden, InvalidToken) as error:  # trying again would not help
            return Outcome.failed(f"{type(error).__name__}: {error}", permanent=True)
        except TelegramError as error:  # network, time-out, RetryAfter, a 5xx of the API
            return Outcome.failed(f"{type(error).__name__}: {error}")
        return Outcome.sent(str(getattr(sent, "message_id", "")) or None)


class TelegramChannel:
    """The python-telegram-bot application and its handlers, wired to the gateway."""

    def __init__(
        self,
        config: TelegramSettings,
        gateway: Gateway,
        polling: bool,
        deliverer: Deliverer,
        timeout: float = 10.0,
    ) -> None:
        builder = (
            Application.builder()
            .token(config.bot_token)
            .base_url(f"{config.api_base}/bot")
            .base_file_url(f"{config.api_base}/file/bot")
        )
        if not polling:
            builder = builder.updater(None)
        self.application = builder.build()
        self.config = config
        self.gateway = gateway
        self.polling = polling
        self.deliverer = deliverer  # the outbox (bot/channels/outbox.py)
        self.sender = TelegramSender(self.application, timeout)
        # Updates that could not be stored: the webhook answers 503, so Telegram sends
        # them again; in polling mode they are tried again here.
        self.not_stored: set[int] = set()
        self._retries: set[asyncio.Task[None]] = set()
        add = self.application.add_handler
        add(CommandHandler(["start", "help"], self.on_command))
        add(CommandHandler("taal", self.on_language))
        add(CommandHandler("stop", self.on_stop))
        add(CallbackQueryHandler(self.on_button))
        add(MessageHandler(filters.COMMAND, self.on_unknown_command))  # /foo: the menu
        add(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        add(MessageHandler(~filters.TEXT & ~filters.COMMAND, self.on_media))

    async def _pass_on(self, update: Update, chat_id: int, text: str, media: bool) -> None:
        await self.gateway.handle(
            CHANNEL, str(update.update_id), str(chat_id), text, self.deliverer, media=media
        )

    async def _handle(self, update: Update, text: str, media: bool = False) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await self._pass_on(update, chat.id, text, media)
        except DatabaseBusyError:
            log.error("a Telegram update could not be stored; it is tried again")
            if not self.polling:
                self.not_stored.add(update.update_id)
                return
            task = asyncio.create_task(self._again(update, chat.id, text, media))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _again(self, update: Update, chat_id: int, text: str, media: bool) -> None:
        """Polling mode: Telegram will not send it again, so keep trying to store it."""
        for _ in range(30):
            await asyncio.sleep(2)
            try:
                await self._pass_on(update, chat_id, text, media)
                return
            except DatabaseBusyError:
                continue
        log.error("a Telegram update could not be stored for a minute; it is lost")

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        await self._handle(update, message.text or "" if message else "")

    async def on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, "", media=True)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
        chat = update.effective_chat
        if command == "start" and chat is not None:
            contact = await self.gateway_contact(str(chat.id))
            if contact.opted_out:  # /start after /stop: messages are welcome again
                await self._handle(update, "start")
                return
        await self._handle(update, COMMAND_PAYLOADS.get(command, "/greet"))

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command Wegwijs does not have (/foo, or Rasa's /session_start typed): said
        what Wegwijs can do, as /help does; never passed on as an intent."""
        await self._handle(update, COMMAND_PAYLOADS["help"])

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = '/switch_language{"language": "%s"}'
        chat = update.effective_chat
        if chat is None:
            return
        store, db = self.gateway.store, self.gateway.db
        try:  # stored like any message, so a retried /taal is offered once
            received = await db(
                store.receive, CHANNEL, str(update.update_id), str(chat.id), "/taal", None
            )
        except DatabaseBusyError:
            self.not_stored.add(update.update_id)
            return
        if received.inbound_id is None:
            return
        options = [Option(title, payload % code) for code, title in LANGUAGE_OPTIONS.items()]
        await self.gateway.offer(
            received.contact, N_("channel.choose_language"), options, self.deliverer
        )
        await db(store.finish, received.inbound_id, "language")

    async def on_stop(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, "stop")

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:
            log.info("could not answer a callback query: %s", error)
        await self._handle(update, query.data or "")

    async def gateway_contact(self, chat_id: str) -> ContactView:
        return await self.gateway.db(self.gateway.store.contact, CHANNEL, chat_id)

    async def start(self, settings: Settings) -> None:
        await self.application.initialize()
        if self.polling:
            assert self.application.updater is not None
            await self.application.bot.delete_webhook()
            await self.application.updater.start_polling(poll_interval=0.5, timeout=5)
        elif settings.public_base_url and self.config.secret_token:
            await self.application.bot.set_webhook(
                f"{settings.public_base_url}/channels/telegram",
                secret_token=self.config.secret_token,
            )
        await self.application.start()

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()


@router.post("/channels/telegram")
async def webhook(request: Request) -> Response:
    channel: TelegramChannel | None = request.app.state.telegram
    if channel is None or channel.polling:
        return JSONResponse({"error": "the Telegram webhook is off"}, status_code=404)
    expected = channel.config.secret_token
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
        return JSONResponse({"error": "invalid secret token"}, status_code=403)
    try:
        data = json.loads(await request.body())
        update = Update.de_json(data, channel.application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        log.warning("a request to the Telegram webhook that is not an update refused")
        return JSONResponse({"error": "not a Telegram update"}, status_code=400)
    if update is None or type(update.update_id) is not int:  # de_json checks no types
        return JSONResponse({"error": "not a Telegram update"}, status_code=400)
    try:
        await channel.application.process_update(update)
    except Exception:
        log.exception("handling a Telegram update failed; it stays pending if it was stored")
    if update.update_id in channel.not_stored:  # Telegram sends it again after a 5xx
        channel.not_stored.discard(update.update_id)
        return Response(status_code=503, headers={"Retry-After": "5"})
    return Response(status_code=200)
