"""Files to staff on Zalo OA: images and PDF/DOC/DOCX are uploaded, then sent; others are named.

Zalo OA takes images (JPG/PNG, up to 1 MB) and files (PDF, DOC, DOCX, up to 5 MB) only, so an
.xlsx export cannot travel as an OA file: the staff member is told so instead.
"""

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from handlers import texts
from handlers.types import Attachment

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
    """Upload and send each attachment OA can carry; name the others in a text."""
    for attachment in attachments:
        kind = kind_of(attachment)
        if kind is None:
            log.info("zalo oa: a %s attachment cannot be sent as an OA file", attachment.mime_type)
            await channel._send_one(user_id, {"text": texts.OA_FILE_NOT_SENT.format(filename=attachment.filename)})
            continue
        uploaded = await channel.api.upload(kind, attachment.filename, attachment.content, attachment.mime_type)
        await channel._send_one(user_id, message_for(kind, uploaded))
