"""Web chat channel: a static chat page and a small JSON API, embeddable in an iframe."""

import html
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from bot.channels.web_api import (
    CHANNEL, NO_STORE, TEXTS, Rejected, error_response, may_consent, page_headers, parse_payload, parse_text,
    reply_to_json, session_of,
)
from bot.channels.web_guard import (
    Counter, Limits, WindowCounter, client_key, cross_site_refusal, origin_of, parse_networks,
)
from bot.channels.web_links import UnitName
from bot.channels.web_session import SessionSigner
from bot.errors import RecipientUnreachable
from bot.files import FileLinks
from handlers import texts
from handlers.types import Address, IncomingMessage, Reply

__all__ = ["TEXTS", "WebChannel", "create_web_app", "parse_text"]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_AFTER = 10**18
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # a deep link's unit code (chat.js checks the same)

Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]
Known = Callable[[Address], Awaitable[bool]]  # whether the chat already has a youth (consented)


class Outbox(Protocol):
    """Where messages wait until the page polls (bot/channels/web_outbox.py)."""

    async def put(self, chat_id: str, message: dict[str, Any]) -> int: ...

    async def since(self, chat_id: str, after: int) -> list[tuple[int, dict[str, Any]]]: ...

    async def forget(self, chat_id: str) -> None: ...


class WebChannel:
    """Holds the conversation coroutine and serves the chat page and its API."""

    name = CHANNEL

    def __init__(
        self,
        handle: Handle,
        *,
        secret: bytes,
        outbox: Outbox | None = None,
        frame_ancestors: Sequence[str] = (),
        limits: Limits = Limits(),
        known: Known | None = None,
        now: Callable[[], float] = time.monotonic,
        counters: tuple[Counter, Counter] | None = None,  # (sessions, consents); in memory by default
        max_body_bytes: int = 64_000,
        title: str | None = None,
        static_dir: Path = STATIC_DIR,
        organizer: str = "",  # who runs the bot (campaign.organizer), in the page's heading
        units: Mapping[str, str] | None = None,  # unit code (upper case) → name, for a deep link's unit line
        unit_name: UnitName | None = None,  # a campaign's unit by (key, code), for ?campaign=KEY&unit=CODE
    ) -> None:
        self.handle = handle
        self.outbox = outbox
        self.signer = SessionSigner(secret)
        self.known = known
        self.max_body_bytes = max_body_bytes
        self.static_dir = static_dir
        self.files: FileLinks | None = None  # attachments become signed download links (bot/files.py)
        portals = [origin_of(entry) for entry in frame_ancestors]
        if None in portals:
            raise ValueError("frame_ancestors: each entry must be an origin such as https://tinhdoan.example.vn")
        self.portals = frozenset(p for p in portals if p is not None)
        self.headers = page_headers(sorted(self.portals))
        self.limits = limits
        self.proxies = parse_networks(limits.trusted_proxies)
        self.sessions, self.consents = counters or (
            WindowCounter(limits.sessions, limits.window_seconds, now, limits.max_addresses),
            WindowCounter(limits.consents, limits.window_seconds, now, limits.max_addresses),
        )
        self.units = dict(units or {})
        self.unit_name = unit_name
        self.page = _page_template((static_dir / "index.html").read_text(encoding="utf-8"), title, organizer)
        self.index_html = self._page(None)
        self.app = self._build_app()

    def _page(self, name: str | None) -> str:
        """The page, with the line naming a deep link's unit when it is known."""
        page_texts = dict(texts.WEB_PAGE, unitLine=texts.GREETING_UNIT.format(unit=name)) if name else texts.WEB_PAGE
        return self.page.replace("{{texts}}", json.dumps(page_texts, ensure_ascii=False).replace("<", "\\u003c"))

    def _build_app(self) -> web.Application:
        # The body limit is enforced in _read_json so that the 413 is JSON too.
        app = web.Application(
            client_max_size=self.max_body_bytes, middlewares=[self._headers_middleware]
        )
        app.router.add_get("/", self.index)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_post("/api/session", self.new_session)
        app.router.add_post("/api/message", self.post_message)
        app.router.add_post("/api/poll", self.poll)
        app.router.add_static("/static", self.static_dir)
        return app

    @web.middleware
    async def _headers_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Security headers everywhere; API posts checked first; JSON instead of tracebacks."""
        try:
            if request.path.startswith("/api/") and request.method == "POST":
                self._check_post(request)
            response = await handler(request)
        except Rejected as exc:
            log = logger.debug if exc.quiet else logger.warning
            log("web channel: refused %s (%s, HTTP %d)", request.path, exc.key, exc.status)
            minutes = max(1, round(self.limits.window_seconds / 60))
            response = error_response(exc.key, exc.status, minutes=minutes)
        except web.HTTPException as exc:
            if not request.path.startswith("/api/") or exc.status < 400:
                raise
            logger.warning("web channel: HTTP %d on %s", exc.status, request.path)
            key = "not_found" if exc.status in (404, 405) else "bad_json"
            response = error_response(key, exc.status)
        except Exception:
            logger.exception("web channel: unexpected error on %s", request.path)
            response = error_response("internal", 500)
        response.headers.update(self.headers)
        return response

    def _check_post(self, request: web.Request) -> None:
        """Refuse posts from other sites (403) and bodies that are not JSON (415)."""
        reason = cross_site_refusal(request, self.portals, self.proxies)
        if reason is not None:
            logger.debug("web channel: cross-site post refused: %s", reason)
            raise Rejected("cross_site", 403)
        if request.content_type != "application/json":
            raise Rejected("not_json", 415)

    async def _spend(self, counter: Counter, request: web.Request, key: str) -> None:
        """Count one new session or consent for the client's address, or refuse with 429."""
        client = client_key(request, self.proxies)
        hits = await counter.hit(client)
        if hits > counter.limit:
            first = hits == counter.limit + 1  # one warning per address and window, not one per request
            if first:
                logger.debug("web channel: %s from %s", key, client)
            raise Rejected(key, 429, quiet=not first)

    async def index(self, request: web.Request) -> web.Response:
        """The chat page."""
        unit, campaign = request.query.get("unit", ""), request.query.get("campaign", "")
        name = None
        if unit and len(unit) <= 32 and CODE.match(unit):
            if campaign and len(campaign) <= 16 and self.unit_name is not None:
                name = await self.unit_name(campaign.lower(), unit)  # that campaign's unit (KESACH may be in several)
            elif not campaign:
                name = self.units.get(unit.upper())
        page = self._page(name) if name else self.index_html
        return web.Response(text=page, content_type="text/html", charset="utf-8", headers=NO_STORE)

    async def healthz(self, request: web.Request) -> web.Response:
        """Liveness probe."""
        return web.json_response({"ok": True})

    async def new_session(self, request: web.Request) -> web.Response:
        """POST {} → a fresh signed session token; the server keeps no table, the id is the chat id."""
        if not isinstance(await self._read_json(request), dict):
            raise Rejected("bad_json")
        await self._spend(self.sessions, request, "too_many_sessions")
        return web.json_response({"session": self.signer.issue()}, headers=NO_STORE)

    async def post_message(self, request: web.Request) -> web.Response:
        """Validate one user message, run the conversation and return its replies."""
        message = parse_payload(await self._read_json(request), self.signer)
        logger.debug("web message %s kind=%s text=%r", message.update_id, message.kind.value,
                     message.text or message.button_data)
        if may_consent(message) and not (self.known is not None and await self.known(message.address)):
            await self._spend(self.consents, request, "too_many_consents")
        try:
            replies = await self.handle(message)
        except Exception:
            logger.exception("web channel: conversation failed (kind=%s)", message.kind.value)
            return error_response("internal", 500)
        body: dict[str, Any] = {"replies": []}
        for reply in replies:
            if reply.address is not None and reply.address != message.address:
                # Not ours to deliver over this HTTP response: the caller routes those.
                logger.warning("web channel: dropped a reply addressed to another chat")
                continue
            body["replies"].append(await self._to_json(message.address, reply))
            if reply.erased:
                body["erased"] = True  # the page forgets its transcript and token
        if body.get("erased") and self.outbox is not None:
            await self.outbox.forget(message.address.chat_id)  # answers waiting for the page go too
        return web.json_response(body, headers=NO_STORE)

    async def send(self, address: Address, reply: Reply) -> None:
        """Queue a message that is not a direct reply; the page fetches it with /api/poll."""
        if self.outbox is None:
            raise RecipientUnreachable("the web chat has no outbox")
        await self.outbox.put(address.chat_id, await self._to_json(address, reply))

    async def _to_json(self, address: Address, reply: Reply) -> dict[str, Any]:
        """The browser's view of a reply; each attachment with its signed download link."""
        out = reply_to_json(reply)
        if reply.attachments and self.files is not None:
            links = [await self.files.offer(a, address) for a in reply.attachments]
            out["attachments"] = [
                {"filename": link.filename, "mime_type": link.mime_type, "url": link.url,
                 "title": texts.FILE_LINK_UNTIL.format(time=self.files.local_time(link.expires))}
                for link in links
            ]
        return out

    async def poll(self, request: web.Request) -> web.Response:
        """POST {"session", "after"}: the session's queued messages after that id (no token in URLs)."""
        payload = await self._read_json(request)
        session = session_of(payload, self.signer)
        after = payload.get("after", 0)
        if type(after) is not int or not 0 <= after < MAX_AFTER:
            raise Rejected("bad_json")
        rows = await self.outbox.since(session, after) if self.outbox is not None else []
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


def _page_template(page: str, title: str | None, organizer: str) -> str:
    """index.html with its title, heading and labels filled in (escaped); the texts JSON comes per request."""
    heading = texts.WEB_HEADER.format(organizer=organizer) if organizer else texts.WEB_HEADER_PLAIN
    title = title or (texts.WEB_TITLE.format(organizer=organizer) if organizer else texts.WEB_HEADER_PLAIN)
    fields = {"title": title, "heading": heading, "subtitle": texts.WEB_SUBTITLE, **texts.WEB_PAGE}
    for key, value in fields.items():
        page = page.replace("{{" + key + "}}", html.escape(value))
    return page


def create_web_app(handle: Handle, *, secret: bytes, **options: Any) -> web.Application:
    """The web chat application: page, static assets, /healthz and the JSON API."""
    return WebChannel(handle, secret=secret, **options).app
