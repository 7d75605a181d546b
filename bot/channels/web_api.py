"""What the web chat API accepts and answers: body checks, error texts, the browser's view of a reply."""

import re
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.channels.web_session import SessionSigner
from handlers import texts
from handlers.choices import match_choice
from handlers.types import Address, IncomingMessage, Kind, Reply

# Every Vietnamese string the API sends, by the key the logs name.
TEXTS: dict[str, str] = {
    "bad_json": texts.WEB_BAD_JSON,
    "bad_session": texts.WEB_BAD_SESSION,
    "bad_mid": texts.WEB_BAD_MID,
    "one_of": texts.WEB_ONE_OF,
    "empty_text": texts.WEB_EMPTY_TEXT,
    "text_too_long": texts.WEB_TEXT_TOO_LONG,
    "bad_button": texts.WEB_BAD_BUTTON,
    "too_large": texts.WEB_TOO_LARGE,
    "not_found": texts.WEB_NOT_FOUND,
    "internal": texts.WEB_INTERNAL,
    "not_json": texts.WEB_NOT_JSON,
    "cross_site": texts.WEB_CROSS_SITE,
    "too_many_sessions": texts.WEB_TOO_MANY_SESSIONS,
    "too_many_consents": texts.WEB_TOO_MANY_CONSENTS,
}

CHANNEL = "web"
MID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_TEXT_CHARS = 100_000
MAX_BUTTON_BYTES = 64
NO_STORE = {"Cache-Control": "no-store"}
CONSENT_CHOICES = ((texts.BTN_CONSENT_YES, "consent:yes"), (texts.BTN_CONSENT_NO, "consent:no"))


class Rejected(Exception):
    """A request the channel refuses before the conversation sees it."""

    def __init__(self, key: str, status: int = 400, quiet: bool = False) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.quiet = quiet  # already logged once in this window (a flood)


def error_response(key: str, status: int, **fields: object) -> web.Response:
    """A JSON error body carrying the Vietnamese text for `key`."""
    return web.json_response({"error": TEXTS[key].format(**fields)}, status=status, headers=NO_STORE)


def parse_text(address: Address, text: str, update_id: str) -> IncomingMessage:
    """Turn typed text into a TEXT or COMMAND message ("/start@bot U05" → start, "U05")."""
    if text.startswith("/") and text[1:2].strip():
        head, *rest = text[1:].split(None, 1)
        command = head.split("@", 1)[0].lower()
        if command:
            return IncomingMessage(
                address=address, kind=Kind.COMMAND, text=text, command=command,
                args=rest[0].strip() if rest else "", update_id=update_id,
            )
    return IncomingMessage(address=address, kind=Kind.TEXT, text=text, update_id=update_id)


def session_of(payload: Any, signer: SessionSigner) -> str:
    """The verified session id of a decoded body, or Rejected (401: the page then opens a new one)."""
    if not isinstance(payload, dict):
        raise Rejected("bad_json")
    session_id = signer.verify(payload.get("session"))
    if session_id is None:
        raise Rejected("bad_session", 401)
    return session_id


def parse_payload(payload: Any, signer: SessionSigner) -> IncomingMessage:
    """Validate a decoded /api/message body and build the IncomingMessage, or raise Rejected."""
    session = session_of(payload, signer)
    mid = payload.get("mid")
    if not isinstance(mid, str) or not MID_RE.fullmatch(mid):
        raise Rejected("bad_mid")
    address = Address(CHANNEL, session)
    update_id = f"{session}:{mid}"
    text, button = payload.get("text"), payload.get("button")
    if (text is None) == (button is None):
        raise Rejected("one_of")
    if button is not None:
        if not isinstance(button, str) or not button or len(button.encode()) > MAX_BUTTON_BYTES:
            raise Rejected("bad_button")
        return IncomingMessage(
            address=address, kind=Kind.BUTTON, button_data=button, update_id=update_id
        )
    if not isinstance(text, str):
        raise Rejected("bad_json")
    text = text.replace("\x00", "")
    if len(text) > MAX_TEXT_CHARS:
        raise Rejected("text_too_long")
    if not text.strip():
        raise Rejected("empty_text")
    return parse_text(address, text, update_id)


def may_consent(message: IncomingMessage) -> bool:
    """Whether `message` gives consent when its chat has none yet (the button, or its typed form)."""
    if message.kind is Kind.BUTTON:
        return (message.button_data or "").startswith("consent:yes")
    return message.kind is Kind.TEXT and match_choice(message.text, CONSENT_CHOICES) == "consent:yes"


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """The browser's view of one Reply: text, button rows and attachment metadata."""
    out: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
    }
    if reply.attachments:
        out["attachments"] = [
            {"filename": a.filename, "mime_type": a.mime_type} for a in reply.attachments
        ]
    return out


def page_headers(frame_ancestors: Sequence[str]) -> dict[str, str]:
    """Security headers for every response: only our page and the configured portals may frame it."""
    ancestors = " ".join(["'self'", *frame_ancestors])
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
