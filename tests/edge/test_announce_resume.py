"""A /thongbao half-sent when its process is killed (kill -9) is resumed by the next start: every youth gets it,
twice at most for the sends in flight at the kill (README, "Several workers")."""

import asyncio
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlmodel import select

from storage import Store, Youth, create_all, create_engine
from storage.migrate import upgrade
from storage.models_admin import PendingInput
from tests.fakes.telegram_api import FakeTelegramAPI, JsonDict
from tests.scale.cluster import Worker, free_port, scale_config

TOKEN = "123456:RESUME-token"
ADMIN = 900
YOUTH = range(10_000, 10_300)
CONCURRENCY = 8
TEXT = "Thông báo thử: hạn gửi câu hỏi là hết ngày 26/05/2023."


class SlowAPI(FakeTelegramAPI):
    """Telegram answering each send after 40 ms, so a kill lands mid-way through the announcement."""

    async def execute(self, method: str, params: JsonDict) -> tuple[int, JsonDict]:
        if method == "sendMessage" and str(params.get("chat_id")) != str(ADMIN):
            await asyncio.sleep(0.04)
        return await super().execute(method, params)


async def _youth(database_url: str) -> None:
    store = Store(create_engine(database_url))
    try:
        await upgrade(store.engine)
        await create_all(store.engine)
        now = datetime.now(timezone.utc)
        async with store.unit() as uow:
            for chat_id in YOUTH:
                uow.session.add(Youth(channel="telegram", chat_id=str(chat_id), unit_code="TPST", consent_at=now,
                                      created_at=now))
    finally:
        await store.close()


async def _kept(database_url: str) -> list[Any]:
    store = Store(create_engine(database_url))
    try:
        async with store.unit() as uow:
            return list((await uow.session.exec(select(PendingInput))).all())
    finally:
        await store.close()


def _received(api: FakeTelegramAPI) -> dict[int, int]:
    return {chat: sum(m["text"] == TEXT for m in api.sent_messages(chat)) for chat in YOUTH}


async def _announce(api: FakeTelegramAPI) -> None:
    """The admin previews the announcement, then presses «Gửi»."""
    api.push_text(ADMIN, f"/thongbao {TEXT}")
    [preview] = await api.wait_for_messages(ADMIN, 1, timeout=60)
    [[send, _cancel]] = preview["reply_markup"]["inline_keyboard"]
    api.push_callback(ADMIN, send["callback_data"])
    await api.wait_for_messages(ADMIN, 2, timeout=60)


async def test_a_killed_announcement_resumes(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'resume.db'}"
    await _youth(database_url)
    config = scale_config(
        tmp_path, roles={"admins": [{"name": "Tỉnh đoàn", "channel": "telegram", "chat_id": str(ADMIN)}]},
        coordination={"broadcast": {"lease_minutes": 0.05, "concurrency": CONCURRENCY, "mark_every": 1}},
    )
    async with SlowAPI(TOKEN) as api:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": api.base_url, "DATABASE_URL": database_url,
               "WEB_HOST": "127.0.0.1", "WEB_PORT": str(free_port()), "DOITHOAI_SECRET": "r" * 40,
               "PYTHONPATH": os.getcwd()}
        first = Worker("first", config, env)
        await first.start()
        try:
            await first.wait_log("telegram channel started")
            await _announce(api)
            await api.wait_until(lambda: sum(_received(api).values()) >= 100, timeout=60)
            first.kill()
        finally:
            await first.stop()
        got = _received(api)
        assert 100 <= sum(got.values()) < len(YOUTH), "the kill must land mid-way"
        second = Worker("second", config, env)
        await second.start()
        try:
            await second.wait_log("was left half-sent")
            await api.wait_until(lambda: all(_received(api).values()), timeout=90)
            await second.wait_log(" skipped")  # the resumed run finished
        finally:
            await second.stop()
    received = _received(api)
    twice = [chat for chat, n in received.items() if n > 1]
    assert all(n >= 1 for n in received.values())
    assert all(n <= 2 for n in received.values()) and len(twice) <= CONCURRENCY, twice
    assert await _kept(database_url) == []  # the kept announcement is forgotten once finished
