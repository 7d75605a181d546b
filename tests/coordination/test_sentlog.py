"""Exactly-once sends through the sent-log, on SQLite and PostgreSQL, with two 'processes'."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.broadcast import Broadcaster, Outgoing
from bot.errors import RecipientUnreachable, TransientChannelError
from handlers.types import Address, Reply
from storage import Store, Youth, create_all, create_engine
from storage.deliveries import DeliveryRepo
from tests.coordination.support import RecordingSender, add_youth
from tests.storage.conftest import engine  # noqa: F401  (SQLite and PostgreSQL databases)
from handlers.clock import SystemClock
from tests.support import FakeClock, local

SECRET = b"shared-server-secret-for-every-worker"

RECIPIENTS = [Address("telegram", str(1000 + i)) for i in range(120)]


def messages(text: str = "nhắc hạn") -> list[Outgoing]:
    return [Outgoing(a, (Reply(text, address=a),)) for a in RECIPIENTS]


@pytest.fixture
async def two_stores(engine: AsyncEngine) -> AsyncIterator[tuple[Store, Store]]:  # noqa: F811
    """Two engines on one database, as two processes would have."""
    await create_all(engine)
    other = create_engine(engine.url.render_as_string(hide_password=False))
    yield Store(engine, secret=SECRET), Store(other, secret=SECRET)  # every worker shares the server secret
    await other.dispose()


async def test_two_processes_send_each_message_once(two_stores: tuple[Store, Store]) -> None:
    clock = FakeClock(local(2023, 5, 12, 8))
    senders = RecordingSender(), RecordingSender()
    engines = [Broadcaster(store, sender, clock, chunk=17, concurrency=4) for store, sender in zip(two_stores, senders)]
    reports = await asyncio.gather(*(b.run("reminder:d14", "2023-05-12", messages()) for b in engines))
    combined = senders[0].per_chat() + senders[1].per_chat()
    assert combined == {a.chat_id: 1 for a in RECIPIENTS}
    assert sum(len(r.sent) for r in reports) == len(RECIPIENTS)
    assert sum(r.skipped for r in reports) == len(RECIPIENTS)
    # Running again sends nothing.
    again = await engines[0].run("reminder:d14", "2023-05-12", messages())
    assert again.skipped == len(RECIPIENTS) and not again.sent


async def test_only_one_of_two_concurrent_runs_owns_the_occurrence(two_stores: tuple[Store, Store]) -> None:
    clock = FakeClock(local(2023, 5, 12, 8))
    sender = RecordingSender()
    built = []

    async def build() -> list[Outgoing]:
        built.append(1)
        return messages()

    engines = [Broadcaster(store, sender, clock) for store in two_stores]
    results = await asyncio.gather(*(b.run_once("reminder:d7", "2023-05-19", build) for b in engines))
    assert sorted(r is None for r in results) == [False, True] and len(built) == 1
    assert sender.per_chat() == {a.chat_id: 1 for a in RECIPIENTS}
    assert await engines[1].run_once("reminder:d7", "2023-05-19", build) is None


async def test_a_crashed_claim_is_retried_after_the_lease(two_stores: tuple[Store, Store]) -> None:
    store, _ = two_stores
    clock = FakeClock(local(2023, 5, 12, 8))
    half = [str(a) for a in RECIPIENTS[:60]]
    async with store.unit() as uow:  # a process claimed these, sent some, and died before marking
        assert len(await DeliveryRepo(uow.session).claim("reminder:d3", "2023-05-23", half, clock.now(),
                                                         timedelta(minutes=10))) == 60
    sender = RecordingSender()
    broadcaster = Broadcaster(store, sender, clock, lease=timedelta(minutes=10))
    report = await broadcaster.run("reminder:d3", "2023-05-23", messages())
    assert len(report.sent) == 60 and report.skipped == 60  # within the lease: left alone
    clock.advance(minutes=11)
    report = await broadcaster.run("reminder:d3", "2023-05-23", messages())
    assert len(report.sent) == 60 and report.skipped == 60  # after it: taken over, the rest not re-sent
    assert sender.per_chat() == {a.chat_id: 1 for a in RECIPIENTS}


async def test_blocked_youth_become_unreachable_and_failures_are_retried(two_stores: tuple[Store, Store]) -> None:
    store, _ = two_stores
    clock = FakeClock(local(2023, 5, 12, 8))
    await add_youth(store, "1000", clock.now())
    sender = RecordingSender()
    sender.errors = {"1000": RecipientUnreachable("blocked"), "1001": TransientChannelError("500 x6")}
    broadcaster = Broadcaster(store, sender, clock)
    report = await broadcaster.run("reminder:d1", "2023-05-25", messages())
    assert [a.chat_id for a in report.unreachable] == ["1000"] and [a.chat_id for a in report.failed] == ["1001"]
    async with store.unit() as uow:
        youth = await uow.youth.get("telegram", "1000")
        assert isinstance(youth, Youth) and youth.reachable is False
    sender.errors = {}
    report = await broadcaster.run("reminder:d1", "2023-05-25", messages())
    assert [a.chat_id for a in report.sent] == ["1001"]  # the failed one again, the blocked one not


async def test_a_live_run_slower_than_its_lease_is_not_taken_over(two_stores: tuple[Store, Store]) -> None:
    """Claims queued behind the pacer outlive a short lease; the running process renews them, so a
    second run (another process, or a resumed job) finds the occurrence busy instead of stale."""
    first_store, second_store = two_stores
    sender = RecordingSender()

    async def slow(address: Address, reply: Reply) -> None:  # 20 sends/s, like a paced broadcast
        await asyncio.sleep(0.05)
        await sender(address, reply)

    lease = timedelta(seconds=0.3)
    slow_run = Broadcaster(first_store, slow, SystemClock(), lease=lease, chunk=50, concurrency=1, flush_every=1)
    other = Broadcaster(second_store, sender, SystemClock(), lease=lease, chunk=50, concurrency=4)

    async def build() -> list[Outgoing]:
        return messages()[:40]  # two seconds of sending: several leases

    first = asyncio.create_task(slow_run.run_once("reminder:d0", "2023-05-26", build))
    await asyncio.sleep(1.0)  # mid-run, most of the first chunk still queued and claimed
    assert await other.run_once("reminder:d0", "2023-05-26", build) is None
    report = await first
    assert report is not None and len(report.sent) == 40
    assert set(sender.per_chat().values()) == {1}


async def test_a_run_still_building_its_messages_is_not_taken_over(two_stores: tuple[Store, Store]) -> None:
    """Building a broadcast (a digest, thousands of reminders) can outlast the lease: the run's own
    row is renewed meanwhile, so another process does not start the same occurrence."""
    first_store, second_store = two_stores
    sender = RecordingSender()
    lease = timedelta(seconds=0.3)
    builder = Broadcaster(first_store, sender, SystemClock(), lease=lease)
    other = Broadcaster(second_store, sender, SystemClock(), lease=lease)

    async def slow_build() -> list[Outgoing]:
        await asyncio.sleep(1.2)  # four leases
        return messages()[:10]

    first = asyncio.create_task(builder.run_once("digest", "2023-05-20", slow_build))
    await asyncio.sleep(0.9)
    assert await other.run_once("digest", "2023-05-20", slow_build) is None
    report = await first
    assert report is not None and len(report.sent) == 10
    assert set(sender.per_chat().values()) == {1}
