"""Scheduler leadership across processes, and a broadcast surviving its leader's kill -9.

In-process: two PostgresLeader objects on one database (one wins; closing the winner's session
hands over). Processes: two `serve` workers on a throw-away PostgreSQL database with 300 youth who
consented but asked nothing; the "that morning" reminder is due at start. The first worker leads and
starts the broadcast (paced at 10/s); it is killed -9 mid-way, once the second worker is up; the second takes over and,
once the dead run's claims pass their lease (3 s), sends the rest. The full-size run is the same
logic with more youth (bench/broadcast.py measures the engine alone).
"""

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import load_config
from bot.leader import PostgresLeader
from storage import Store, create_engine
from storage.migrate import upgrade
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.scale.cluster import ROOT, Worker, free_port, scale_config, worker_env

YOUTH, CONCURRENCY, PER_SECOND = 300, 8, 10  # 30 s of broadcast: longer than a worker's start-up


async def test_one_leader_at_a_time_and_a_handover(pg_url: str) -> None:
    events: list[str] = []

    def hooks(name: str) -> tuple:
        async def won() -> None:
            events.append(f"{name}+")

        async def lost() -> None:
            events.append(f"{name}-")

        return won, lost

    first = PostgresLeader(pg_url, *hooks("a"), interval=0.2, key=4242)
    second = PostgresLeader(pg_url, *hooks("b"), interval=0.2, key=4242)
    await first.start()
    await second.start()
    try:
        assert first.is_leader and not second.is_leader
        handed_over = second.changed
        await first.stop()  # a dead leader's session ends the same way
        await asyncio.wait_for(handed_over.wait(), 5)
        assert second.is_leader
        assert events == ["a+", "a-", "b+"]
    finally:
        await second.stop()
        await first.stop()


async def _seed_youth(pg_url: str, count: int) -> None:
    engine = create_engine(pg_url)
    await upgrade(engine)
    store = Store(engine)
    now = datetime.now().astimezone()
    async with store.unit() as uow:
        for n in range(count):
            await uow.youth.create("telegram", str(50_000 + n), now)
    await store.close()


async def test_the_broadcast_survives_its_leader_killed(api: FakeTelegramAPI, pg_url: str, tmp_path: Path) -> None:
    zone = load_config(ROOT / "config.yaml", env={}).campaign.zone
    today = datetime.now(zone).date()
    config = scale_config(
        tmp_path,
        campaign={"dialogue_date": (today + timedelta(days=20)).isoformat(), "demo_days_ahead": 20},
        coordination={
            "reminder_time": "00:00", "misfire_grace_minutes": 1440,
            "reminders": [{"id": "d0", "days_before_deadline": 0, "audiences": ["started"]}],
            "broadcast": {"per_second": PER_SECOND, "lease_minutes": 0.05, "concurrency": CONCURRENCY},
        },
    )
    await _seed_youth(pg_url, YOUTH)
    env = worker_env(api.base_url, pg_url, free_port(), None)
    leader, standby = Worker("leader", config, env), Worker("standby", config, env)
    try:
        await leader.start()
        await leader.wait_log("won the scheduler leadership")
        await standby.start()
        await standby.wait_log("telegram channel started")
        # Kill the leader in the middle of its broadcast, once the standby is up and waiting.
        sent_before = len(api.sent_messages())
        assert 0 < sent_before < YOUTH - 2 * PER_SECOND, f"broadcast not mid-way at the kill: {sent_before}"
        await api.wait_until(lambda: len(api.sent_messages()) >= sent_before + PER_SECOND, timeout=30)
        leader.kill()
        await standby.wait_log("won the scheduler leadership", timeout=30)
        await api.wait_until(lambda: len(api.send_counts()) >= YOUTH, timeout=60)
        await standby.wait_log("broadcast reminder:d0/", timeout=30)
    finally:
        await standby.stop()
        await leader.stop()
    counts = api.send_counts()
    assert set(counts) == {50_000 + n for n in range(YOUTH)}  # everyone got it
    twice = {chat: n for chat, n in counts.items() if n > 1}
    # The unavoidable window: a send the platform accepted but whose mark the killed leader had not
    # committed yet is sent again; with marks written after every send it is at most the sends in flight.
    assert len(twice) <= CONCURRENCY, twice
    print(f"re-sent after the kill (in flight or unmarked at the kill): {len(twice)}")
