"""The broadcast engine through the real aiogram adapter against the fake Bot API (429, 5xx, 403)."""

from collections.abc import AsyncIterator

import pytest

from bot.broadcast import Broadcaster, Outgoing
from bot.channels.telegram_aiogram import AiogramChannel
from bot.pacing import Pacer
from handlers.types import Address, Reply
from storage import Store
from tests.coordination.support import add_youth
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import FakeClock, local

TOKEN = "123456:TEST-token"


class FakeTime:
    """Monotonic time that moves only when someone sleeps: pacing and backoff cost no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(TOKEN) as fake:
        yield fake


async def test_every_reachable_recipient_gets_exactly_one_message(api: FakeTelegramAPI, store: Store) -> None:
    clock, time = FakeClock(local(2023, 5, 12, 8)), FakeTime()
    channel = AiogramChannel(TOKEN, handle=None, api_base=api.base_url, sleep=time.sleep)  # type: ignore[arg-type]
    pacer = Pacer(30, per_chat_interval=1.0, monotonic=time.monotonic, sleep=time.sleep)
    channel.pacer = pacer
    chats = [str(7000 + i) for i in range(60)]
    for chat in chats:
        await add_youth(store, chat, clock.now())
    blocked = {"7003", "7017", "7042"}
    for chat in blocked:
        api.block_chat(int(chat))
    api.fail_ratio(0.25, statuses=(429, 500, 502), seed=7, retry_after=2)
    messages = [Outgoing(Address("telegram", c), (Reply(f"Nhắc hạn cho {c}"),)) for c in chats]
    try:
        report = await Broadcaster(store, channel.send, clock, concurrency=6).run("reminder:d14", "2023-05-12", messages)
    finally:
        await channel.close()
    assert {a.chat_id for a in report.unreachable} == blocked and not report.failed
    assert api.send_counts() == {int(c): 1 for c in chats if c not in blocked}
    api.assert_no_duplicates()
    statuses = [c.status for c in api.calls_to("sendMessage")]
    assert 429 in statuses and 500 in statuses  # faults happened and were absorbed
    assert 2 in time.slept or time.now >= 2  # a 429's retry_after held the pacer back
    assert pacer.cuts >= 1 and pacer.paused_total >= 2  # ... every sender, and slowed it down
    async with store.unit() as uow:
        for chat in chats:
            youth = await uow.youth.get("telegram", chat)
            assert youth is not None and youth.reachable is (chat not in blocked)

