"""Two `doithoai serve` workers behind one webhook port (SO_REUSEPORT) on PostgreSQL + Redis.

Scale in CI (2 cores, the workers reach ~35 updates/s each under test load): 600 updates from
100 youth (6 each) for the plain run, the same with one worker killed (-9) and restarted mid-run,
and 180 updates from 30 youth against a Bot API failing 30% of sends. The full-size figure
(6,000 updates from 1,000 youth, one worker vs two) is bench/scale.py.
The send pacer is opened to 1,000/s with no per-chat spacing (the fake enforces no limit).
"""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.scale.cluster import (
    SECRET, WEBHOOK_PATH, Inbox, Worker, converse, flow, free_port, questions_per_youth, scale_config, worker_env,
)

REPLIES = sum(replies for _kind, _value, replies in flow(0))  # distinct messages of one whole conversation
During = Callable[[list[Worker], Inbox], Awaitable[None]]


async def run_load(
    api: FakeTelegramAPI, pg_url: str, redis_url: str, tmp_path: Path, *, youth: int, first_id: int,
    during: During | None = None, timeout: float = 90.0,
) -> list[Worker]:
    """Start two workers, run `youth` conversations through the webhook, stop the workers."""
    config = scale_config(tmp_path, coordination={"enabled": False})
    port = free_port()
    workers = [Worker(f"worker{i}", config, worker_env(api.base_url, pg_url, port, redis_url)) for i in range(2)]
    try:
        for worker in workers:
            await worker.start()
        for worker in workers:
            await worker.wait_log("telegram channel started")
        inbox = Inbox(api)
        await api.deliver_webhook(
            f"http://127.0.0.1:{port}{WEBHOOK_PATH}", SECRET, max_connections=32, max_attempts=1000
        )
        talks = asyncio.gather(*(converse(api, inbox, first_id + n, timeout) for n in range(youth)))
        if during is not None:
            await during(workers, inbox)
        await asyncio.wait_for(talks, timeout)
        await api.wait_drained(timeout=30)
    finally:
        await api.stop_webhook()
        for worker in workers:
            await worker.stop()
    return workers


async def assert_one_question_each(pg_url: str, youth: int, first_id: int) -> None:
    counts = await questions_per_youth(pg_url)
    expected = {str(first_id + n): 1 for n in range(youth)}
    lost = [chat for chat in expected if counts.get(chat, 0) == 0]
    duplicated = {chat: n for chat, n in counts.items() if n > 1}
    assert not lost and not duplicated, f"lost {lost[:10]}, duplicated {duplicated}"
    assert counts == expected


async def test_two_workers_store_every_question_once(
    api: FakeTelegramAPI, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    youth, first = 100, 10_000
    workers = await run_load(api, pg_url, redis_url, tmp_path, youth=youth, first_id=first)
    await assert_one_question_each(pg_url, youth, first)
    assert sum(api.send_counts().values()) == youth * REPLIES  # nothing answered twice
    assert not api.webhook_dropped
    assert all(w.lines for w in workers)


async def test_a_worker_killed_mid_run_loses_nothing(
    api: FakeTelegramAPI, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    youth, first = 100, 20_000

    async def kill_and_restart(workers: list[Worker], inbox: Inbox) -> None:
        await inbox.until(lambda: inbox.total >= youth * REPLIES // 3, timeout=60)
        victim = workers[0]
        victim.kill()
        assert victim.process is not None
        await asyncio.wait_for(victim.process.wait(), 10)
        await victim.start()  # the same port, beside the survivor
        await victim.wait_log("telegram channel started")

    await run_load(api, pg_url, redis_url, tmp_path, youth=youth, first_id=first, during=kill_and_restart)
    await assert_one_question_each(pg_url, youth, first)
    assert not api.webhook_dropped
    assert any(a.status is None or a.status >= 500 for a in api.webhook_attempts), "the kill hit no delivery"


async def test_every_send_succeeds_against_a_failing_bot_api(
    api: FakeTelegramAPI, pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    youth, first = 30, 30_000
    api.fail_ratio(0.3, statuses=(429, 500, 502), seed=7)
    await run_load(api, pg_url, redis_url, tmp_path, youth=youth, first_id=first, timeout=120)
    await assert_one_question_each(pg_url, youth, first)
    inbox_counts = {chat: len({str(m.get("text")) for m in api.sent_messages(chat)}) for chat in api.send_counts()}
    assert inbox_counts == {first + n: REPLIES for n in range(youth)}  # every message arrived, retried or not
    failed = [c for c in api.calls_to("sendMessage") if c.status in (429, 500, 502)]
    assert len(failed) > youth  # the faults really happened
