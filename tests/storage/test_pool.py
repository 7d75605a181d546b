"""PostgreSQL connection pool: connections are kept and reused, not opened per transaction, and a
connection the server dropped (a restart, a killed backend) is replaced."""

import asyncio
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.config import AppConfig
from storage import Store, create_engine
from storage.locks import lock_chat
from storage.migrate import upgrade
from tests.pg import admin_execute, throwaway_database

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


async def test_busy_worker_reuses_its_pool_of_connections() -> None:
    backends: set[int] = set()
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url, pool_size=3)

        async def transaction() -> None:
            async with engine.begin() as conn:
                backends.add((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())
                await conn.execute(text("SELECT pg_sleep(0.02)"))

        try:
            for _ in range(3):  # three bursts, each wider than the pool
                await asyncio.gather(*(transaction() for _ in range(12)))
        finally:
            await engine.dispose()
    # SQLAlchemy's default pool (5 kept + 10 overflow, closed on return) would use up to 15 per burst.
    assert len(backends) == 3


def test_pool_settings_are_validated(config: AppConfig) -> None:
    assert config.database.pool() == {"pool_size": 20, "max_overflow": 0}
    raw = config.model_dump()
    raw["database"]["pool_size"] = 0
    with pytest.raises(ValidationError):
        AppConfig.model_validate(raw)


async def _terminate_connections(url: str) -> None:
    """Close every server connection to this database, as a server restart would."""
    name = make_url(url).database
    await admin_execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")


async def _write(store: Store, chat_id: str) -> None:
    """One unit as the dispatcher runs it: the chat's lock with BEGIN, then direct statements."""
    async with store.unit() as uow:
        await lock_chat(uow.session, "telegram", chat_id)
        await uow.youth.create("telegram", chat_id, NOW)


async def _warm(store: Store, n: int) -> None:
    """Open `n` pooled connections (n units at once), all returned to the pool."""
    await asyncio.gather(*(_write(store, f"warm{i}") for i in range(n)))


async def test_a_connection_lost_while_idle_is_replaced_before_use() -> None:
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url, pool_size=2, ping_idle=0.0)  # every returned connection counts as idle
        try:
            await upgrade(engine)
            store = Store(engine)
            await _warm(store, 2)
            await _terminate_connections(url)
            await _write(store, "1")  # the ping at checkout finds it dead: a new one, nothing fails
            await _write(store, "2")
            async with store.unit() as uow:
                assert await uow.youth.get("telegram", "1") is not None
                assert await uow.youth.get("telegram", "2") is not None
        finally:
            await engine.dispose()


async def test_a_busy_worker_loses_one_unit_to_a_restart_then_reconnects_every_connection() -> None:
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url, pool_size=3, ping_idle=3600.0)  # no ping: connections were just used
        try:
            await upgrade(engine)
            store = Store(engine)
            await _warm(store, 3)
            await _terminate_connections(url)
            with pytest.raises(DBAPIError) as lost:
                await _write(store, "1")
            assert lost.value.connection_invalidated  # SQLAlchemy saw the disconnect
            for chat in ("2", "3", "4", "5"):  # the other two dead connections are not used again
                await _write(store, chat)
            async with store.unit() as uow:
                assert await uow.youth.get("telegram", "1") is None
                assert all([await uow.youth.get("telegram", chat) for chat in ("2", "3", "4", "5")])
        finally:
            await engine.dispose()


async def test_a_connection_lost_inside_a_unit_fails_that_unit_only() -> None:
    async with throwaway_database("doithoai_test") as url:
        engine = create_engine(url, pool_size=2, ping_idle=3600.0)
        try:
            await upgrade(engine)
            store = Store(engine)
            with pytest.raises(DBAPIError):
                async with store.unit() as uow:
                    await uow.youth.create("telegram", "1", NOW)
                    await _terminate_connections(url)
                    await uow.youth.create("telegram", "2", NOW)
            await _write(store, "3")
            async with store.unit() as uow:
                assert await uow.youth.get("telegram", "1") is None
                assert await uow.youth.get("telegram", "3") is not None
        finally:
            await engine.dispose()
