"""A fake Zalo Bot Platform API on 127.0.0.1 for our Zalo client.

    async with FakeZaloAPI(TOKEN) as api:
        channel = ZaloChannel(ZaloBotAPI(TOKEN, base_url=api.base_url), handle)
        api.push_text("u1", "xin chào")
        await api.wait_for_messages("u1", 2)

getUpdates hands out one event per call (no offset) and answers 408 when the long poll
expires; sendMessage enforces 1–2,000 characters; sendPhoto downloads the photo from its URL as
Zalo does (400 when that fails or is not an image); once setWebhook is called, queued events are
POSTed to the webhook with the X-Bot-Api-Secret-Token header instead.
"""

import asyncio
import itertools
import time
from collections import defaultdict, deque
from typing import Any, Self

import aiohttp
from aiohttp import web

from tests.fakes.telegram_queue import Signal

JsonDict = dict[str, Any]
SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloError(Exception):
    """An error answer: HTTP status equals error_code."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description

    def payload(self) -> JsonDict:
        return {"ok": False, "error_code": self.status, "description": self.description}


class FakeZaloAPI:
    """Routes /bot{token}/{method}, queues events, records sends, injects faults."""

    def __init__(self, token: str, *, max_poll_seconds: float = 0.5) -> None:
        self.token = token
        self.max_poll_seconds = max_poll_seconds
        self.calls: list[tuple[str, JsonDict, int]] = []
        self.sent: dict[str, list[str]] = defaultdict(list)
        self.photos: dict[str, list[tuple[str, bytes]]] = defaultdict(list)  # (URL, downloaded bytes)
        self.webhook: JsonDict = {"url": "", "secret_token": None}
        self.webhook_statuses: list[int] = []
        self.blocked: set[str] = set()
        self._faults: dict[str, deque[int]] = defaultdict(deque)
        self._queue: deque[JsonDict] = deque()
        self._signal = Signal()
        self._ids = itertools.count(1)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._delivery: asyncio.Task[None] | None = None
        self.base_url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._signal.notify()
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    # --- HTTP ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await request.json() if request.can_read_body else {}
        except ValueError:
            params = None
        try:
            if request.match_info["token"] != self.token:
                raise ZaloError(401, "Unauthorized")
            if not isinstance(params, dict):
                raise ZaloError(400, "Bad Request: body must be a JSON object")
            if self._faults[method]:
                status = self._faults[method].popleft()
                raise ZaloError(status, "Quota exceeded" if status == 429 else f"injected {status}")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ZaloError(404, "Not Found")
            result = await handler(params)
        except ZaloError as error:
            self._record(method, params, error.status)
            return web.json_response(error.payload(), status=error.status)
        self._record(method, params, 200)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: Any, status: int) -> None:
        self.calls.append((method, params if isinstance(params, dict) else {}, status))
        self._signal.notify()

    async def _m_getMe(self, params: JsonDict) -> JsonDict:
        return {
            "id": self.token.split(":")[0],
            "account_name": "bot.doithoai",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _m_getUpdates(self, params: JsonDict) -> JsonDict:
        if self.webhook["url"]:
            raise ZaloError(400, "Bad Request: getUpdates is unavailable while a webhook is set")
        timeout = min(float(params.get("timeout") or 30), self.max_poll_seconds)
        got = await self._signal.wait_for(lambda: bool(self._queue) or self._closing, timeout)
        if not got or not self._queue:
            raise ZaloError(408, "Request timeout")
        return self._queue.popleft()

    async def _m_sendMessage(self, params: JsonDict) -> JsonDict:
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            raise ZaloError(400, "Bad Request: chat_id is required")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            raise ZaloError(400, "Bad Request: text must be 1-2000 characters")
        if chat_id in self.blocked:
            raise ZaloError(403, "Forbidden: the user cannot receive messages from this bot")
        self.sent[chat_id].append(text)
        return {"message_id": f"bot{next(self._ids)}", "date": int(time.time() * 1000)}

    async def _m_sendPhoto(self, params: JsonDict) -> JsonDict:
        chat_id, photo = params.get("chat_id"), params.get("photo")
        if not isinstance(chat_id, str) or not chat_id:
            raise ZaloError(400, "Bad Request: chat_id is required")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise ZaloError(400, "Bad Request: photo must be a URL")
        if chat_id in self.blocked:
            raise ZaloError(403, "Forbidden: the user cannot receive messages from this bot")
        try:
            async with aiohttp.ClientSession() as http, http.get(photo) as response:
                body, status, kind = await response.read(), response.status, response.content_type
        except aiohttp.ClientError:
            raise ZaloError(400, "Bad Request: photo cannot be downloaded") from None
        if status != 200 or not kind.startswith("image/"):
            raise ZaloError(400, f"Bad Request: photo cannot be downloaded ({status} {kind})")
        self.photos[chat_id].append((photo, body))
        return {"message_id": f"bot{next(self._ids)}", "date": int(time.time() * 1000)}

    async def _m_sendChatAction(self, params: JsonDict) -> None:
        return None

    async def _m_setWebhook(self, params: JsonDict) -> JsonDict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url:
            raise ZaloError(400, "Bad Request: url is required")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ZaloError(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        if self._delivery is None:
            self._delivery = asyncio.create_task(self._deliver_loop())
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _m_deleteWebhook(self, params: JsonDict) -> JsonDict:
        self.webhook = {"url": "", "secret_token": None}
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _m_getWebhookInfo(self, params: JsonDict) -> JsonDict:
        return {"url": self.webhook["url"], "updated_at": int(time.time() * 1000)}

    # --- webhook delivery -------------------------------------------------------------------

    async def post_webhook(
        self, event: JsonDict, *, url: str | None = None, secret: str | None = None
    ) -> int:
        """POST one event as Zalo does; `secret=None` sends no header. Returns the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with aiohttp.ClientSession() as http:
            async with http.post(
                url or self.webhook["url"], json={"ok": True, "result": event}, headers=headers
            ) as r:
                self.webhook_statuses.append(r.status)
                self._signal.notify()
                return r.status

    async def _deliver_loop(self) -> None:
        while not self._closing:
            await self._signal.wait_for(
                lambda: bool(self._queue and self.webhook["url"]) or self._closing, None
            )
            if self._closing:
                return
            event = self._queue.popleft()
            await self.post_webhook(event, secret=self.webhook["secret_token"])

    # --- injecting events -------------------------------------------------------------------

    def event(
        self,
        user_id: str,
        name: str,
        *,
        text: str | None = None,
        chat_type: str = "PRIVATE",
        chat_id: str | None = None,
        message_id: str | None = None,
    ) -> JsonDict:
        """A Zalo event as the platform sends it."""
        message: JsonDict = {
            "from": {"id": user_id, "display_name": f"Người dùng {user_id}", "is_bot": False},
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
            "message_id": message_id or f"m{next(self._ids)}",
            "date": int(time.time() * 1000),
        }
        if text is not None:
            message["text"] = text
        return {"event_name": name, "message": message}

    def push(self, event: JsonDict) -> JsonDict:
        """Queue an event for getUpdates (or webhook delivery)."""
        self._queue.append(event)
        self._signal.notify()
        return event

    def push_text(self, user_id: str, text: str, **kwargs: Any) -> JsonDict:
        """A user writes a text."""
        return self.push(self.event(user_id, "message.text.received", text=text, **kwargs))

    def push_kind(self, user_id: str, kind: str) -> JsonDict:
        """A user sends an image, sticker, voice, or content Zalo hides ("unsupported")."""
        return self.push(self.event(user_id, f"message.{kind}.received"))

    # --- faults and inspection --------------------------------------------------------------

    def fail_next(self, method: str, status: int, count: int = 1) -> None:
        """The next `count` calls of `method` fail with `status`."""
        self._faults[method].extend([status] * count)

    def calls_to(self, method: str) -> list[tuple[str, JsonDict, int]]:
        """Every call of one method, failed ones included."""
        return [call for call in self.calls if call[0] == method]

    def sent_messages(self, chat_id: str) -> list[str]:
        """Texts the bot sent to a chat, in order."""
        return list(self.sent[chat_id])

    async def wait_for_messages(self, chat_id: str, count: int, timeout: float = 5.0) -> list[str]:
        """Wait until the bot sent `count` messages to a chat; returns them all."""
        if not await self._signal.wait_for(lambda: len(self.sent[chat_id]) >= count, timeout):
            raise AssertionError(
                f"zalo chat {chat_id} got {self.sent[chat_id]!r}, wanted {count} messages"
            )
        return self.sent_messages(chat_id)

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> None:
        """Wait until predicate() holds; re-checked after every fake API event."""
        if not await self._signal.wait_for(predicate, timeout):
            raise AssertionError(f"condition not met in {timeout}s")

    async def wait_drained(self, timeout: float = 5.0) -> None:
        """Wait until every queued event was handed out."""
        if not await self._signal.wait_for(lambda: not self._queue, timeout):
            raise AssertionError(f"{len(self._queue)} zalo events still queued")
