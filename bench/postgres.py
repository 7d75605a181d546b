"""A scratch PostgreSQL database for a benchmark run, and the CPU its server backends use."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bench.procstat import cpu_by_pid
from tests.pg import POSTGRES_URL, admin_execute, database_url


@asynccontextmanager
async def scratch_database(prefix: str = "doithoai_bench") -> AsyncIterator[tuple[str, str]]:
    """(name, URL) of a new empty database on the local server, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    await admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, database_url(name)
    finally:
        await admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def backend_pids(name: str) -> set[int]:
    """The server processes serving connections to database `name` right now."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username,
                                 password=url.password, database=url.database)
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)
    finally:
        await conn.close()
    return {int(row["pid"]) for row in rows}


class BackendCPU:
    """CPU used by one database's backends between start() and stop(); backends that connect in
    between count from zero, those that disconnect in between are missed (the bot's pool keeps its
    connections, so there are none in these runs: `gone` says how many)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._before: dict[int, float] = {}
        self.gone = 0

    async def start(self) -> None:
        self._before = cpu_by_pid(await backend_pids(self.name))

    async def stop(self) -> float:
        """CPU seconds the database's backends used since start()."""
        after = cpu_by_pid(await backend_pids(self.name) | set(self._before))
        self.gone = len(set(self._before) - set(after))
        return sum(cpu - self._before.get(pid, 0.0) for pid, cpu in after.items())
