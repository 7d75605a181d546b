"""Telegram through python-telegram-bot 22, inside our event loop; PTB types stop here.

Same behaviour as the aiogram adapter (telegram_aiogram.py): same IncomingMessage for the same
update, inline keyboards, the pressed keyboard removed, text split at 4,096 characters and the
same retry policy. PTB never owns the loop: initialize/start and the reverse; polling is bot/channels/polling.py (PTB's
updater confirmed a batch while it was still queued), and updates go to our handler directly.
"""

import asyncio
import datetime as dtm
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

# Opt in to PTB's future timedelta attributes: reading RetryAfter.retry_after otherwise warns.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import (  # noqa: E402
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.channels.base import (  # noqa: E402
    menu_chats,
    MAX_TELEGRAM_WEBHOOK_BYTES,
    TELEGRAM_WEBHOOK_CONNECTIONS,
    Document,
    MayUpload,
    secret_matches,
    webhook_json,
    with_staff_document,
)
from bot.channels.polling import ConfirmingPoller, Inbox, Kept  # noqa: E402
from bot.channels.retry import Sleep, with_retry  # noqa: E402
from bot.pacing import Pacer  # noqa: E402
from bot.channels.textsplit import split_text  # noqa: E402
from bot.errors import (  # noqa: E402
    ChannelError,
    PermanentChannelError,
    RateLimited,
    RecipientUnreachable,
    TransientChannelError,
)
from handlers.types import Address, IncomingMessage, Kind, Reply  # noqa: E402

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]
T = TypeVar("T")
CONTENT_KINDS = ("sticker", "photo", "voice", "audio", "video", "video_note", "document", "location",
                 "contact", "poll", "animation")


def translate(exc: TelegramError) -> ChannelError:
    """Our error for a PTB error (BadRequest is a NetworkError subclass: check it first)."""
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)
        return RateLimited(seconds, exc.message)
    if isinstance(exc, Forbidden):
        return RecipientUnreachable(exc.message)
    if isinstance(exc, BadRequest):
        return PermanentChannelError(exc.message)
    if isinstance(exc, NetworkError):  # TimedOut and 5xx too
        return TransientChannelError(exc.message)
    return PermanentChannelError(exc.message)


async def call_with_retry(
    make_call: Callable[[], Awaitable[T]], *, sleep: Sleep, attempts: int = 6,
    pacer: Pacer | None = None, chat_id: str | None = None,
) -> T:
    """A PTB call under our retry policy (429 retry_after, 5xx/timeouts with backoff), paced when given one."""

    async def mapped() -> T:
        try:
            return await make_call()
        except TelegramError as exc:
            raise translate(exc) from exc

    return await with_retry(mapped, sleep=sleep, attempts=attempts, pacer=pacer, chat_id=chat_id)


def _content_kind(message: Message) -> str:
    """aiogram's content_type names for what a non-text message carries."""
    for kind in CONTENT_KINDS:
        if getattr(message, kind, None):
            return kind
    return "unknown"


def incoming_from_message(message: Message, update_id: int, *, edited: bool = False) -> IncomingMessage:
    """Our message type from a PTB Message."""
    user = message.from_user
    common: dict[str, Any] = {
        "address": Address(CHANNEL, str(message.chat.id)),
        "update_id": str(update_id),
        "display_name": user.full_name if user else None,
        "is_private": message.chat.type == "private",
    }
    text = message.text
    if edited or text is None:
        return IncomingMessage(kind=Kind.UNSUPPORTED, unsupported_kind="edited" if edited else _content_kind(message),
                               **common)
    if text.startswith("/"):
        head, _, args = text[1:].partition(" ")
        command = head.split("@", 1)[0].lower()
        return IncomingMessage(kind=Kind.COMMAND, text=text, command=command, args=args.strip(), **common)
    return IncomingMessage(kind=Kind.TEXT, text=text, **common)


def incoming_from_callback(callback: CallbackQuery, update_id: int) -> IncomingMessage:
    """Our message type from a pressed inline button."""
    chat = callback.message.chat if callback.message else None
    return IncomingMessage(
        address=Address(CHANNEL, str(chat.id) if chat else str(callback.from_user.id)),
        kind=Kind.BUTTON,
        button_data=str(callback.data or ""),
        update_id=str(update_id),
        display_name=callback.from_user.full_name,
        is_private=chat is None or chat.type == "private",
    )


def well_typed(update: Update) -> bool:
    """Whether the fields our adapter reads have Telegram's types (PTB builds objects without checking)."""
    if not _is_int(update.update_id):
        return False
    if not all(_message_ok(m) for m in (update.message, update.edited_message) if m is not None):
        return False
    callback = update.callback_query
    if callback is None:
        return True
    user_ok = callback.from_user is not None and _user_ok(callback.from_user)
    chat_ok = callback.message is None or _chat_ok(callback.message.chat)
    return user_ok and chat_ok and isinstance(callback.data, (str, type(None)))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _chat_ok(chat: Any) -> bool:
    return chat is not None and _is_int(chat.id) and isinstance(chat.type, str)


def _user_ok(user: Any) -> bool:
    return _is_int(user.id) and isinstance(user.first_name, str) and isinstance(user.last_name, (str, type(None)))


def _message_ok(message: Message) -> bool:
    texts_ok = all(isinstance(t, (str, type(None))) for t in (message.text, message.caption))
    user_ok = message.from_user is None or _user_ok(message.from_user)
    return _chat_ok(message.chat) and _is_int(message.message_id) and texts_ok and user_ok


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [[InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    return InlineKeyboardMarkup(rows)


class PtbChannel:
    """Receives Telegram updates with python-telegram-bot and sends our replies back."""

    name = CHANNEL
    pacer: Pacer | None = None  # set by the app: one send budget for replies and broadcasts
    may_upload: MayUpload | None = None  # set by the app: whose documents are downloaded (staff only)

    def __init__(
        self,
        token: str,
        handle: Handle,
        *,
        api_base: str | None = None,
        mode: str = "polling",
        webhook_url: str | None = None,
        webhook_path: str = "/telegram/webhook",
        webhook_secret: str | None = None,
        sleep: Sleep | None = None,
        poll_timeout: int = 10,
    ) -> None:
        if mode == "webhook" and not webhook_secret:
            raise ValueError("Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET")
        # Our own scheduler runs jobs, and bot/channels/polling.py polls (PTB's updater confirms too early).
        builder = Application.builder().token(token).job_queue(None).updater(None)
        if api_base:
            base = api_base.rstrip("/")
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.handle = handle
        self.mode = mode
        self.webhook_url = webhook_url
        self.webhook_path = webhook_path
        self._secret = webhook_secret
        self._sleep: Sleep = sleep or asyncio.sleep
        self._poll_timeout = poll_timeout
        self.poller: ConfirmingPoller[Update] | None = None
        self.inbox: Inbox | None = None  # polled updates kept until handled (the app sets it; bot/channels/polling.py)

    def __repr__(self) -> str:
        return f"PtbChannel(mode={self.mode!r}, token=<redacted>)"

    @property
    def bot(self) -> Any:
        """PTB's Bot (for tests and diagnostics)."""
        return self.application.bot

    # --- receiving ---------------------------------------------------------------------

    async def _on_update(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._on_callback(update.callback_query, update.update_id)
        elif update.message is not None:
            incoming = incoming_from_message(update.message, update.update_id)
            if update.message.document is not None and incoming.is_private:
                incoming = await self._with_document(update.message, incoming)
            await self._answer(incoming)
        elif update.edited_message is not None:
            await self._answer(incoming_from_message(update.edited_message, update.update_id, edited=True))

    async def _with_document(self, message: Message, incoming: IncomingMessage) -> IncomingMessage:
        """Attach a document sent by staff (bot/channels/base.py decides whose and how big)."""
        document = message.document
        assert document is not None

        async def download() -> bytes:
            return bytes(await (await document.get_file()).download_as_bytearray())

        described = Document(document.file_name, document.mime_type, document.file_size, message.caption)
        return await with_staff_document(incoming, described, self.may_upload, download, (TelegramError,))

    async def _on_callback(self, callback: CallbackQuery, update_id: int) -> None:
        incoming = incoming_from_callback(callback, update_id)
        await self._quietly(callback.answer())
        if isinstance(callback.message, Message) and callback.message.reply_markup:
            # Remove the pressed keyboard so the same choice is not pressed twice by accident.
            await self._quietly(callback.message.edit_reply_markup(reply_markup=None))
        await self._answer(incoming)

    async def _quietly(self, call: Awaitable[Any]) -> None:
        """A cosmetic call whose failure must not stop the conversation."""
        try:
            await call
        except TelegramError as exc:
            log.debug("cosmetic Telegram call failed: %s", exc)

    async def _answer(self, incoming: IncomingMessage) -> None:
        """Send the replies; a transient failure propagates so a webhook update is redelivered."""
        for reply in await self.handle(incoming):
            try:
                await self.send(reply.address or incoming.address, reply)
            except TransientChannelError:
                raise
            except ChannelError as exc:  # blocked or refused: a redelivery would fail the same way
                log.warning("telegram reply not delivered: %s", type(exc).__name__)

    async def _on_polled(self, update: Update) -> None:
        """A polled update: as the webhook's, but a reply given up on is lost (getUpdates never redelivers)."""
        if not well_typed(update):
            log.warning("telegram update %s refused (field types)", update.update_id)
            return
        try:
            await self._on_update(update)
        except TransientChannelError as exc:
            log.warning("telegram reply not delivered (polling, not redelivered): %s", exc)

    def _confirming_poller(self) -> ConfirmingPoller[Update]:
        """getUpdates through PTB's Bot, each update through our handler (bot/channels/polling.py)."""
        bot = self.application.bot

        async def fetch(offset: int | None) -> tuple[Update, ...]:
            return await bot.get_updates(offset=offset, timeout=self._poll_timeout)

        async def confirm(offset: int) -> object:
            return await bot.get_updates(offset=offset, timeout=0, limit=1)

        async def prepare() -> object:
            return await call_with_retry(lambda: bot.delete_webhook(), sleep=self._sleep)

        def dump(update: Update) -> str:
            return json.dumps(update.to_dict(), ensure_ascii=False)

        def load(body: str) -> Update:
            return Update.de_json(json.loads(body), bot)

        def chat_of(update: Update) -> int | None:
            chat = update.effective_chat
            if chat is not None:
                return int(chat.id)
            user = update.effective_user
            return None if user is None else int(user.id)

        kept = None if self.inbox is None else Kept(self.inbox, CHANNEL, dump, load, chat_of)
        return ConfirmingPoller(fetch, self._on_polled, lambda u: u.update_id, confirm, (TelegramError,),
                                prepare=prepare, kept=kept)

    # --- sending -----------------------------------------------------------------------

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply (split at 4,096 characters; buttons on the last piece)."""
        chat_id = int(address.chat_id)
        pieces = split_text(reply.text, TEXT_LIMIT) if reply.text else []
        bot = self.application.bot
        paced: dict[str, Any] = {"sleep": self._sleep, "pacer": self.pacer, "chat_id": address.chat_id}
        try:
            for index, piece in enumerate(pieces):
                markup = _markup(reply) if index == len(pieces) - 1 else None
                await call_with_retry(
                    lambda piece=piece, markup=markup: bot.send_message(chat_id, piece, reply_markup=markup), **paced
                )
            for attachment in reply.attachments:
                upload = InputFile(attachment.content, filename=attachment.filename)
                if attachment.mime_type.startswith("image/"):  # charts show inline as photos
                    await call_with_retry(lambda upload=upload: bot.send_photo(chat_id, upload), **paced)
                else:
                    await call_with_retry(lambda upload=upload: bot.send_document(chat_id, upload), **paced)
        except RecipientUnreachable:
            log.info("telegram chat unreachable (403)")
            raise

    async def set_menus(self, menus: list[tuple[Address | None, list[tuple[str, str]]]]) -> None:
        """setMyCommands: the default scope for youth, one chat scope per Telegram staff chat."""
        for chat_id, commands in menu_chats(menus, CHANNEL):
            scope = BotCommandScopeDefault() if chat_id is None else BotCommandScopeChat(chat_id)
            listed = [BotCommand(name, text) for name, text in commands]
            await call_with_retry(
                lambda scope=scope, listed=listed: self.application.bot.set_my_commands(listed, scope=scope),
                sleep=self._sleep,
            )

    # --- lifecycle ---------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Serve the webhook on the shared web server (webhook mode only)."""
        if self.mode == "webhook":
            app.router.add_post(self.webhook_path, self.on_webhook)

    async def on_webhook(self, request: web.Request) -> web.Response:
        """Check the secret in constant time, refuse a malformed body (400), handle the update in the request.

        The update runs through our handler directly, not PTB's process_update, which would swallow
        a failed send: a reply that could not be sent answers 503, so Telegram redelivers the update
        and the dispatcher replays the stored replies (as the aiogram adapter does).
        """
        if not secret_matches(request.headers.get(SECRET_HEADER), self._secret):
            return web.Response(status=401)
        data = await webhook_json(request, CHANNEL, MAX_TELEGRAM_WEBHOOK_BYTES)
        if data is None:
            return web.Response(status=400)
        try:
            update = Update.de_json(data, self.application.bot)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            log.warning("telegram webhook: malformed update refused (%s)", type(exc).__name__)
            return web.Response(status=400)
        if not well_typed(update):  # PTB builds objects without checking field types (aiogram's pydantic does)
            log.warning("telegram webhook: malformed update refused (field types)")
            return web.Response(status=400)
        try:
            await self._on_update(update)
        except TransientChannelError as exc:
            log.warning("telegram update %s: reply not delivered, left to redeliver: %s", update.update_id, exc)
            return web.Response(status=503)
        return web.Response(status=200)

    async def start(self) -> None:
        """Initialise PTB in our loop, then poll or register the webhook."""
        await self.application.initialize()
        await self.application.start()
        if self.mode == "polling":
            self.poller = self._confirming_poller()
            self.poller.start()
            return
        if self.inbox is not None:
            await self._confirming_poller().replay()  # what polling kept before a switch to webhooks
        if self.webhook_url:
            await call_with_retry(
                lambda: self.application.bot.set_webhook(
                    self.webhook_url or "", secret_token=self._secret, max_connections=TELEGRAM_WEBHOOK_CONNECTIONS
                ),
                sleep=self._sleep,
            )

    async def stop(self) -> None:
        """Stop polling (confirming what was handled) and PTB, in the reverse order of start."""
        if self.poller is not None:
            await self.poller.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
