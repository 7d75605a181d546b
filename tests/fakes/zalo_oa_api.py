"""A fake Zalo Official Account platform on 127.0.0.1: the OA Open API and the OAuth server.

    async with FakeZaloOA(APP_ID, SECRET_KEY, APP_SECRET) as oa:
        refresh = oa.issue_refresh_token()          # what the operator puts in ZALO_OA_REFRESH_TOKEN
        await oa.post_event(url, oa.text_event("u1", "xin chào", now))

OAuth (/v4/oa/access_token) checks the secret_key header and the form, spends each refresh token
once and issues a new pair; the OA API (/v3.0/oa/message/cs, /v2.0/oa/upload/*) checks the
access_token header. Errors come back as HTTP 200 with a negative `error`, as Zalo's do.
"""

import asyncio
import hashlib
import itertools
import json
from collections import defaultdict, deque
from datetime import datetime
from typing import Any, Self

import aiohttp
from aiohttp import web

from tests.fakes.telegram_queue import Signal

JsonDict = dict[str, Any]
INVALID_TOKEN, NOT_FOLLOWER, WINDOW_CLOSED, RATE_LIMIT = -216, -213, -230, -32
REFRESH_INVALID = -14014


class FakeZaloOA:
    """Both Zalo servers behind one port; records every send; injects faults and delays."""

    def __init__(self, app_id: str, secret_key: str, app_secret: str, *, expires_in: int = 90_000) -> None:
        self.app_id, self.secret_key, self.app_secret = app_id, secret_key, app_secret
        self.expires_in = expires_in
        self.refresh_tokens: set[str] = set()  # valid, unspent
        self.access_tokens: set[str] = set()  # valid
        self.refresh_calls: list[JsonDict] = []  # every renewal request, refused ones too
        self.sent: dict[str, list[JsonDict]] = defaultdict(list)  # user id → message bodies
        self.uploads: list[tuple[str, str, bytes]] = []
        self.send_calls = 0
        self.file_downloads = 0
        self.unreachable: dict[str, int] = {}  # user id → the error code sends to them get
        self.files: dict[str, bytes] = {}  # what users sent, served at /files/<name>
        self.hold_refresh: asyncio.Event | None = None  # set() to let held renewals answer
        self._faults: deque[int] = deque()
        self._ids = itertools.count(1)
        self._signal = Signal()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/v4/oa/access_token", self._oauth)
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v2.0/oa/upload/{kind}", self._upload)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.hold_refresh is not None:
            self.hold_refresh.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def env(self) -> dict[str, str]:
        """The variables that point the app at this fake (without a refresh token)."""
        return {"ZALO_OA_APP_ID": self.app_id, "ZALO_OA_SECRET_KEY": self.secret_key,
                "ZALO_OA_APP_SECRET": self.app_secret, "ZALO_OA_API_BASE": self.base_url,
                "ZALO_OA_OAUTH_BASE": self.base_url}

    # --- OAuth -------------------------------------------------------------------------------

    def issue_refresh_token(self) -> str:
        """A refresh token as the OA's authorization gives the operator."""
        token = f"refresh-{next(self._ids)}"
        self.refresh_tokens.add(token)
        return token

    async def _oauth(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.refresh_calls.append({k: str(v) for k, v in form.items()})
        self._signal.notify()
        if self.hold_refresh is not None:
            await self.hold_refresh.wait()
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response({"error": -14002, "error_name": "Invalid app secret"})
        token = str(form.get("refresh_token") or "")
        if form.get("grant_type") != "refresh_token" or token not in self.refresh_tokens:
            return web.json_response({"error": REFRESH_INVALID, "error_name": "Invalid refresh token"})
        self.refresh_tokens.discard(token)  # each refresh token works once
        access, refresh = f"access-{next(self._ids)}", self.issue_refresh_token()
        self.access_tokens.add(access)
        return web.json_response({"access_token": access, "refresh_token": refresh, "expires_in": str(self.expires_in)})

    def expire_access_tokens(self) -> None:
        """Zalo stops accepting every access token issued so far."""
        self.access_tokens.clear()

    # --- OA API ------------------------------------------------------------------------------

    def _refusal(self, request: web.Request) -> web.Response | None:
        if request.headers.get("access_token") not in self.access_tokens:
            return web.json_response({"error": INVALID_TOKEN, "message": "Access token is invalid"})
        if self._faults:
            code = self._faults.popleft()
            return web.json_response({"error": code, "message": f"injected {code}"})
        return None

    async def _send(self, request: web.Request) -> web.Response:
        self.send_calls += 1
        body = await request.json()
        refused = self._refusal(request)
        if refused is not None:
            self._signal.notify()
            return refused
        user_id = str((body.get("recipient") or {}).get("user_id") or "")
        message = body.get("message") or {}
        if user_id in self.unreachable:
            code = self.unreachable[user_id]
            return web.json_response({"error": code, "message": "User cannot receive this message"})
        text = message.get("text")
        if "attachment" not in message and (not isinstance(text, str) or not 1 <= len(text) <= 2000):
            return web.json_response({"error": -201, "message": "text must be 1-2000 characters"})
        buttons = (((message.get("attachment") or {}).get("payload") or {}).get("buttons")) or []
        if len(buttons) > 5:
            return web.json_response({"error": -201, "message": "at most 5 buttons"})
        self.sent[user_id].append(message)
        self._signal.notify()
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"message_id": f"oa{next(self._ids)}", "user_id": user_id}})

    async def _upload(self, request: web.Request) -> web.Response:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        field = (await request.post()).get("file")
        kind = request.match_info["kind"]
        content = field.file.read() if isinstance(field, web.FileField) else b""
        self.uploads.append((kind, field.filename if isinstance(field, web.FileField) else "", content))
        key = "attachment_id" if kind == "image" else "token"
        return web.json_response({"error": 0, "message": "Success", "data": {key: f"up{next(self._ids)}"}})

    def fail_next(self, code: int, count: int = 1) -> None:
        """The next `count` API calls get this error code."""
        self._faults.extend([code] * count)

    # --- events ------------------------------------------------------------------------------

    def text_event(self, user_id: str, text: str, now: datetime, msg_id: str | None = None) -> JsonDict:
        """A user_send_text event as Zalo POSTs it."""
        return {
            "app_id": self.app_id, "user_id_by_app": f"app-{user_id}", "event_name": "user_send_text",
            "timestamp": str(int(now.timestamp() * 1000)), "sender": {"id": user_id},
            "recipient": {"id": "oa-1"}, "message": {"text": text, "msg_id": msg_id or f"msg{next(self._ids)}"},
        }

    def kind_event(self, user_id: str, kind: str, now: datetime) -> JsonDict:
        """A sticker, image, … event ("user_send_<kind>")."""
        event = self.text_event(user_id, "", now)
        event["event_name"] = f"user_send_{kind}"
        del event["message"]["text"]
        return event

    def file_event(self, user_id: str, name: str, content: bytes, now: datetime) -> JsonDict:
        """A user sends a file; Zalo gives a URL to download it from."""
        self.files[name] = content
        event = self.kind_event(user_id, "file", now)
        payload = {"url": f"{self.base_url}/files/{name}", "name": name, "size": str(len(content)), "type": "csv"}
        event["message"]["attachments"] = [{"type": "file", "payload": payload}]
        return event

    async def _file(self, request: web.Request) -> web.Response:
        self.file_downloads += 1
        content = self.files.get(request.match_info["name"])
        return web.Response(body=content) if content is not None else web.Response(status=404)

    def follow_event(self, user_id: str, now: datetime) -> JsonDict:
        """A user follows the OA."""
        return {"app_id": self.app_id, "oa_id": "oa-1", "event_name": "follow", "source": "testing",
                "timestamp": str(int(now.timestamp() * 1000)), "follower": {"id": user_id}}

    def sign(self, raw: bytes, timestamp: str, secret_key: str | None = None) -> str:
        """The X-ZEvent-Signature value for a raw body."""
        key = (secret_key or self.secret_key).encode()
        digest = hashlib.sha256(self.app_id.encode() + raw + timestamp.encode() + key)
        return "mac=" + digest.hexdigest()

    async def post_event(self, url: str, event: JsonDict, *, signature: str | None = "good") -> int:
        """POST an event as Zalo does; `signature` "good", "wrong" (another key), None (no header), or a value."""
        raw = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-ZEvent-Signature"] = self.sign(raw, str(event.get("timestamp", "")))
        elif signature == "wrong":
            headers["X-ZEvent-Signature"] = self.sign(raw, str(event.get("timestamp", "")), "not-the-key")
        elif signature is not None:
            headers["X-ZEvent-Signature"] = signature
        async with aiohttp.ClientSession() as http, http.post(url, data=raw, headers=headers) as response:
            return response.status

    # --- inspection --------------------------------------------------------------------------

    def messages(self, user_id: str) -> list[JsonDict]:
        """Message bodies sent to a user, in order."""
        return list(self.sent[user_id])

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> None:
        """Wait until predicate() holds; re-checked after every request."""
        if not await self._signal.wait_for(predicate, timeout):
            raise AssertionError(f"condition not met in {timeout}s")
