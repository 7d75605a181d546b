"""Webhook mode of each adapter in a running `doithoai serve`: forged and malformed bodies, and its log."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.acceptance.bot_process import BotProcess, write_config
from tests.fakes import telegram_updates as build
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.scale.cluster import free_port

TOKEN = "654321:ACCEPTANCE-telegram-Token_xyz"
ZALO_TOKEN = "zalo-ACCEPTANCE-token-Qw3"
SECRET = "acceptance_Webhook-secret-77"
USER = 5151
MARK = "BODY-MARKER-acc9"  # inside every malformed body: it must not reach the log


def _env(adapter: str, base: str, port: int) -> dict[str, str]:
    prefix, path = ("ZALO", "/zalo/webhook") if adapter == "zalo" else ("TELEGRAM", "/telegram/webhook")
    env = {f"{prefix}_BOT_TOKEN": ZALO_TOKEN if adapter == "zalo" else TOKEN, f"{prefix}_API_BASE": base,
           f"{prefix}_MODE": "webhook", f"{prefix}_WEBHOOK_SECRET": SECRET,
           f"{prefix}_WEBHOOK_URL": f"http://127.0.0.1:{port}{path}", "WEB_PORT": str(port)}
    if adapter != "zalo":
        env["TELEGRAM_LIBRARY"] = adapter
    return env


@asynccontextmanager
async def _running(adapter: str, folder: Path) -> AsyncIterator[tuple[BotProcess, FakeTelegramAPI | FakeZaloAPI, str]]:
    """The fake platform, and the bot in webhook mode against it, logging at DEBUG."""
    fake = FakeZaloAPI(ZALO_TOKEN) if adapter == "zalo" else FakeTelegramAPI(TOKEN)
    async with fake as api:
        port = free_port()
        env = _env(adapter, api.base_url, port)
        async with BotProcess(write_config(folder), env, log_level="DEBUG") as bot:
            if isinstance(api, FakeZaloAPI):
                await api.wait_until(lambda: bool(api.webhook["url"]), timeout=60)
            else:
                await api.wait_until(lambda: bool(api.webhook_info.get("url")), timeout=60)
            yield bot, api, env["ZALO_WEBHOOK_URL" if adapter == "zalo" else "TELEGRAM_WEBHOOK_URL"]
            if isinstance(api, FakeTelegramAPI):
                await api.stop_webhook()


def _update(adapter: str, api: FakeTelegramAPI | FakeZaloAPI, text: str) -> bytes:
    if isinstance(api, FakeZaloAPI):
        return json.dumps({"ok": True, "result": api.event(str(USER), "message.text.received", text=text)}).encode()
    message = build.message(1, build.chat(USER), build.user(USER), **build.text_content(text))
    return json.dumps({"update_id": 1, "message": message}).encode()


def _malformed(adapter: str) -> list[bytes]:
    shapes: list[object] = (
        [{"ok": True, "result": MARK}, {"ok": True, "result": {"event_name": 5, "message": MARK}}]
        if adapter == "zalo" else
        [{"update_id": MARK, "message": {"text": "hi"}}, {"update_id": 5, "message": MARK},
         {"update_id": 9, "message": {"message_id": 1, "date": 1, "text": [MARK],
                                      "chat": {"id": USER, "type": "private"}}}]
    )
    return [b"{not json " + MARK.encode(), b"\xff\xfe" + MARK.encode(), b"", b"null",
            json.dumps([MARK]).encode(), *(json.dumps(shape).encode() for shape in shapes)]


async def _post(url: str, body: bytes, header: str, secret: str | None) -> int:
    headers = {"Content-Type": "application/json", **({header: secret} if secret is not None else {})}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=body, headers=headers) as response:
            return response.status


def _sent(api: FakeTelegramAPI | FakeZaloAPI) -> int:
    return len(api.sent_messages(str(USER)) if isinstance(api, FakeZaloAPI) else api.sent_messages(USER))


@pytest.mark.parametrize("adapter", ["aiogram", "ptb", "zalo"])
async def test_webhook_refuses_forged_and_malformed_bodies_and_logs_no_secret(adapter: str, tmp_path: Path) -> None:
    header = "X-Bot-Api-Secret-Token" if adapter == "zalo" else "X-Telegram-Bot-Api-Secret-Token"
    async with _running(adapter, tmp_path) as (bot, api, url):
        forged = _update(adapter, api, "/start")
        for secret in (None, "", "guessed-secret"):
            assert await _post(url, forged, header, secret) in (401, 403)
        for body in _malformed(adapter):
            assert await _post(url, body, header, SECRET) == 400, body[:60]
        assert _sent(api) == 0, "nothing forged or malformed reached the conversation"
        if isinstance(api, FakeTelegramAPI):  # the platform's own delivery, with the secret it was given
            api.push_text(USER, "/start")
            await api.deliver_webhook()
            await api.wait_for_messages(USER, 1, timeout=30)
        else:
            assert await _post(url, forged, header, SECRET) == 200
            await api.wait_for_messages(str(USER), 1, timeout=30)
    log = bot.log
    assert "Traceback" not in log, log[-3000:]
    assert MARK not in log
    token = ZALO_TOKEN if adapter == "zalo" else TOKEN
    for secret in (token, token.partition(":")[2] or token, SECRET):
        assert secret not in log, [line for line in log.splitlines() if secret in line][:3]
    if adapter == "ptb":
        assert "<redacted>" in log, "PTB's httpx logged its request URLs: the redaction had work to do"
