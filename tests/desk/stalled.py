"""A /thongbao left half-sent: the fake Telegram holds some sends, the run dies, its claims pass their lease."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from bot.announce import BroadcastAnnouncer
from storage import Youth
from storage.deliveries import RUN_MARKER, SENT, UNREACHABLE
from storage.models_coordination import Delivery
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.test_telegram_aiogram import TOKEN
from tests.fakes.telegram_api import JsonDict

TEXT = "Hạn chót gửi câu hỏi cho Hội nghị đối thoại là thứ Sáu tuần này."
DELIVERED, HELD, BLOCKED = (601, 602, 603), (604, 605), 606
YOUTH = (*DELIVERED, *HELD, BLOCKED)


class StallingTelegram(FakeTelegramWithFiles):
    """Sends to the chats in `held` hang until `gate` opens, then fail unrecorded (nobody received them)."""

    def __init__(self, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.held: set[str] = set()
        self.hanging: set[str] = set()  # held chats a send is waiting for
        self.gate = asyncio.Event()

    async def execute(self, method: str, params: JsonDict) -> tuple[int, JsonDict]:
        if method.lower() == "sendmessage" and str(params.get("chat_id")) in self.held:
            self.hanging.add(str(params.get("chat_id")))
            await self.gate.wait()
            return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
        return await super().execute(method, params)

    def announcements(self, chat_id: int) -> int:
        """How many times this chat received the announcement."""
        return sum(m.get("text") == TEXT for m in self.sent_messages(chat_id))


@pytest.fixture
async def api() -> AsyncIterator[StallingTelegram]:
    """The desk's fake Telegram, able to hold sends (overrides tests/desk/conftest.py's where imported)."""
    async with StallingTelegram(TOKEN) as fake:
        yield fake


async def add_youth(app: App) -> None:
    """Consented youth of one unit (their registration is not what is tested here)."""
    now = datetime.now(timezone.utc)
    async with app.store.unit() as uow:
        for chat_id in YOUTH:
            uow.session.add(Youth(channel="telegram", chat_id=str(chat_id), unit_code="MYXUYEN",
                                  consent_at=now, created_at=now))


async def crash(announcer: BroadcastAnnouncer) -> None:
    """What a killed process leaves of its runs: the kept row and open claims, no live task."""
    running = list(announcer._tasks)
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)


def stall(api: StallingTelegram) -> None:
    """Hold the sends to HELD and refuse BLOCKED (403: the youth blocked the bot)."""
    api.held.update(str(chat) for chat in HELD)
    api.block_chat(BLOCKED)


def release(api: StallingTelegram) -> None:
    """Telegram answers again: what was held fails (its client is gone), new sends go through."""
    api.held.clear()
    api.gate.set()


async def sent_part_way(api: StallingTelegram) -> None:
    """Until DELIVERED got it, BLOCKED was refused and a send to each HELD chat is hanging."""
    await api.wait_until(lambda: all(api.announcements(c) == 1 for c in DELIVERED), timeout=30)
    await api.wait_until(lambda: any(c.status == 403 for c in api.calls), timeout=30)
    await api.wait_until(lambda: api.hanging >= set(api.held), timeout=30)


async def outcomes_recorded(app: App, timeout: float = 30.0) -> None:
    """Until the announcer has stored what it knows: DELIVERED sent, BLOCKED unreachable. A crash
    before that leaves those claims open too (a send Telegram took, not yet marked), and a resume
    would rightly send them again: the tests crash the run after this point."""
    async with asyncio.timeout(timeout):
        while True:
            async with app.store.unit() as uow:
                rows = (await uow.session.exec(select(Delivery))).all()
            statuses = [d.status for d in rows if not d.recipient.startswith(RUN_MARKER)]
            if statuses.count(SENT) >= len(DELIVERED) and statuses.count(UNREACHABLE) >= 1:
                return
            await asyncio.sleep(0.02)
