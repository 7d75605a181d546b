"""The seam every channel adapter implements for outgoing messages."""

import dataclasses
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from handlers.types import Address, Attachment, IncomingMessage, Reply

log = logging.getLogger(__name__)

# Telegram's most simultaneous webhook requests (its default is 40). Our webhook answers a request
# only once its update is handled, so this bounds the updates in flight across all workers.
TELEGRAM_WEBHOOK_CONNECTIONS = 100
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # staff imports (/nhap): a larger document is not downloaded
MayUpload = Callable[[Address], Awaitable[bool]]  # whose documents are downloaded (staff only)
MAX_TELEGRAM_WEBHOOK_BYTES = 1024 * 1024  # an update is a few kB; aiohttp's own read limit is 1 MiB


class OutboundChannel(Protocol):
    """Something that can deliver a Reply to an address on its channel.

    `send` retries what is worth retrying (429 retry_after, 5xx, timeouts) and raises
    bot.errors.RecipientUnreachable (blocked/never started), PermanentChannelError (bad request)
    or TransientChannelError (gave up) otherwise.
    """

    name: str

    async def send(self, address: Address, reply: Reply) -> None: ...


class RunnableChannel(OutboundChannel, Protocol):
    """A channel the app runs: routes mounted before the web server starts, then start/stop."""

    def mount(self, app: web.Application) -> None:
        """Add webhook routes to the shared web server (nothing in polling mode)."""
        ...

    async def start(self) -> None:
        """Begin receiving: start polling or register the webhook (the server is already up)."""
        ...

    async def stop(self) -> None:
        """Stop receiving and close network resources."""
        ...


@dataclasses.dataclass(frozen=True)
class Document:
    """A document a chat sent, as each Telegram library describes it."""

    name: str | None
    mime_type: str | None
    size: int | None
    caption: str | None


async def with_staff_document(
    incoming: IncomingMessage,
    document: Document,
    may_upload: MayUpload | None,
    download: Callable[[], Awaitable[bytes]],
    failures: tuple[type[BaseException], ...],
) -> IncomingMessage:
    """Attach a document sent by staff (at most MAX_UPLOAD_BYTES); anyone else's is never fetched."""
    if may_upload is None or not await may_upload(incoming.address):
        return incoming
    caption = document.caption or ""
    if (document.size or 0) > MAX_UPLOAD_BYTES:
        log.info("document over %d bytes not downloaded", MAX_UPLOAD_BYTES)
        return dataclasses.replace(incoming, text=caption)
    try:
        content = await download()
    except failures as exc:
        log.warning("document download failed: %s", type(exc).__name__)
        return dataclasses.replace(incoming, text=caption)
    attachment = Attachment(
        document.name or "file", content[: MAX_UPLOAD_BYTES + 1], document.mime_type or "application/octet-stream"
    )
    return dataclasses.replace(incoming, text=caption, attachments=(attachment,))


def secret_matches(given: str | None, expected: str | None) -> bool:
    """A webhook secret header compared in constant time (any header text, never an exception)."""
    if given is None or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


async def webhook_json(request: web.Request, channel: str, limit: int) -> dict[str, Any] | None:
    """The webhook body as a JSON object, or None: too big, not JSON or not an object (one WARNING, no body)."""
    if request.content_length is not None and request.content_length > limit:
        return _refused(channel, f"{request.content_length} bytes announced")
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := await request.content.read(65536):
            size += len(chunk)
            if size > limit:
                return _refused(channel, f"over {limit} bytes")
            chunks.append(chunk)
    except (OSError, ValueError) as exc:
        return _refused(channel, type(exc).__name__)
    body = b"".join(chunks)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _refused(channel, f"not JSON, {len(body)} bytes")
    if not isinstance(data, dict):
        return _refused(channel, f"JSON {type(data).__name__}, not an object")
    return data


def _refused(channel: str, why: str) -> None:
    log.warning("%s webhook: malformed body refused (%s)", channel, why)
    return None


Menus = list[tuple[Address | None, list[tuple[str, str]]]]


def menu_chats(menus: Menus, channel: str) -> list[tuple[int | None, list[tuple[str, str]]]]:
    """The menus a numeric-id channel (Telegram) publishes: None is the default scope, then each of
    its staff chats; a configured chat id that is not a number is logged and left out, not a crash."""
    found: list[tuple[int | None, list[tuple[str, str]]]] = []
    for address, commands in menus:
        if address is None:
            found.append((None, commands))
        elif address.channel == channel:
            try:
                found.append((int(address.chat_id), commands))
            except ValueError:
                log.warning("%s: a staff chat id that is not a number has no command menu", channel)
    return found
