"""Zalo Bot Platform: long polling or webhook; Zalo's JSON stops here.

Zalo has no inline keyboards, so buttons are rendered as numbered choices the youth answers
by typing the number or the label (handlers/choices.py understands both). Zalo has no upload either:
sendPhoto takes a URL, so files for staff are kept and sent as signed links (bot/files.py), and
an image (the digest's chart) goes as a photo Zalo fetches from that link.
"""

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, Literal

from aiohttp import web

from bot.channels.base import secret_matches, webhook_json
from bot.channels.polling import Inbox, replay_kept
from bot.channels.retry import Sleep, with_retry
from bot.channels.textsplit import split_text
from bot.channels.web import parse_text
from bot.channels.zalo_api import POLL_TIMEOUT, TEXT_LIMIT, ZaloApiError, ZaloBotAPI
from bot.errors import ChannelError, PermanentChannelError, RecipientUnreachable
from bot.files import FileLink, FileLinks
from handlers import texts
from handlers.types import Address, Attachment, IncomingMessage, Kind, Reply

log = logging.getLogger(__name__)

CHANNEL = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_WEBHOOK_BYTES = 256 * 1024
UNSUPPORTED_EVENTS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",  # Zalo hides the content of some senders
}
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]


def _update_id(event: dict[str, Any], chat_id: str) -> str:
    """message_id scoped by chat; a hash of the event when Zalo gives no id."""
    message = event.get("message") or {}
    message_id = message.get("message_id")
    if message_id:
        return f"{chat_id}:{message_id}"
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False).encode()
    return "h:" + hashlib.sha256(canonical).hexdigest()[:40]


def well_formed(event: dict[str, Any]) -> bool:
    """Whether an event has Zalo's shape: a named event whose message (if any) has a chat with an id."""
    if not isinstance(event.get("event_name"), str):
        return False
    message = event.get("message")
    if message is None:
        return True
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return False
    if not isinstance(message.get("from", {}), dict) or not isinstance(message.get("text", ""), str):
        return False
    return isinstance(message["chat"].get("id"), (str, int)) and not isinstance(message["chat"].get("id"), bool)


def incoming_from_event(event: dict[str, Any]) -> IncomingMessage | None:
    """Our message type from one Zalo event; None for events we do not handle."""
    name = event.get("event_name")
    message = event.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        log.info("zalo event %r without a message ignored", name)
        return None
    sender = message.get("from")
    sender = sender if isinstance(sender, dict) else {}
    if sender.get("is_bot"):
        return None
    chat_id = str(message["chat"].get("id") or "")
    if not chat_id:
        return None
    address = Address(CHANNEL, chat_id)
    update_id = _update_id(event, chat_id)
    extra: dict[str, Any] = {
        "display_name": sender.get("display_name"),
        "is_private": str(message["chat"].get("chat_type") or "PRIVATE").upper() == "PRIVATE",
    }
    if name == "message.text.received" and isinstance(message.get("text"), str):
        return replace(parse_text(address, message["text"], update_id), **extra)
    if name in UNSUPPORTED_EVENTS:
        kind = UNSUPPORTED_EVENTS[name]
        return IncomingMessage(address, Kind.UNSUPPORTED, update_id=update_id, unsupported_kind=kind, **extra)
    log.info("zalo event %r ignored", name)
    return None


def render(reply: Reply) -> str:
    """The reply text with its buttons as numbered choices."""
    buttons = reply.flat_buttons()
    if not buttons:
        return reply.text
    choices = "\n".join(f"{number}. {button.label}" for number, button in enumerate(buttons, 1))
    return f"{reply.text}\n\n{choices}\n{texts.CHOICE_HINT_TYPED}"


class ZaloChannel:
    """Receives Zalo events (polling or webhook) and sends our replies back."""

    name = CHANNEL

    def __init__(
        self,
        api: ZaloBotAPI,
        handle: Handle,
        *,
        mode: Literal["polling", "webhook"] = "polling",
        webhook_url: str | None = None,
        webhook_path: str = "/zalo/webhook",
        webhook_secret: str | None = None,
        poll_timeout: int = POLL_TIMEOUT,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if mode == "webhook" and not webhook_secret:
            raise ValueError("Zalo webhook mode needs ZALO_WEBHOOK_SECRET")
        self.api = api
        self.handle = handle
        self.mode = mode
        self.webhook_url = webhook_url
        self.webhook_path = webhook_path
        self._secret = webhook_secret
        self._poll_timeout = poll_timeout
        self._sleep = sleep
        self._poller: asyncio.Task[None] | None = None
        self._handling: set[asyncio.Task[None]] = set()
        self.files: FileLinks | None = None  # where attachments are kept and linked from (bot/files.py)
        # Polled events kept until handled (the app sets it; bot/channels/polling.py). Zalo's
        # getUpdates hands over one event and forgets it: without this a crash lost every event
        # being handled; now only one that arrives in the instant before it is written.
        self.inbox: Inbox | None = None
        self._last_number = 0

    def __repr__(self) -> str:
        return f"ZaloChannel(mode={self.mode!r}, api={self.api!r})"

    # --- receiving -------------------------------------------------------------------

    async def process(self, event: dict[str, Any]) -> None:
        """Run one event through the conversation and send the replies."""
        incoming = incoming_from_event(event)
        if incoming is None:
            return
        replies = await self.handle(incoming)
        for reply in replies:
            try:
                await self.send(reply.address or incoming.address, reply)
            except ChannelError as exc:
                log.warning("zalo reply not delivered: %s", exc)

    def mount(self, app: web.Application) -> None:
        """Serve the webhook on the shared web server (webhook mode only)."""
        if self.mode == "webhook":
            app.router.add_post(self.webhook_path, self.on_webhook)

    async def on_webhook(self, request: web.Request) -> web.Response:
        """Check the secret header in constant time, then handle the one event in the body."""
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.json_response({"ok": False}, status=401)
        if not secret_matches(given, self._secret):
            return web.json_response({"ok": False}, status=403)
        body = await webhook_json(request, CHANNEL, MAX_WEBHOOK_BYTES)
        event = body.get("result", body) if body is not None else None
        if not isinstance(event, dict) or not well_formed(event):
            if body is not None:
                log.warning("zalo webhook: malformed event refused")
            return web.json_response({"ok": False}, status=400)
        await self.process(event)
        return web.json_response({"ok": True})

    async def run_polling(self) -> None:
        """Long-poll getUpdates until cancelled; each event is handled in its own task."""
        await self._replay()
        delay = 1.0
        while True:
            try:
                event = await self.api.get_update(self._poll_timeout)
            except ZaloApiError as exc:
                if exc.status in (401, 404):
                    log.error("zalo polling stopped: %s (check ZALO_BOT_TOKEN)", exc)
                    return
                log.warning("zalo polling: %s", exc)
                await self._sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            except ChannelError as exc:
                log.warning("zalo polling: %s", exc)
                await self._sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            if event is not None:
                number = await self._keep(event)
                task = asyncio.create_task(self._process_kept(event, number))
                self._handling.add(task)
                task.add_done_callback(self._handling.discard)

    def _number(self) -> int:
        """An increasing key for a kept event (Zalo's events carry no update number)."""
        self._last_number = max(self._last_number + 1, time.time_ns())
        return self._last_number

    async def _keep(self, event: dict[str, Any]) -> int | None:
        """Write the event to the inbox before handling it; its key, or None when not kept."""
        if self.inbox is None:
            return None
        number = self._number()
        try:
            await self.inbox.keep(CHANNEL, [(number, json.dumps(event, ensure_ascii=False))], [])
        except Exception as exc:  # noqa: BLE001 - not kept: handled all the same
            log.error("zalo event not kept (%s): handled without a copy", type(exc).__name__)
            return None
        return number

    async def _process_kept(self, event: dict[str, Any], number: int | None) -> None:
        await self._process_logged(event)
        if number is None or self.inbox is None:
            return
        try:
            await self.inbox.forget(CHANNEL, [number])
        except Exception as exc:  # noqa: BLE001 - left in the inbox: a restart replays its stored replies
            log.warning("zalo handled event not dropped from the inbox (%s)", type(exc).__name__)

    async def _replay(self) -> None:
        """Handle, in order, the events a stopped process kept and did not finish."""
        if self.inbox is not None:
            numbers = await replay_kept(self.inbox, CHANNEL, json.loads, self._process_logged, CHANNEL, self._sleep)
            self._last_number = max([self._last_number, *numbers])

    async def _process_logged(self, event: dict[str, Any]) -> None:
        try:
            await self.process(event)
        except Exception:  # noqa: BLE001 - one bad event must not stop polling
            log.exception("zalo event failed")

    async def start(self) -> None:
        """Start polling, or register the webhook when its public URL is configured."""
        if self.mode == "polling":
            self._poller = asyncio.create_task(self.run_polling(), name="zalo-polling")
            return
        await self._replay()  # what polling kept before a switch to webhooks
        if self.webhook_url and self._secret:
            await with_retry(lambda: self.api.set_webhook(self.webhook_url or "", self._secret or ""), sleep=self._sleep)
            log.info("zalo webhook set")

    async def stop(self) -> None:
        """Stop polling, let running handlers finish, close the session."""
        if self._poller is not None:
            self._poller.cancel()
            try:
                await self._poller
            except asyncio.CancelledError:
                pass
            self._poller = None
        if self._handling:
            await asyncio.gather(*self._handling, return_exceptions=True)
        await self.api.close()

    # --- sending ----------------------------------------------------------------------

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply, split at 2,000 characters (403: RecipientUnreachable)."""
        pieces = split_text(render(reply), TEXT_LIMIT) if reply.text or reply.buttons else []
        try:
            for piece in pieces:
                await with_retry(lambda piece=piece: self.api.send_message(address.chat_id, piece), sleep=self._sleep)
        except RecipientUnreachable:
            log.info("zalo chat unreachable (403)")
            raise
        if reply.attachments:
            await self._send_files(address, reply.attachments)

    async def _send_files(self, address: Address, attachments: tuple[Attachment, ...]) -> None:
        """Images as photos where Zalo can fetch them, every other file as a link in one text."""
        if self.files is None:
            log.warning("zalo: %d attachment(s) not sent (no file links configured)", len(attachments))
            return
        lines = []
        for attachment in attachments:
            link = await self.files.offer(attachment, address)
            if not (attachment.mime_type.startswith("image/") and await self._photo(address, link)):
                lines.append(self.files.line(link))
        for piece in split_text("\n\n".join(lines), TEXT_LIMIT) if lines else []:
            await with_retry(lambda piece=piece: self.api.send_message(address.chat_id, piece), sleep=self._sleep)

    async def _photo(self, address: Address, link: FileLink) -> bool:
        """Send an image by its link; False when Zalo refuses it (e.g. a local URL it cannot fetch)."""
        try:
            await with_retry(lambda: self.api.send_photo(address.chat_id, link.url), sleep=self._sleep)
        except PermanentChannelError as exc:
            log.warning("zalo: photo not sent, offered as a link instead: %s", exc)
            return False
        return True
