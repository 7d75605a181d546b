"""The floor under PostgreSQL's cost per update: the driver's round trips, and a unit of work's own cost.

What one worker spends per update on PostgreSQL beyond SQLite has two parts that this measures
apart from the rest of the bot, in one process, each part alternating between its variants:

1. The driver. The round trips of an intake update's storage work (the chat's lock sent with
   BEGIN, the opening read, the state write, the processed-update mark, COMMIT: five), run on
   asyncpg directly, without SQLAlchemy or storage/, on a scratch database; and, when psycopg 3 is
   installed (`pip install "psycopg[binary]"`, not a dependency of the app), the same statements in
   psycopg's pipeline mode, which sends everything but the opening read's answer together: two
   round trips. This is the least any code on each driver could spend.
2. A unit of work before its statements: `Store.unit()` with nothing in it, and with only the
   chat's lock and COMMIT, on SQLite and on PostgreSQL (connection checkout, session, commit).

Prints this process's CPU (user + system) per update and, on PostgreSQL, the server backends'.

    .venv/bin/python bench/round_trips.py --chats 300 --rounds 10 --repeat 3
"""

import argparse
import asyncio
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import BackendCPU, scratch_database  # noqa: E402
from storage import Store, create_engine  # noqa: E402
from storage.locks import lock_chat  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

CONNECTIONS = 20  # the app's default pool (config.yaml database.pool_size)
TABLES = [
    "CREATE TABLE state (chat_key text PRIMARY KEY, step text, data jsonb, updated_at timestamptz)",
    "CREATE TABLE mark (key text PRIMARY KEY, chat_key text, replies json, processed_at timestamptz)",
]
OPEN = ("SELECT mark.replies, state.step, state.data FROM (SELECT 1) one "
        "LEFT JOIN mark ON mark.key = {0} LEFT JOIN state ON state.chat_key = {1}")
PUT = ("INSERT INTO state VALUES ({0}, {1}, {2}, now()) ON CONFLICT (chat_key) DO UPDATE "
       "SET step = excluded.step, data = excluded.data, updated_at = excluded.updated_at")
MARK = "INSERT INTO mark VALUES ({0}, {1}, {2}, now())"
REPLY = json.dumps([{"text": "x" * 200}])
Update = Callable[[str, int], Awaitable[None]]


async def cpu_per_update(update: Update, chats: int, rounds: int, tag: str, database: str | None) -> tuple[float, float]:
    """(this process's CPU ms, the database backends' CPU ms) per update: `rounds` rounds of
    `chats` updates at once, after six rounds that warm pools and statement caches."""
    for warm in range(6):  # warm pools and caches; psycopg prepares a statement on its fifth run
        await asyncio.gather(*(update(f"{tag}w{warm}", chat) for chat in range(chats)))
    backends = BackendCPU(database) if database else None
    if backends:
        await backends.start()
    before = os.times()
    for round_ in range(rounds):
        await asyncio.gather(*(update(f"{tag}{round_}", chat) for chat in range(chats)))
    after = os.times()
    server = await backends.stop() if backends else 0.0
    count = chats * rounds
    own = after.user - before.user + after.system - before.system
    return own * 1000 / count, server * 1000 / count


def dsn(url: str) -> str:
    """The plain libpq URL of a SQLAlchemy asyncpg URL, for the drivers themselves."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


class Connections:
    """`CONNECTIONS` driver connections, each lent to one update at a time (a pool without SQLAlchemy)."""

    def __init__(self) -> None:
        self._all: list[Any] = []
        self._free: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self, connect: Callable[[], Awaitable[Any]]) -> "Connections":
        for _ in range(CONNECTIONS):
            self._all.append(await connect())
            self._free.put_nowait(self._all[-1])
        return self

    @asynccontextmanager
    async def lend(self) -> AsyncIterator[Any]:
        connection = await self._free.get()
        try:
            yield connection
        finally:
            self._free.put_nowait(connection)

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()


async def asyncpg_updates(url: str) -> tuple[Update, Connections]:
    """An update on raw asyncpg: five round trips (lock with BEGIN, read, write, mark, COMMIT)."""
    import asyncpg

    pool = await Connections().open(lambda: asyncpg.connect(dsn(url)))
    read, put, mark = OPEN.format("$1", "$2"), PUT.format("$1", "$2", "$3"), MARK.format("$1", "$2", "$3")

    async def update(round_: str, chat: int) -> None:
        async with pool.lend() as connection:
            await connection.execute(f"BEGIN; SELECT pg_advisory_xact_lock({chat})")
            await connection.fetchrow(read, f"{round_}-{chat}", f"t:{chat}")
            await connection.execute(put, f"t:{chat}", "idle", json.dumps({"round": round_}))
            await connection.execute(mark, f"{round_}-{chat}", f"t:{chat}", REPLY)
            await connection.execute("COMMIT")

    return update, pool


async def psycopg_updates(url: str) -> tuple[Update, Connections]:
    """The same update in psycopg 3's pipeline mode: two round trips."""
    import psycopg

    pool = await Connections().open(lambda: psycopg.AsyncConnection.connect(dsn(url), autocommit=True))
    read, put, mark = OPEN.format("%s", "%s"), PUT.format("%s", "%s", "%s"), MARK.format("%s", "%s", "%s")

    async def update(round_: str, chat: int) -> None:
        async with pool.lend() as connection, connection.pipeline() as pipeline:
            await connection.execute("BEGIN")
            await connection.execute("SELECT pg_advisory_xact_lock(%s)", (chat,))
            cursor = await connection.execute(read, (f"{round_}-{chat}", f"t:{chat}"))
            await pipeline.sync()  # the read's snapshot is taken once the lock is granted
            await cursor.fetchone()
            await connection.execute(put, (f"t:{chat}", "idle", json.dumps({"round": round_})))
            await connection.execute(mark, (f"{round_}-{chat}", f"t:{chat}", REPLY))
            await connection.execute("COMMIT")

    return update, pool


def unit_updates(store: Store, locked: bool) -> Update:
    """A Store unit with nothing in it, or with only the chat's lock (and so BEGIN and COMMIT)."""

    async def update(_round: str, chat: int) -> None:
        async with store.unit() as uow:
            if locked:
                await lock_chat(uow.session, "telegram", str(chat))

    return update


async def drivers(chats: int, rounds: int, repeat: int) -> None:
    """Part 1: each driver's floor, alternating."""
    names = ["asyncpg", "psycopg pipeline"]
    if importlib.util.find_spec("psycopg") is None:
        names = ["asyncpg"]
        print("psycopg is not installed: asyncpg only")
    async with scratch_database() as (database, url):
        import asyncpg

        setup = await asyncpg.connect(dsn(url))
        for table in TABLES:
            await setup.execute(table)
        await setup.close()
        for run in range(repeat):
            for name in names if run % 2 == 0 else names[::-1]:
                update, pool = await (asyncpg_updates if name == "asyncpg" else psycopg_updates)(url)
                try:
                    own, server = await cpu_per_update(update, chats, rounds, f"{name[0]}{run}:", database)
                finally:
                    await pool.close()
                print(f"driver only, {name:17s} worker {own:.3f} ms per update, backends {server:.3f}", flush=True)


async def units(chats: int, rounds: int, repeat: int) -> None:
    """Part 2: a Store unit's own cost on each database, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_database() as (database, url):
            stores = {"SQLite": Store(create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'units.db'}")),
                      "PostgreSQL": Store(create_engine(url))}
            try:
                for store in stores.values():
                    await upgrade(store.engine)
                for run in range(repeat):
                    for name in list(stores) if run % 2 == 0 else list(stores)[::-1]:
                        for locked in (False, True):
                            own, _ = await cpu_per_update(unit_updates(stores[name], locked), chats, rounds, "",
                                                          database if name == "PostgreSQL" else None)
                            what = "lock, BEGIN, COMMIT" if locked else "nothing in it"
                            print(f"a unit of work, {what:19s} {name:10s} worker {own:.3f} ms", flush=True)
            finally:
                for store in stores.values():
                    await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=300, help="updates at once")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant, alternating")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f}; {CONNECTIONS} connections, {args.chats} updates at once")
    await drivers(args.chats, args.rounds, args.repeat)
    await units(args.chats, args.rounds, args.repeat)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
