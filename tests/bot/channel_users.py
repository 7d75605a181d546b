"""One youth on any channel, seen the same way: texts and choice labels.

Each harness starts the fake platform a channel talks to, gives the environment that points
the app at it, and makes users who type, pick a choice, or send a sticker.
"""

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from bot.app import App
from handlers import texts
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.fakes.zalo_oa_api import FakeZaloOA

TELEGRAM_TOKEN = "123456:TEST-token"
ZALO_TOKEN = "7301:zalo-test-token"
CHANNELS = ("aiogram", "ptb", "zalo", "web", "zalo_oa")
_CHOICE = re.compile(r"^(\d+)\. (.+)$")


@dataclass(frozen=True)
class Said:
    """One bot message as the youth sees it."""

    text: str
    choices: tuple[str, ...] = ()


class ChatUser(Protocol):
    async def say(self, text: str, expect: int = 1) -> list[Said]: ...
    async def choose(self, label: str, expect: int = 1) -> list[Said]: ...
    async def send_kind(self, kind: str, expect: int = 1) -> list[Said]: ...


def _pick(history: list[Said], label: str) -> tuple[int, str]:
    """(1-based number, full label) of the last offered choice containing `label`."""
    for said in reversed(history):
        for number, choice in enumerate(said.choices, 1):
            if label in choice:
                return number, choice
    raise AssertionError(f"no choice {label!r} offered in {history[-3:]!r}")


# --- Telegram (aiogram or PTB) ------------------------------------------------------------


class TelegramChatUser:
    def __init__(self, api: FakeTelegramAPI, user_id: int) -> None:
        self.api, self.user_id = api, user_id

    def _said(self, message: dict[str, Any]) -> Said:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return Said(message.get("text", ""), tuple(b["text"] for row in rows for b in row))

    async def _after(self, before: int, expect: int) -> list[Said]:
        messages = await self.api.wait_for_messages(self.user_id, before + expect)
        return [self._said(m) for m in messages[before:]]

    @property
    def history(self) -> list[Said]:
        return [self._said(m) for m in self.api.sent_messages(self.user_id)]

    async def say(self, text: str, expect: int = 1) -> list[Said]:
        before = len(self.api.sent_messages(self.user_id))
        self.api.push_text(self.user_id, text)
        return await self._after(before, expect)

    async def choose(self, label: str, expect: int = 1) -> list[Said]:
        sent = self.api.sent_messages(self.user_id)
        for message in reversed(sent):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        self.api.push_callback(self.user_id, button["callback_data"], message_id=message["message_id"])
                        return await self._after(len(sent), expect)
        raise AssertionError(f"no button {label!r}")

    async def send_kind(self, kind: str, expect: int = 1) -> list[Said]:
        before = len(self.api.sent_messages(self.user_id))
        {"sticker": self.api.push_sticker, "photo": self.api.push_photo}[kind](self.user_id)
        return await self._after(before, expect)


class TelegramHarness:
    def __init__(self, library: str, api: FakeTelegramAPI) -> None:
        self.name, self.channel, self.api = library, "telegram", api
        self._ids = itertools.count(601)

    def env(self) -> dict[str, str]:
        return {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_BASE": self.api.base_url,
                "TELEGRAM_LIBRARY": self.name}

    def user(self, app: App) -> TelegramChatUser:
        return TelegramChatUser(self.api, next(self._ids))


# --- Zalo ------------------------------------------------------------------------------------


def zalo_said(text: str) -> Said:
    """Split a Zalo message into its text and its numbered choices."""
    body, _, tail = text.rpartition("\n\n")
    lines = tail.split("\n")
    if body and lines and lines[-1] == texts.CHOICE_HINT_TYPED:
        found = [_CHOICE.match(line) for line in lines[:-1]]
        if found and all(found):
            return Said(body, tuple(m.group(2) for m in found if m))
    return Said(text)


class ZaloChatUser:
    """Types everything: a choice is answered with its number, or its label when asked to."""

    def __init__(self, api: FakeZaloAPI, user_id: str, by: str = "label") -> None:
        self.api, self.user_id, self.by = api, user_id, by

    @property
    def history(self) -> list[Said]:
        return [zalo_said(t) for t in self.api.sent_messages(self.user_id)]

    async def say(self, text: str, expect: int = 1) -> list[Said]:
        before = len(self.api.sent_messages(self.user_id))
        self.api.push_text(self.user_id, text)
        messages = await self.api.wait_for_messages(self.user_id, before + expect)
        return [zalo_said(t) for t in messages[before:]]

    async def choose(self, label: str, expect: int = 1, by: str | None = None) -> list[Said]:
        number, full = _pick(self.history, label)
        return await self.say(str(number) if (by or self.by) == "number" else full, expect)

    async def send_kind(self, kind: str, expect: int = 1) -> list[Said]:
        before = len(self.api.sent_messages(self.user_id))
        self.api.push_kind(self.user_id, {"photo": "image"}.get(kind, kind))
        messages = await self.api.wait_for_messages(self.user_id, before + expect)
        return [zalo_said(t) for t in messages[before:]]


class ZaloHarness:
    def __init__(self, api: FakeZaloAPI) -> None:
        self.name, self.channel, self.api = "zalo", "zalo", api
        self._ids = itertools.count(1)

    def env(self) -> dict[str, str]:
        return {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": self.api.base_url}

    def user(self, app: App) -> ZaloChatUser:
        return ZaloChatUser(self.api, f"zalo-user-{next(self._ids)}")


# --- web chat ----------------------------------------------------------------------------------


class WebChatUser:
    """Talks to /api/message like chat.js does; replies come back in the HTTP response."""

    def __init__(self, app: App, session: str) -> None:
        self.app, self.session = app, session
        self._mids = itertools.count(1)
        self.history: list[Said] = []
        self._buttons: list[tuple[str, str]] = []

    async def _post(self, body: dict[str, Any], expect: int) -> list[Said]:
        base = f"http://127.0.0.1:{self.app.web_port}/api"
        async with aiohttp.ClientSession() as http:
            if not self.session:  # like the page: the server issues the (signed) session
                async with http.post(f"{base}/session", json={}) as response:
                    self.session = (await response.json())["session"]
            body = {"session": self.session, "mid": f"m{next(self._mids)}", **body}
            async with http.post(f"{base}/message", json=body) as response:
                assert response.status == 200, await response.text()
                replies = (await response.json())["replies"]
        said = [Said(r["text"], tuple(b["label"] for row in r["buttons"] for b in row)) for r in replies]
        for reply in replies:
            if reply["buttons"]:
                self._buttons = [(b["label"], b["data"]) for row in reply["buttons"] for b in row]
        self.history.extend(said)
        assert len(said) == expect, said
        return said

    async def say(self, text: str, expect: int = 1) -> list[Said]:
        return await self._post({"text": text}, expect)

    async def choose(self, label: str, expect: int = 1) -> list[Said]:
        data = next(d for lab, d in self._buttons if label in lab)
        return await self._post({"button": data}, expect)

    async def send_kind(self, kind: str, expect: int = 1) -> list[Said]:
        raise NotImplementedError("the web chat sends text only")


class WebHarness:
    def __init__(self) -> None:
        self.name, self.channel = "web", "web"

    def env(self) -> dict[str, str]:
        return {}

    def user(self, app: App) -> WebChatUser:
        return WebChatUser(app, "")  # the server issues the session on the first message


# --- Zalo Official Account --------------------------------------------------------------------

OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET = "4410", "oa-secret-key", "oa-app-secret"


def oa_said(messages: list[dict[str, Any]]) -> list[Said]:
    """OA messages as the youth sees them: a button list joins the text just before it."""
    said: list[Said] = []
    joinable = False
    for message in messages:
        payload = (message.get("attachment") or {}).get("payload") or {}
        if "text" in message:
            said.append(zalo_said(message["text"]))
            joinable = not said[-1].choices
        elif payload.get("buttons"):
            titles = tuple(b["title"] for b in payload["buttons"])
            said[-1:] = [Said(said[-1].text, titles)] if joinable else [*said[-1:], Said("", titles)]
            joinable = False
    return said


class ZaloOAChatUser:
    """Presses the OA's buttons (or types the number or label when `by` says so)."""

    def __init__(self, oa: FakeZaloOA, app: App, user_id: str, by: str = "button") -> None:
        self.oa, self.app, self.user_id, self.by = oa, app, user_id, by

    @property
    def history(self) -> list[Said]:
        return oa_said(self.oa.messages(self.user_id))

    async def _post(self, event: dict[str, Any]) -> list[Said]:
        before = len(self.history)
        url = f"http://127.0.0.1:{self.app.web_port}{self.app.config.channels.zalo_oa.webhook_path}"
        assert await self.oa.post_event(url, event) == 200
        await self.app.channels["zalo_oa"].drain()  # type: ignore[attr-defined]
        return self.history[before:]

    def _now(self) -> Any:
        return self.app.dispatcher.clock.now()

    async def say(self, text: str, expect: int = 1) -> list[Said]:
        return await self._post(self.oa.text_event(self.user_id, text, self._now()))

    def _payload(self, label: str) -> str | None:
        for message in reversed(self.oa.messages(self.user_id)):
            for button in ((message.get("attachment") or {}).get("payload") or {}).get("buttons") or []:
                if label in button["title"]:
                    return str(button["payload"])
        return None

    async def choose(self, label: str, expect: int = 1, by: str | None = None) -> list[Said]:
        payload = self._payload(label) if (by or self.by) == "button" else None
        if payload is not None:
            return await self.say(payload, expect)
        number, full = _pick(self.history, label)
        return await self.say(str(number) if (by or self.by) == "number" else full, expect)

    async def send_file(self, name: str, content: bytes) -> list[Said]:
        return await self._post(self.oa.file_event(self.user_id, name, content, self._now()))

    async def send_kind(self, kind: str, expect: int = 1) -> list[Said]:
        return await self._post(self.oa.kind_event(self.user_id, {"photo": "image"}.get(kind, kind), self._now()))


class ZaloOAHarness:
    def __init__(self, oa: FakeZaloOA) -> None:
        self.name, self.channel, self.api = "zalo_oa", "zalo_oa", oa
        self._ids = itertools.count(1)
        self._refresh = oa.issue_refresh_token()

    def env(self) -> dict[str, str]:
        return {**self.api.env(), "ZALO_OA_REFRESH_TOKEN": self._refresh}

    def user(self, app: App) -> ZaloOAChatUser:
        return ZaloOAChatUser(self.api, app, f"oa-user-{next(self._ids)}")


Harness = TelegramHarness | ZaloHarness | WebHarness | ZaloOAHarness


@asynccontextmanager
async def harness_for(name: str) -> AsyncIterator[Harness]:
    """The fake platform for one channel, running for the duration of the block."""
    if name in ("aiogram", "ptb"):
        async with FakeTelegramAPI(TELEGRAM_TOKEN) as api:
            yield TelegramHarness(name, api)
    elif name == "zalo":
        async with FakeZaloAPI(ZALO_TOKEN) as api:
            yield ZaloHarness(api)
    elif name == "zalo_oa":
        async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa:
            yield ZaloOAHarness(oa)
    else:
        yield WebHarness()
