"""SQLite units take turns, also for a task started from inside a unit (it copies the context)."""

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storage import Store, create_all, create_engine
from tests.support import FakeClock

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


async def test_a_task_started_inside_a_unit_waits_for_its_own_turn(tmp_path: Path, clock: FakeClock) -> None:
    store = Store(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"))
    await create_all(store.engine)
    entered = asyncio.Event()

    async def child() -> None:  # what an announcement started by an admin command does
        async with store.unit() as uow:
            entered.set()
            await uow.youth.create("memory", "child", clock.now())

    try:
        async with store.unit() as uow:
            await uow.youth.create("memory", "parent", clock.now())
            task = asyncio.create_task(child())
            await asyncio.sleep(0.1)
            assert not entered.is_set(), "the child ran inside a transaction it does not own"
        await asyncio.wait_for(task, 10)
        async with store.unit() as uow:
            assert await uow.youth.get("memory", "parent") and await uow.youth.get("memory", "child")
    finally:
        await store.close()


async def test_a_unit_inside_a_unit_of_the_same_task_does_not_wait(tmp_path: Path, clock: FakeClock) -> None:
    store = Store(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'nested.db'}"))
    await create_all(store.engine)
    try:
        async with store.unit():
            async with asyncio.timeout(5):  # it would wait for its own turn for ever
                async with store.unit() as inner:
                    await inner.youth.create("memory", "inner", clock.now())
    finally:
        await store.close()


async def test_after_commit_callbacks_run_once_committed_and_never_after_a_rollback(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'after.db'}")
    await create_all(engine)
    store, seen = Store(engine), []
    try:
        async with store.unit() as uow:
            await uow.admin.save_campaign("phuong1", {"key": "phuong1"}, "telegram:1", NOW)
            uow.after_commit(lambda: seen.append("committed"))
            assert seen == []  # not while the transaction is open
        assert seen == ["committed"]
        with pytest.raises(RuntimeError):
            async with store.unit() as uow:
                uow.after_commit(lambda: seen.append("rolled back"))
                raise RuntimeError("the command failed")
        assert seen == ["committed"]
    finally:
        await store.close()
