"""Hostile input at the transports: Telegram message kinds and webhook secrets, web chat bodies."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from storage import Question, Youth
from tests.conftest import ROOT
from tests.fakes import telegram_updates as build
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import FakeClock

TOKEN = "123456:HOSTILE-token"
SECRET = "s3cret-Token_ok"


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(TOKEN) as fake:
        yield fake


async def _app(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock, **extra: str) -> App:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": api.base_url,
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", "WEB_PORT": "0", **extra}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await app.start()
    return app


def _message(api: FakeTelegramAPI, user_id: int, **content) -> dict:
    chat = build.chat(user_id)
    return {"message": build.message(9000 + user_id, chat, build.user(user_id), **content)}


CONTENT = {
    "video": {"video": {"file_id": "V1", "file_unique_id": "v1", "width": 1, "height": 1, "duration": 1}},
    "location": {"location": {"latitude": 9.6, "longitude": 105.97}},
    "contact": {"contact": {"phone_number": "+84900000000", "first_name": "A"}},
    "poll": {"poll": {"id": "p", "question": "?", "options": [{"text": "a", "voter_count": 0, "persistent_id": "o1"}],
                      "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
                      "allows_multiple_answers": False, "allows_revoting": False, "members_only": False}},
    "document": build.document_content("d", "cauhoi.pdf", "application/pdf", 1000),
    "dice": {"dice": {"emoji": "🎲", "value": 3}},
}


async def test_unsupported_telegram_kinds_get_a_reply(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    app = await _app(api, tmp_path, clock)
    try:
        for offset, (kind, content) in enumerate(CONTENT.items()):
            user_id = 700 + offset
            api.push_raw(_message(api, user_id, **content))
            [notice_or_reply, *_] = await api.wait_for_messages(user_id, 1)
            assert texts.INTERNAL_ERROR not in notice_or_reply["text"], kind
        # After consent, the reply names the kind ("video", "vị trí", …).
        api.push_callback(700, "consent:yes")
        await api.wait_for_messages(700, 2)
        api.push_raw(_message(api, 700, **CONTENT["location"]))
        messages = await api.wait_for_messages(700, 3)  # one message: what was refused, then the prompt again
        assert "vị trí" in messages[2]["text"] and texts.ASK_UNIT in messages[2]["text"]
    finally:
        await app.stop()


async def test_edited_message_and_channel_post(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    app = await _app(api, tmp_path, clock)
    try:
        api.push_text(801, "/start")
        await api.wait_for_messages(801, 1)
        api.push_callback(801, "consent:yes")
        await api.wait_for_messages(801, 2)
        api.push_text(801, "Thành phố Sóc Trăng")  # the unit's label, typed
        await api.wait_for_messages(801, 3)
        user_message = 1  # the fake numbers a private chat's messages from 1: the /start above
        api.push_edited_text(801, user_message, "/xoa")
        messages = await api.wait_for_messages(801, 4)
        assert "tin nhắn đã chỉnh sửa" in messages[3]["text"]
        async with app.store.unit() as uow:
            assert len((await uow.session.exec(select(Youth))).all()) == 1  # the edit did not run /xoa
        channel = build.chat(-1009, "channel")
        api.push_raw({"channel_post": build.message(1, channel, build.user(1), **build.text_content("hi"))})
        await api.wait_drained()
    finally:
        await app.stop()


@pytest.mark.parametrize("header", [None, "wrong-secret", ""])
async def test_webhook_rejects_a_wrong_or_missing_secret(
    header: str | None, api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock
) -> None:
    app = await _app(api, tmp_path, clock, TELEGRAM_MODE="webhook", TELEGRAM_WEBHOOK_SECRET=SECRET,
                     TELEGRAM_WEBHOOK_URL="https://bot.example.vn/telegram/webhook")
    try:
        update = {"update_id": 1, **_message(api, 901, **build.text_content("/start"))}
        url = f"http://127.0.0.1:{app.web_port}/telegram/webhook"
        headers = {} if header is None else {"X-Telegram-Bot-Api-Secret-Token": header}
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=update, headers=headers) as response:
                assert response.status in (401, 403)
            async with session.post(url, data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 400  # malformed: refused without a traceback (tests/edge/test_webhooks.py)
            async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as r:
                assert r.status == 200
        await api.wait_for_messages(901, 1)  # only the request with the right secret was handled (answered after it)
        assert len(api.sent_messages(901)) == 1
        assert api.webhook_info.get("secret_token") == SECRET
    finally:
        await app.stop()


async def test_web_chat_bodies(tmp_path: Path, clock: FakeClock) -> None:
    config = load_config(ROOT / "config.yaml", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'w.db'}",
                                                     "WEB_PORT": "0"})
    app = await build_app(config, clock=clock)
    await app.start()
    base = f"http://127.0.0.1:{app.web_port}"
    try:
        async with aiohttp.ClientSession() as session:
            for body in (b"", b"[]", b"{", b'{"session": 1}', json.dumps({"x": "y" * 70_000}).encode(),
                         b'{"session": "' + b"a" * 30 + b'", "mid": "1", "text": 5}'):
                async with session.post(f"{base}/api/message", data=body,
                                        headers={"Content-Type": "application/json"}) as response:
                    assert 400 <= response.status < 500
                    assert "error" in await response.json()
            session_id = (await (await session.post(f"{base}/api/session", json={})).json())["session"]
            payload = {"session": session_id, "mid": "m1", "text": "/start"}
            async with session.post(f"{base}/api/message", json=payload) as response:
                assert response.status == 200
        async with app.store.unit() as uow:
            assert (await uow.session.exec(select(Youth))).all() == []
            assert (await uow.session.exec(select(Question))).all() == []
    finally:
        await app.stop()
