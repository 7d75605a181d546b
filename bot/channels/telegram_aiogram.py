"""Telegram through aiogram 3: polling or webhook; aiogram types stop here."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.channels.textsplit import split_text
from bot.errors import PermanentChannelError, RecipientUnreachable, TransientChannelError
from handlers.types import Address, IncomingMessage, Kind, Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = 4096
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]
Sleep = Callable[[float], Awaitable[None]]


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
        kind = "edited" if edited else str(message.content_type)
        return IncomingMessage(kind=Kind.UNSUPPORTED, unsupported_kind=kind, **common)
    if text.startswith("/"):
        head, _, args = text[1:].partition(" ")
        command = head.split("@", 1)[0].lower()
        return IncomingMessage(kind=Kind.COMMAND, text=text, command=command, args=args.strip(), **common)
    return IncomingMessage(kind=Kind.TEXT, text=text, **common)


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [[InlineKeyboardButton(text=b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def call_with_retry(
    make_call: Callable[[], Awaitable[Any]], *, sleep: Sleep = asyncio.sleep, attempts: int = 6
) -> Any:
    """Run a Bot API call, obeying 429 retry_after and retrying 5xx/network errors with backoff."""
    delay = 0.5
    for attempt in range(1, attempts + 1):
        try:
            return await make_call()
        except TelegramRetryAfter as exc:
            if attempt == attempts:
                raise TransientChannelError(f"still rate limited after {attempts} attempts") from exc
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

    name = CHANNEL

    def __init__(
        self,
        token: str,
        handle: Handle,
        *,
        api_base: str | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        api = TelegramAPIServer.from_base(api_base) if api_base else None
        session = AiohttpSession(api=api) if api else AiohttpSession()
        self.bot = Bot(token, session=session)
        self.handle = handle
        self._sleep = sleep
        self.dp = Dispatcher()
        self.dp.include_router(self._router())

    def _router(self) -> Router:
        router = Router(name="doithoai")
        router.message()(self._on_message)
        router.edited_message()(self._on_edited)
        router.callback_query(F.data)(self._on_callback)
        return router

    async def _on_message(self, message: Message, event_update: Update) -> None:
        await self._answer(_incoming_from_message(message, event_update.update_id))

    async def _on_edited(self, edited_message: Message, event_update: Update) -> None:
        await self._answer(_incoming_from_message(edited_message, event_update.update_id, edited=True))

    async def _on_callback(self, callback: CallbackQuery, event_update: Update) -> None:
        chat = callback.message.chat if callback.message else None
        chat_id = str(chat.id) if chat else str(callback.from_user.id)
        incoming = IncomingMessage(
            address=Address(CHANNEL, chat_id),
            kind=Kind.BUTTON,
            button_data=callback.data or "",
            update_id=str(event_update.update_id),
            display_name=callback.from_user.full_name,
            is_private=chat is None or chat.type == "private",
        )
        await self._quietly(callback.answer())
        if isinstance(callback.message, Message) and callback.message.reply_markup:
            # Remove the pressed keyboard so the same choice is not pressed twice by accident.
            await self._quietly(callback.message.edit_reply_markup(reply_markup=None))
        await self._answer(incoming)

    async def _quietly(self, call: Awaitable[Any]) -> None:
        """A cosmetic call whose failure must not stop the conversation."""
        try:
            await call
        except Exception as exc:  # noqa: BLE001 - cosmetic; logged and ignored
            log.debug("cosmetic Telegram call failed: %s", exc)

    async def _answer(self, incoming: IncomingMessage) -> None:
        replies = await self.handle(incoming)
        for reply in replies:
            await self.send(reply.address or incoming.address, reply)

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply (split at 4,096 characters; buttons on the last piece)."""
        chat_id = int(address.chat_id)
        pieces = split_text(reply.text, TEXT_LIMIT) if reply.text else []
        for index, piece in enumerate(pieces):
            markup = _markup(reply) if index == len(pieces) - 1 else None
            await call_with_retry(
                lambda piece=piece, markup=markup: self.bot.send_message(chat_id, piece, reply_markup=markup),
                sleep=self._sleep,
            )
        for attachment in reply.attachments:
            document = BufferedInputFile(attachment.content, filename=attachment.filename)
            await call_with_retry(lambda document=document: self.bot.send_document(chat_id, document), sleep=self._sleep)

    async def run_polling(self) -> None:
        """Long-poll until cancelled."""
        await call_with_retry(lambda: self.bot.delete_webhook(drop_pending_updates=False), sleep=self._sleep)
        await self.dp.start_polling(self.bot, handle_signals=False, close_bot_session=False)

    async def stop_polling(self) -> None:
        """Ask a running poller to stop."""
        if self.dp._running_lock.locked():  # aiogram has no public "is polling" flag
            await self.dp.stop_polling()

    def mount_webhook(self, app: web.Application, path: str, secret: str | None) -> None:
        """Serve Telegram's webhook on `app` at `path`, checking the secret header."""
        SimpleRequestHandler(dispatcher=self.dp, bot=self.bot, secret_token=secret).register(app, path=path)

    async def set_webhook(self, url: str, secret: str | None) -> None:
        """Tell Telegram where to post updates."""
        await call_with_retry(lambda: self.bot.set_webhook(url, secret_token=secret), sleep=self._sleep)

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()
