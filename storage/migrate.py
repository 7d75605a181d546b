"""Schema migrations with Alembic, run on our async engine."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x646F6974686F6169  # "doithoai": workers starting together migrate one at a time


def alembic_config() -> Config:
    """Alembic's config pointing at our migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Any, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _revision(connection: Any, message: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.revision(config, message=message, autogenerate=True)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database schema to `revision`."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # released at commit
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_upgrade, revision)


async def autogenerate(engine: AsyncEngine, message: str) -> None:
    """Write a new migration script from the difference between models and database (developers)."""
    async with engine.begin() as conn:
        await conn.run_sync(_revision, message)
