"""Leader election: exactly one process of a deployment runs the scheduled jobs.

On PostgreSQL the leader holds a session-level advisory lock (`pg_try_advisory_lock`) on a
connection of its own. Every `interval` seconds a follower tries to take it and the leader checks
its connection is alive. When the leader dies, even by kill -9, the server closes its session and
the lock goes with it; the next follower to try wins, usually within one interval. A leader whose
connection fails stops its scheduler before anything else happens, so two schedulers overlap only
while a half-dead connection goes unnoticed; the sent-log keeps every send exactly-once even then.
On SQLite a single process owns the database file and is always the leader.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy.engine import make_url

from bot.locks import lock_key

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
SCHEDULER_LOCK = lock_key("doithoai", "scheduler-leader")


class Leadership(Protocol):
    """Starts and stops the work only one process may do."""

    @property
    def is_leader(self) -> bool: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class SoleLeader:
    """One process, one database file: always the leader."""

    def __init__(self, on_elected: Hook, on_lost: Hook) -> None:
        self.on_elected, self.on_lost = on_elected, on_lost
        self.is_leader = False

    async def start(self) -> None:
        """Lead at once."""
        self.is_leader = True
        await self.on_elected()

    async def stop(self) -> None:
        """Step down."""
        if self.is_leader:
            self.is_leader = False
            await self.on_lost()


class PostgresLeader:
    """Leadership = holding a session advisory lock on a dedicated asyncpg connection."""

    def __init__(
        self, database_url: str, on_elected: Hook, on_lost: Hook, *, interval: float = 5.0, key: int = SCHEDULER_LOCK
    ) -> None:
        url = make_url(database_url)
        self._connect_args = {
            "host": url.host or "127.0.0.1", "port": url.port or 5432, "user": url.username,
            "password": url.password, "database": url.database,
        }
        self.on_elected, self.on_lost, self.interval, self.key = on_elected, on_lost, interval, key
        self.is_leader = False
        self.changed = asyncio.Event()  # set on every election or loss (tests await it)
        self._conn: "asyncpg.Connection | None" = None  # type: ignore[name-defined]  # noqa: F821
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Try at once, then keep trying (or checking) every interval in the background."""
        await self.tick()
        self._task = asyncio.create_task(self._loop(), name="leader-election")

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), self.interval)
            except TimeoutError:
                await self.tick()

    async def tick(self) -> None:
        """One round: connect if needed, then try the lock (follower) or prove the session lives (leader)."""
        import asyncpg

        try:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(**self._connect_args, timeout=self.interval)
            if self.is_leader:
                await self._conn.fetchval("SELECT 1", timeout=self.interval)
            elif await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key, timeout=self.interval):
                await self._set(True)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("leader election: database connection failed (%s)", type(exc).__name__)
            await self._drop_connection()
            await self._set(False)

    async def _set(self, leading: bool) -> None:
        if leading == self.is_leader:
            return
        self.is_leader = leading
        log.info("this process %s the scheduler leadership", "won" if leading else "lost")
        try:
            await (self.on_elected if leading else self.on_lost)()
        finally:
            self.changed.set()
            self.changed = asyncio.Event()

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            conn.terminate()

    async def stop(self) -> None:
        """Stop trying, step down and release the lock (closing the session releases it too)."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        await self._set(False)
        if self._conn is not None and not self._conn.is_closed():
            try:
                await self._conn.close(timeout=2)
            except Exception:  # noqa: BLE001 - the server drops the lock with the session anyway
                self._conn.terminate()
        self._conn = None


def leadership_for(database_url: str, on_elected: Hook, on_lost: Hook, interval: float) -> Leadership:
    """PostgreSQL: an election among every process on the database; otherwise always the leader."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresLeader(database_url, on_elected, on_lost, interval=interval)
    return SoleLeader(on_elected, on_lost)
