"""Files on Zalo OA. To staff: images and PDF/DOC/DOCX are uploaded, then sent; others go as a link.
From staff: a file they send (/nhap) is downloaded from the URL in its event; anyone else's is not.

Zalo OA takes images (JPG/PNG, up to 1 MB) and files (PDF, DOC, DOCX, up to 5 MB) only, so an
.xlsx export cannot travel as an OA file: the staff member gets a signed download link instead
(bot/files.py), or is told so when no link can be made.
"""

import asyncio
import logging
import mimetypes
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.channels.base import MAX_UPLOAD_BYTES, Document, MayUpload, with_staff_document
from bot.errors import TransientChannelError
from handlers import texts
from handlers.types import Address, Attachment, IncomingMessage

if TYPE_CHECKING:
    from bot.channels.zalo_oa import ZaloOAChannel

log = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
FILE_TYPES = frozenset({
    "application/pdf", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
})
MAX_IMAGE_BYTES = 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024


def kind_of(attachment: Attachment) -> str | None:
    """"image", "file", or None when Zalo OA cannot carry it."""
    size = len(attachment.content)
    if attachment.mime_type in IMAGE_TYPES and size <= MAX_IMAGE_BYTES:
        return "image"
    if attachment.mime_type in FILE_TYPES and size <= MAX_FILE_BYTES:
        return "file"
    return None


def message_for(kind: str, uploaded: str) -> dict[str, Any]:
    """The consultation message carrying an uploaded image or file."""
    if kind == "image":
        element = {"media_type": "image", "attachment_id": uploaded}
        return {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [element]}}}
    return {"attachment": {"type": "file", "payload": {"token": uploaded}}}


async def send_attachments(channel: "ZaloOAChannel", user_id: str, attachments: Sequence[Attachment]) -> None:
    """Upload and send each attachment OA can carry; offer the others by a signed link."""
    for attachment in attachments:
        kind = kind_of(attachment)
        if kind is None and channel.files is not None:
            link = await channel.files.offer(attachment, Address(channel.name, user_id))
            await channel._send_one(user_id, {"text": channel.files.line(link)})
            continue
        if kind is None:
            log.info("zalo oa: a %s attachment cannot be sent as an OA file", attachment.mime_type)
            await channel._send_one(user_id, {"text": texts.OA_FILE_NOT_SENT.format(filename=attachment.filename)})
            continue
        uploaded = await channel.api.upload(kind, attachment.filename, attachment.content, attachment.mime_type)
        await channel._send_one(user_id, message_for(kind, uploaded))


def _described(event: dict[str, Any]) -> tuple[Document, str] | None:
    """The file of a user_send_file event and its download URL."""
    attachments = (event.get("message") or {}).get("attachments") or []
    payload = (attachments[0].get("payload") or {}) if attachments and isinstance(attachments[0], dict) else {}
    url, name = payload.get("url"), str(payload.get("name") or "file")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    try:
        size = int(payload.get("size") or 0)
    except (TypeError, ValueError):
        size = 0
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Document(name, mime, size, None), url


async def with_staff_file(
    incoming: IncomingMessage, event: dict[str, Any], may_upload: MayUpload | None, http: aiohttp.ClientSession
) -> IncomingMessage:
    """Attach the file a staff member sent (at most MAX_UPLOAD_BYTES)."""
    described = _described(event)
    if described is None:
        return incoming
    document, url = described

    async def download() -> bytes:
        try:
            async with http.get(url) as response:
                if response.status != 200:
                    raise TransientChannelError(f"file download: HTTP {response.status}")
                return await response.content.read(MAX_UPLOAD_BYTES + 1)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientChannelError(f"file download: {type(exc).__name__}") from None

    return await with_staff_document(incoming, document, may_upload, download, (TransientChannelError,))
