"""Web chat channel: a static chat page and a small JSON API, embeddable in an iframe."""

import html
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from bot.errors import RecipientUnreachable
from handlers.types import Address, IncomingMessage, Kind, Reply

logger = logging.getLogger(__name__)

# Every Vietnamese string the server sends, in one place (may move to handlers/texts.py).
TEXTS: dict[str, str] = {
    "bad_json": "Không đọc được dữ liệu gửi lên. Bạn vui lòng tải lại trang rồi thử lại.",
    "bad_session": "Phiên trò chuyện không hợp lệ. Bạn bấm “Bắt đầu lại” để mở phiên mới.",
    "bad_mid": "Mã tin nhắn không hợp lệ. Bạn vui lòng tải lại trang rồi gửi lại.",
    "one_of": "Mỗi lần bạn chỉ gửi một tin nhắn hoặc bấm một lựa chọn.",
    "empty_text": "Tin nhắn đang trống, bạn hãy nhập nội dung rồi gửi.",
    "text_too_long": "Tin nhắn quá dài. Bạn vui lòng rút gọn rồi gửi lại.",
    "bad_button": "Lựa chọn không hợp lệ. Bạn vui lòng chọn lại.",
    "too_large": "Tin nhắn quá dài, hệ thống không nhận được. Bạn vui lòng rút gọn rồi gửi lại.",
    "not_found": "Không tìm thấy địa chỉ này.",
    "internal": "Hệ thống đang gặp sự cố, bạn vui lòng thử lại sau ít phút.",
}

CHANNEL = "web"
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
SESSION_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
MID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_TEXT_CHARS = 100_000
MAX_BUTTON_BYTES = 64
NO_STORE = {"Cache-Control": "no-store"}

AFTER_RE = re.compile(r"\d{1,18}")
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]


class Outbox(Protocol):
    """Where messages wait until the page polls (bot/channels/web_outbox.py)."""

    async def put(self, chat_id: str, message: dict[str, Any]) -> int: ...

    async def since(self, chat_id: str, after: int) -> list[tuple[int, dict[str, Any]]]: ...


class Rejected(Exception):
    """A request the channel refuses before the conversation sees it."""

    def __init__(self, key: str, status: int = 400) -> None:
        super().__init__(key)
        self.key = key
        self.status = status


def error_response(key: str, status: int) -> web.Response:
    """A JSON error body carrying the Vietnamese text for `key`."""
    return web.json_response({"error": TEXTS[key]}, status=status, headers=NO_STORE)


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


def parse_payload(payload: Any) -> IncomingMessage:
    """Validate a decoded /api/message body and build the IncomingMessage, or raise Rejected."""
    if not isinstance(payload, dict):
        raise Rejected("bad_json")
    session, mid = payload.get("session"), payload.get("mid")
    if not isinstance(session, str) or not SESSION_RE.fullmatch(session):
        raise Rejected("bad_session")
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


class WebChannel:
    """Holds the conversation coroutine and serves the chat page and its API."""

    name = CHANNEL

    def __init__(
        self,
        handle: Handle,
        *,
        outbox: Outbox | None = None,
        frame_ancestors: str = "*",
        max_body_bytes: int = 64_000,
        title: str = "Hỏi đáp thanh niên",
        static_dir: Path = STATIC_DIR,
    ) -> None:
        self.handle = handle
        self.outbox = outbox
        self.max_body_bytes = max_body_bytes
        self.static_dir = static_dir
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frame_ancestors}"
        )
        page = (static_dir / "index.html").read_text(encoding="utf-8")
        self.index_html = page.replace("{{title}}", html.escape(title))
        self.app = self._build_app()

    def _build_app(self) -> web.Application:
        # The body limit is enforced in post_message so that the 413 is JSON too.
        app = web.Application(
            client_max_size=self.max_body_bytes, middlewares=[self._headers_middleware]
        )
        app.router.add_get("/", self.index)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_post("/api/session", self.new_session)
        app.router.add_post("/api/message", self.post_message)
        app.router.add_get("/api/poll", self.poll)
        app.router.add_static("/static", self.static_dir)
        return app

    @web.middleware
    async def _headers_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Security headers everywhere; JSON instead of tracebacks for the API."""
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if not request.path.startswith("/api/") or exc.status < 400:
                raise
            key = "not_found" if exc.status in (404, 405) else "bad_json"
            response = error_response(key, exc.status)
        except Exception:
            logger.exception("web channel: unexpected error on %s", request.path)
            response = error_response("internal", 500)
        response.headers["Content-Security-Policy"] = self.csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    async def index(self, request: web.Request) -> web.Response:
        """The chat page."""
        return web.Response(
            text=self.index_html, content_type="text/html", charset="utf-8", headers=NO_STORE
        )

    async def healthz(self, request: web.Request) -> web.Response:
        """Liveness probe."""
        return web.json_response({"ok": True})

    async def new_session(self, request: web.Request) -> web.Response:
        """A fresh opaque session token; the server keeps no table, the token is the chat id."""
        return web.json_response({"session": secrets.token_urlsafe(16)}, headers=NO_STORE)

    async def post_message(self, request: web.Request) -> web.Response:
        """Validate one user message, run the conversation and return its replies."""
        try:
            message = parse_payload(await self._read_json(request))
        except Rejected as exc:
            logger.warning("web channel: rejected message (%s, HTTP %d)", exc.key, exc.status)
            return error_response(exc.key, exc.status)
        logger.debug("web message %s kind=%s text=%r", message.update_id, message.kind.value,
                     message.text or message.button_data)
        try:
            replies = await self.handle(message)
        except Exception:
            logger.exception("web channel: conversation failed (kind=%s)", message.kind.value)
            return error_response("internal", 500)
        body = []
        for reply in replies:
            if reply.address is not None and reply.address != message.address:
                # Not ours to deliver over this HTTP response: the caller routes those.
                logger.warning("web channel: dropped a reply addressed to another chat")
                continue
            body.append(reply_to_json(reply))
        return web.json_response({"replies": body}, headers=NO_STORE)

    async def send(self, address: Address, reply: Reply) -> None:
        """Queue a message that is not a direct reply; the page fetches it with /api/poll."""
        if self.outbox is None:
            raise RecipientUnreachable("the web chat has no outbox")
        await self.outbox.put(address.chat_id, reply_to_json(reply))

    async def poll(self, request: web.Request) -> web.Response:
        """GET /api/poll?session=…&after=<id>: the session's queued messages after that id."""
        session, after = request.query.get("session", ""), request.query.get("after", "0")
        if not SESSION_RE.fullmatch(session):
            return error_response("bad_session", 400)
        if not AFTER_RE.fullmatch(after):
            return error_response("bad_json", 400)
        rows = await self.outbox.since(session, int(after)) if self.outbox is not None else []
        messages = [{"id": message_id, **message} for message_id, message in rows]
        return web.json_response({"messages": messages}, headers=NO_STORE)

    async def _read_json(self, request: web.Request) -> Any:
        """The decoded JSON body, or Rejected (413 when over the size limit)."""
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            raise Rejected("too_large", 413)
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise Rejected("too_large", 413) from None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise Rejected("bad_json") from None


def create_web_app(
    handle: Handle,
    *,
    frame_ancestors: str = "*",
    max_body_bytes: int = 64_000,
    title: str = "Hỏi đáp thanh niên",
) -> web.Application:
    """The web chat application: page, static assets, /healthz and the JSON API."""
    channel = WebChannel(
        handle, frame_ancestors=frame_ancestors, max_body_bytes=max_body_bytes, title=title
    )
    return channel.app
