"""Telegram through aiogram 3: polling or webhook; aiogram types stop here."""

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import bot.channels.aiogram_lazy  # noqa: F401 - before aiogram: its schemas built on first use
from aiogram import Bot, Dispatcher, Router, methods
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    BufferedInputFile,
    CallbackQuery,
    ErrorEvent,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.methods import GetUpdates
from aiogram.methods.base import Response
from aiohttp import ClientError, web
from pydantic import ValidationError

from bot.channels.base import (
    menu_chats,
    MAX_TELEGRAM_WEBHOOK_BYTES,
    TELEGRAM_WEBHOOK_CONNECTIONS,
    Document,
    MayUpload,
    secret_matches,
    webhook_json,
    with_staff_document,
)
from bot.channels.aiogram_session import JsonSession
from bot.channels.polling import CONFIRM_SECONDS, ConfirmingPoller, Inbox, Kept
from bot.channels.textsplit import split_text
from bot.pacing import Pacer
from bot.errors import ChannelError, PermanentChannelError, RecipientUnreachable, TransientChannelError
from handlers.types import Address, IncomingMessage, Kind, Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
POLL_SECONDS = 10  # getUpdates long-poll timeout (aiogram's own default)
TEXT_LIMIT = 4096
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]
Sleep = Callable[[float], Awaitable[None]]

# aiogram parses every answer as `Response[method.__returning__]`, and pydantic keeps parametrised
# generic models only in a WeakValueDictionary: after a garbage collection the class is rebuilt,
# about 1–3 ms each time. Under load that was 17% of the bot's CPU (py-spy, bench/pipeline.py).
# Holding the classes for the methods this adapter calls keeps pydantic's cache warm.
_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[misc]
    for method in (
        methods.GetUpdates, methods.SendMessage, methods.AnswerCallbackQuery, methods.EditMessageReplyMarkup,
        methods.SendPhoto, methods.SendDocument, methods.GetFile, methods.SetMyCommands, methods.SetWebhook,
        methods.DeleteWebhook, methods.GetMe,
    )
)


def _incoming_from_message(message: Message, update_id: int, *, edited: bool = False) -> IncomingMessage:
    """Our message type from an aiogram Message."""
    user = message.from_user
    address = Address(CHANNEL, str(message.chat.id))
    common: dict[str, Any] = {
        "address": address,
        "update_id": str(update_id),
        "display_name": user.full_name if user else None,
        "is_private": message.chat.type == "private",
    }
    text = message.text
    if edited or text is None:
        kind = "edited" if edited else str(message.content_type.value)  # str() gives "ContentType.X"
        return IncomingMessage(kind=Kind.UNSUPPORTED, unsupported_kind=kind, **common)
    if text.startswith("/"):
        head, _, args = text[1:].partition(" ")
        command = head.split("@", 1)[0].lower()
        return IncomingMessage(kind=Kind.COMMAND, text=text, command=command, args=args.strip(), **common)
    return IncomingMessage(kind=Kind.TEXT, text=text, **common)


def _chat_of(update: Update) -> int | None:
    """The chat an update belongs to (the address its message or press is handled under)."""
    message = update.message or update.edited_message
    if message is not None:
        return message.chat.id
    callback = update.callback_query
    if callback is not None:
        return callback.message.chat.id if callback.message else callback.from_user.id
    return None


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [[InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def call_with_retry(
    make_call: Callable[[], Awaitable[Any]],
    *,
    sleep: Sleep = asyncio.sleep,
    attempts: int = 6,
    pacer: Pacer | None = None,
    chat_id: str | None = None,
) -> Any:
    """Run a Bot API call, obeying 429 retry_after and retrying 5xx/network errors with backoff.

    With a pacer (bot/pacing.py) every attempt waits for its turn, and a 429 holds back every
    sender sharing that pacer instead of sleeping alone.
    """
    delay = 0.5
    for attempt in range(1, attempts + 1):
        if pacer is not None:
            await pacer.acquire(chat_id)
        try:
            return await make_call()
        except TelegramRetryAfter as exc:
            if attempt == attempts:
                raise TransientChannelError(f"still rate limited after {attempts} attempts") from exc
            if pacer is not None:
                pacer.pause(float(exc.retry_after))
            else:
                await sleep(float(exc.retry_after))
        except (TelegramServerError, TelegramNetworkError, asyncio.TimeoutError) as exc:
            if attempt == attempts:
                raise TransientChannelError(f"{type(exc).__name__} after {attempts} attempts") from exc
            await sleep(delay)
            delay = min(delay * 2, 30.0)
        except TelegramForbiddenError as exc:
            raise RecipientUnreachable(exc.message) from exc
        except TelegramBadRequest as exc:
            raise PermanentChannelError(exc.message) from exc
    raise AssertionError("unreachable")


class AiogramChannel:
    """Receives Telegram updates with aiogram and sends our replies back."""

    pacer: Pacer | None = None  # set by the app: one send budget for replies and broadcasts
    may_upload: MayUpload | None = None  # set by the app: whose documents are downloaded (staff only)

    name = CHANNEL

    def __init__(
        self,
        token: str,
        handle: Handle,
        *,
        api_base: str | None = None,
        sleep: Sleep = asyncio.sleep,
        mode: str = "polling",
        webhook_url: str | None = None,
        webhook_path: str = "/telegram/webhook",
        webhook_secret: str | None = None,
    ) -> None:
        if mode == "webhook" and not webhook_secret:
            raise ValueError("Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET")
        self.mode, self.webhook_url, self.webhook_path = mode, webhook_url, webhook_path
        self._secret = webhook_secret
        self.poller: ConfirmingPoller[Update] | None = None
        self.inbox: Inbox | None = None  # polled updates kept until handled (the app sets it; bot/channels/polling.py)
        api = TelegramAPIServer.from_base(api_base) if api_base else None
        self.session = JsonSession(api=api) if api else JsonSession()  # JSON bodies (bot/channels/aiogram_session.py)
        self.bot = Bot(token, session=self.session)
        self.handle = handle
        self._sleep = sleep
        # No FSM: our state is in the database. aiogram's FSM would keep a record per chat in memory
        # for as long as the process runs (one get_state per update), and cost a lookup per update.
        self.dp = Dispatcher(disable_fsm=True)
        self.dp.include_router(self._router())
        if mode == "polling":
            self.dp.errors.register(self._on_polling_error)

    def _router(self) -> Router:
        router = Router(name="doithoai")
        router.message()(self._on_message)
        router.edited_message()(self._on_edited)
        # No magic filter (F.data): aiogram runs synchronous filters in a thread, one hop per press.
        router.callback_query()(self._on_callback)
        return router

    async def _on_message(self, message: Message, event_update: Update) -> None:
        incoming = _incoming_from_message(message, event_update.update_id)
        if message.document is not None and incoming.is_private:
            incoming = await self._with_document(message, incoming)
        await self._answer(incoming)

    async def _with_document(self, message: Message, incoming: IncomingMessage) -> IncomingMessage:
        """Attach a document sent by staff (bot/channels/base.py decides whose and how big)."""
        document = message.document
        assert document is not None

        async def download() -> bytes:
            buffer = await self.bot.download(document, destination=io.BytesIO())
            return buffer.getvalue() if buffer is not None else b""

        described = Document(document.file_name, document.mime_type, document.file_size, message.caption)
        return await with_staff_document(
            incoming, described, self.may_upload, download, (TelegramAPIError, ClientError, asyncio.TimeoutError)
        )

    async def set_menus(self, menus: list[tuple[Address | None, list[tuple[str, str]]]]) -> None:
        """setMyCommands: the default scope for youth, one chat scope per Telegram staff chat."""
        for chat_id, commands in menu_chats(menus, CHANNEL):
            scope = BotCommandScopeDefault() if chat_id is None else BotCommandScopeChat(chat_id=chat_id)
            listed = [BotCommand(command=name, description=text) for name, text in commands]
            await call_with_retry(lambda scope=scope, listed=listed: self.bot.set_my_commands(listed, scope=scope), sleep=self._sleep)

    async def _on_polling_error(self, event: ErrorEvent) -> Any:
        """Polling: getUpdates never redelivers, so a reply the retry policy gave up on is logged and lost."""
        if isinstance(event.exception, TransientChannelError):
            log.warning("telegram reply not delivered (polling, not redelivered): %s", event.exception)
            return True
        return UNHANDLED

    async def _on_edited(self, edited_message: Message, event_update: Update) -> None:
        await self._answer(_incoming_from_message(edited_message, event_update.update_id, edited=True))

    async def _on_callback(self, callback: CallbackQuery, event_update: Update) -> None:
        if not callback.data:  # a game button: nothing of ours
            await self._quietly(callback.answer())
            return
        chat = callback.message.chat if callback.message else None
        chat_id = str(chat.id) if chat else str(callback.from_user.id)
        incoming = IncomingMessage(
            address=Address(CHANNEL, chat_id),
            kind=Kind.BUTTON,
            button_data=callback.data,
            update_id=str(event_update.update_id),
            display_name=callback.from_user.full_name,
            is_private=chat is None or chat.type == "private",
        )
        # The acknowledgement and the keyboard removal go out while the press is handled.
        await asyncio.gather(self._settle_press(callback), self._answer(incoming))

    async def _settle_press(self, callback: CallbackQuery) -> None:
        """Stop the button's spinner and remove the pressed keyboard (a choice is pressed once)."""
        await self._quietly(self._fire(methods.AnswerCallbackQuery(callback_query_id=callback.id)))
        message = callback.message
        if isinstance(message, Message) and message.reply_markup:
            await self._quietly(self._fire(methods.EditMessageReplyMarkup(
                chat_id=message.chat.id, message_id=message.message_id,
                business_connection_id=message.business_connection_id, reply_markup=None)))

    async def _fire(self, method: "methods.TelegramMethod[Any]") -> None:  # a string: pydantic would make a class
        """A call whose result is not read: the session only checks that it succeeded
        (bot/channels/aiogram_session.py); errors are aiogram's own, as for any call."""
        await self.session.send(self.bot, method)

    async def _quietly(self, call: Awaitable[Any]) -> None:
        """A cosmetic call whose failure must not stop the conversation."""
        try:
            await call
        except Exception as exc:  # noqa: BLE001 - cosmetic; logged and ignored
            log.debug("cosmetic Telegram call failed: %s", exc)

    async def _answer(self, incoming: IncomingMessage) -> None:
        """Send the replies; a transient failure propagates so a webhook update is redelivered."""
        replies = await self.handle(incoming)
        for reply in replies:
            try:
                await self.send(reply.address or incoming.address, reply)
            except TransientChannelError:
                raise
            except ChannelError as exc:  # blocked or refused: a redelivery would fail the same way
                log.warning("telegram reply not delivered: %s", type(exc).__name__)

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply (split at 4,096 characters; buttons on the last piece)."""
        chat_id = int(address.chat_id)
        pieces = split_text(reply.text, TEXT_LIMIT) if reply.text else []
        paced: dict[str, Any] = {"sleep": self._sleep, "pacer": self.pacer, "chat_id": address.chat_id}
        for index, piece in enumerate(pieces):
            markup = _markup(reply) if index == len(pieces) - 1 else None
            await call_with_retry(
                lambda piece=piece, markup=markup: self._fire(
                    methods.SendMessage(chat_id=chat_id, text=piece, reply_markup=markup)),
                **paced,
            )
        for attachment in reply.attachments:
            upload = BufferedInputFile(attachment.content, filename=attachment.filename)
            if attachment.mime_type.startswith("image/"):  # charts show inline as photos
                await call_with_retry(lambda upload=upload: self.bot.send_photo(chat_id, upload), **paced)
            else:
                await call_with_retry(lambda upload=upload: self.bot.send_document(chat_id, upload), **paced)

    def _confirming_poller(self) -> ConfirmingPoller[Update]:
        """getUpdates through aiogram, each update fed to its dispatcher (bot/channels/polling.py)."""
        request_timeout = int((self.bot.session.timeout or 0) + POLL_SECONDS)

        async def fetch(offset: int | None) -> list[Update]:
            return await self.bot(GetUpdates(offset=offset, timeout=POLL_SECONDS), request_timeout=request_timeout)

        async def confirm(offset: int) -> object:
            return await self.bot(GetUpdates(offset=offset, timeout=0, limit=1), request_timeout=CONFIRM_SECONDS)

        async def handle(update: Update) -> None:
            await self.dp.feed_update(self.bot, update)

        async def prepare() -> object:
            return await call_with_retry(lambda: self.bot.delete_webhook(drop_pending_updates=False), sleep=self._sleep)

        def load(body: str) -> Update:
            return Update.model_validate_json(body, context={"bot": self.bot})

        kept = None if self.inbox is None else Kept(
            self.inbox, CHANNEL, lambda u: u.model_dump_json(exclude_unset=True), load, _chat_of)
        return ConfirmingPoller(fetch, handle, lambda u: u.update_id, confirm,
                                (TelegramAPIError, ClientError, asyncio.TimeoutError), prepare=prepare, kept=kept)

    def mount_webhook(self, app: web.Application, path: str, secret: str | None) -> None:
        """Serve Telegram's webhook on `app` at `path`, checking the secret header."""
        self._secret = secret
        app.router.add_post(path, self.on_webhook)

    async def on_webhook(self, request: web.Request) -> web.Response:
        """Check the secret in constant time, refuse a malformed body (400), handle the update in the request.

        Answering only after the update is handled means a worker killed mid-update, or a reply that
        could not be sent (503), gets the update redelivered; the dispatcher then replays its replies.
        """
        if not secret_matches(request.headers.get(SECRET_HEADER), self._secret):
            return web.Response(status=401)
        data = await webhook_json(request, CHANNEL, MAX_TELEGRAM_WEBHOOK_BYTES)
        if data is None:
            return web.Response(status=400)
        try:
            update = Update.model_validate(data, context={"bot": self.bot})
        except ValidationError as exc:
            log.warning("telegram webhook: malformed update refused (%d errors)", exc.error_count())
            return web.Response(status=400)
        try:
            await self.dp.feed_update(self.bot, update)
        except TransientChannelError as exc:
            log.warning("telegram update %s: reply not delivered, left to redeliver: %s", update.update_id, exc)
            return web.Response(status=503)
        return web.json_response({})

    async def set_webhook(self, url: str, secret: str | None) -> None:
        """Tell Telegram where to post updates."""
        await call_with_retry(
            lambda: self.bot.set_webhook(url, secret_token=secret, max_connections=TELEGRAM_WEBHOOK_CONNECTIONS),
            sleep=self._sleep,
        )

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()

    # --- the RunnableChannel lifecycle (bot/channels/base.py) ---------------------------------

    def mount(self, app: web.Application) -> None:
        """Serve the webhook on the shared web server (webhook mode only)."""
        if self.mode == "webhook":
            self.mount_webhook(app, self.webhook_path, self._secret)

    async def start(self) -> None:
        """Start polling, or register the webhook when its public URL is configured."""
        if self.mode == "polling":
            self.poller = self._confirming_poller()
            self.poller.start()
            return
        if self.inbox is not None:
            await self._confirming_poller().replay()  # what polling kept before a switch to webhooks
        if self.webhook_url:
            await self.set_webhook(self.webhook_url, self._secret)

    async def stop(self) -> None:
        """Stop polling and close the session."""
        if self.poller is not None:
            await self.poller.stop()
        await self.close()
