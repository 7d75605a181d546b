"""The poller with an inbox (bot/channels/polling.py): a batch is kept before the next getUpdates
confirms it, batches overlap, one chat's updates stay in order, and what a stopped process kept is
handled first after a restart. The library is left out (plain dicts for updates, a scripted
getUpdates); the real inbox (storage/inbox.py) is used in the last tests, and the kill -9 test
(tests/throughput/test_kill_intake.py) runs the whole bot on both Telegram libraries."""

import asyncio
import json
from collections.abc import Hashable
from typing import Any

import pytest

from bot.channels import polling
from bot.channels.polling import ConfirmingPoller, Kept, StoreInbox
from storage import Store
from tests.fakes.inbox import MemoryInbox
from tests.support import FakeClock

Update = dict[str, Any]


class Telegram:
    """getUpdates over a list: returns what is at or past the offset, as the server does."""

    def __init__(self, inbox: MemoryInbox) -> None:
        self.queue: list[Update] = []
        self.offsets: list[int | None] = []
        self.inbox = inbox
        self.arrived = asyncio.Event()

    def push(self, number: int, chat: int, text: str = "x") -> None:
        self.queue.append({"update_id": number, "chat": chat, "text": text})
        self.arrived.set()

    async def fetch(self, offset: int | None) -> list[Update]:
        self.offsets.append(offset)
        self.inbox.events.append(("fetch", offset))
        if offset is not None:
            self.queue = [u for u in self.queue if u["update_id"] >= offset]  # confirmed: gone for good
        if not self.queue:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), 0.2)
            except asyncio.TimeoutError:
                return []
        return list(self.queue)

    async def confirm(self, offset: int) -> None:
        self.queue = [u for u in self.queue if u["update_id"] >= offset]
        self.inbox.events.append(("confirm", offset))


def kept(inbox: MemoryInbox) -> Kept[Update]:
    def chat_of(update: Update) -> Hashable | None:
        return update["chat"]
    return Kept(inbox, "telegram", json.dumps, json.loads, chat_of)


def poller(telegram: Telegram, handle: Any, inbox: MemoryInbox | None) -> ConfirmingPoller[Update]:
    return ConfirmingPoller(telegram.fetch, handle, lambda u: u["update_id"], telegram.confirm, (OSError,),
                            kept=kept(inbox) if inbox is not None else None)


async def until(predicate: Any, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


async def test_a_batch_is_kept_before_the_next_getupdates_confirms_it_and_batches_overlap() -> None:
    inbox = MemoryInbox()
    telegram = Telegram(inbox)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update: Update) -> None:
        if update["update_id"] == 1:
            await release.wait()  # a slow update: the next batch must not wait for it
        handled.append(update["update_id"])

    polled = poller(telegram, handle, inbox)
    telegram.push(1, chat=10)
    polled.start()
    await until(lambda: 1 in inbox.rows)
    telegram.push(2, chat=20)
    await until(lambda: handled == [2])  # handled while update 1 is still in hand
    assert 1 not in handled and 1 in inbox.rows
    fetches = [offset for kind, offset in inbox.events if kind == "fetch"]
    assert fetches[:2] == [None, 2]  # the second getUpdates confirmed update 1 …
    assert inbox.events.index(("keep", [1])) < inbox.events.index(("fetch", 2))  # … only once it was kept
    release.set()
    await until(lambda: sorted(handled) == [1, 2])
    await polled.stop()
    assert inbox.rows == {}  # every handled update dropped from the inbox
    assert ("confirm", 3) in inbox.events


async def test_one_chats_updates_stay_in_order_across_batches() -> None:
    inbox = MemoryInbox()
    telegram = Telegram(inbox)
    release = asyncio.Event()
    started: list[int] = []

    async def handle(update: Update) -> None:
        started.append(update["update_id"])
        if update["update_id"] == 1:
            await release.wait()

    polled = poller(telegram, handle, inbox)
    telegram.push(1, chat=10)
    polled.start()
    await until(lambda: started == [1])
    telegram.push(2, chat=10)  # the same youth writes again while the first is handled
    telegram.push(3, chat=30)
    await until(lambda: 3 in started)
    await asyncio.sleep(0.05)
    assert 2 not in started  # waits for update 1 of its chat
    release.set()
    await until(lambda: started == [1, 3, 2])
    await polled.stop()


async def test_after_a_restart_the_kept_updates_are_handled_before_polling() -> None:
    inbox = MemoryInbox(rows={7: json.dumps({"update_id": 7, "chat": 10, "text": "câu hỏi"}),
                         8: json.dumps({"update_id": 8, "chat": 10, "text": "/cauhoi"})})
    telegram = Telegram(inbox)
    telegram.push(7, chat=10, text="câu hỏi")  # not confirmed before the crash: Telegram still has it
    telegram.push(9, chat=10, text="new")
    handled: list[tuple[int, str]] = []

    async def handle(update: Update) -> None:
        handled.append((update["update_id"], update["text"]))

    polled = poller(telegram, handle, inbox)
    polled.start()
    await until(lambda: len(handled) == 3)
    await polled.stop()
    assert handled == [(7, "câu hỏi"), (8, "/cauhoi"), (9, "new")]  # none twice, in order
    assert telegram.offsets[0] == 9  # the first getUpdates moved past what was kept
    assert inbox.rows == {}


async def test_a_batch_the_database_refuses_is_handled_before_it_is_confirmed() -> None:
    inbox = MemoryInbox(fail_keep=True)
    telegram = Telegram(inbox)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update: Update) -> None:
        await release.wait()
        handled.append(update["update_id"])

    polled = poller(telegram, handle, inbox)
    telegram.push(1, chat=10)
    polled.start()
    await asyncio.sleep(0.1)
    assert telegram.offsets == [None]  # no getUpdates past update 1 while it is not handled
    release.set()
    await until(lambda: telegram.offsets[-1:] == [2])
    assert handled == [1]
    await polled.stop()


async def test_at_most_max_in_flight_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polling, "MAX_IN_FLIGHT", 2)
    inbox = MemoryInbox()
    telegram = Telegram(inbox)
    release = asyncio.Event()
    running: list[int] = []

    async def handle(update: Update) -> None:
        running.append(update["update_id"])
        await release.wait()

    polled = poller(telegram, handle, inbox)
    for number in (1, 2):
        telegram.push(number, chat=number)
    polled.start()
    await until(lambda: len(running) == 2)
    telegram.push(3, chat=3)
    await asyncio.sleep(0.1)
    assert running == [1, 2] and 3 not in inbox.rows  # not even asked for
    release.set()
    await until(lambda: running == [1, 2, 3])
    await polled.stop()


async def test_the_store_inbox_keeps_forgets_and_lists(store: Store, clock: FakeClock) -> None:
    inbox = StoreInbox(store, clock)
    await inbox.keep("telegram", [(5, '{"update_id": 5, "text": "Vốn vay khởi nghiệp?"}'), (6, "{}")], [])
    await inbox.keep("telegram", [(7, "{}")], [5])
    assert [n for n, _ in await inbox.pending("telegram")] == [6, 7]
    assert await inbox.pending("zalo") == []
    await inbox.forget("telegram", [6, 7])
    assert await inbox.pending("telegram") == []


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_a_telegram_bot_restarted_in_webhook_mode_handles_what_polling_kept(library: str) -> None:
    """A crash in polling mode, then a restart with TELEGRAM_MODE=webhook: the kept update is
    handled at start (only polling reads the inbox otherwise), then dropped."""
    from handlers.types import IncomingMessage, Reply
    from tests.fakes import telegram_updates as build
    from tests.fakes.telegram_api import FAKE_TOKEN, FakeTelegramAPI

    seen: list[str | None] = []

    async def handle(msg: IncomingMessage) -> list[Reply]:
        seen.append(msg.text)
        return [Reply(f"đã nhận: {msg.text}")]

    update = {"update_id": 900, "message": build.message(
        1, build.chat(77), build.user(77), **build.text_content("câu hỏi còn dở"))}
    inbox = MemoryInbox(rows={900: json.dumps(update, ensure_ascii=False)})
    async with FakeTelegramAPI(FAKE_TOKEN) as api:
        options: dict[str, Any] = {"api_base": api.base_url, "mode": "webhook", "webhook_secret": "s3cret-token"}
        if library == "ptb":
            from bot.channels.telegram_ptb import PtbChannel
            channel: Any = PtbChannel(FAKE_TOKEN, handle, **options)
        else:
            from bot.channels.telegram_aiogram import AiogramChannel
            channel = AiogramChannel(FAKE_TOKEN, handle, **options)
        channel.inbox = inbox
        await channel.start()
        try:
            assert seen == ["câu hỏi còn dở"] and inbox.rows == {}
            assert [m["text"] for m in api.sent_messages(77)] == ["đã nhận: câu hỏi còn dở"]
        finally:
            await channel.stop()
