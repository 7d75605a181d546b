"""The seam every channel adapter implements for outgoing messages."""

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from handlers.types import Address, Attachment, IncomingMessage, Reply

log = logging.getLogger(__name__)

# Telegram's most simultaneous webhook requests (its default is 40). Our webhook answers a request
# only once its update is handled, so this bounds the updates in flight across all workers.
TELEGRAM_WEBHOOK_CONNECTIONS = 100
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # staff imports (/nhap): a larger document is not downloaded
MayUpload = Callable[[Address], Awaitable[bool]]  # whose documents are downloaded (staff only)


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
