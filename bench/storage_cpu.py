"""CPU per update of the dispatcher's storage work alone, on SQLite and on PostgreSQL, in one process.

Each simulated update runs what an intake message does in the database: the chat's lock, the
redelivery read, the youth and state lookups, the state write and the processed-update mark (one
reply of 200 characters), `--chats` updates at once, for `--rounds` rounds. Prints this process's
CPU milliseconds per update and, on PostgreSQL, its server backends' (a scratch database on the
local server). No Bot API, no tagger: the closed loop of bench/pipeline.py measures the whole bot;
this measures the part that differs between the two databases, and moves less with the machine's
other work than a rate does.

    .venv/bin/python bench/storage_cpu.py --chats 300 --rounds 10
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import BackendCPU, scratch_database  # noqa: E402
from storage import Store, create_engine  # noqa: E402
from storage.locks import lock_chat  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

NOW = datetime.now(timezone.utc)
REPLY = [{"text": "x" * 200}]


async def update(store: Store, round_: int, chat: int) -> None:
    """One intake update's storage work."""
    async with store.unit() as uow:
        await lock_chat(uow.session, "telegram", str(chat))
        await uow.open_chat("telegram", str(chat), f"{round_}-{chat}")  # redelivery, youth, state, pending
        await uow.youth.get("telegram", str(chat))
        await uow.states.get(f"telegram:{chat}")
        await uow.admin.pending(f"telegram:{chat}")
        await uow.states.put(f"telegram:{chat}", "idle", {"round": round_}, NOW)
        await uow.updates.record("telegram", f"{round_}-{chat}", f"telegram:{chat}", REPLY, NOW)


async def measure(url: str, chats: int, rounds: int, database: str | None) -> tuple[float, float]:
    """(process CPU ms, backend CPU ms) per update on `url`."""
    engine = create_engine(url)
    await upgrade(engine)
    store = Store(engine)
    try:
        for chat in range(chats):
            async with store.unit() as uow:
                await uow.youth.create("telegram", str(chat), NOW)
        await asyncio.gather(*(update(store, -1, chat) for chat in range(chats)))  # warm: pool, caches
        backends = BackendCPU(database) if database else None
        if backends:
            await backends.start()
        began = time.process_time()
        for round_ in range(rounds):
            await asyncio.gather(*(update(store, round_, chat) for chat in range(chats)))
        own = time.process_time() - began
        server = await backends.stop() if backends else 0.0
    finally:
        await store.close()
    count = chats * rounds
    return own * 1000 / count, server * 1000 / count


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite (to profile PostgreSQL's path)")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f}")
    sqlite = float("nan")
    if not args.postgres_only:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite, _ = await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'cpu.db'}", args.chats, args.rounds, None)
    async with scratch_database() as (name, url):
        postgres, backends = await measure(url, args.chats, args.rounds, name)
    print(f"CPU ms per update's storage work: SQLite {sqlite:.3f}; PostgreSQL {postgres:.3f} "
          f"+ backends {backends:.3f} (PostgreSQL/SQLite in this process {postgres / sqlite:.2f}); "
          f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
