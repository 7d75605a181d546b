"""PostgreSQL connection pool: connections are kept and reused, not opened per transaction."""

import asyncio

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from bot.config import AppConfig
from storage import create_engine
from tests.pg import throwaway_database


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
