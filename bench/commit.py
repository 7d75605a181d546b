"""What a transaction of its own costs each update on SQLite: the most group commit could save there.

Runs the dispatcher's per-update writes (the redelivery read and the processed-update mark, with
one reply of 200 characters) three ways, in CPU milliseconds per update: a transaction for each
update (what the dispatcher does), batches of 20 updates in one transaction (group commit), and
batches of 20 with a savepoint around each update (group commit where one failing update rolls
back alone).

    .venv/bin/python bench/commit.py
"""

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import Store, create_all, create_engine  # noqa: E402
from storage.unit_of_work import UnitOfWork  # noqa: E402

NOW = datetime.now(timezone.utc)


async def mark(uow: UnitOfWork, number: int) -> None:
    """The dispatcher's own statements for one update."""
    await uow.updates.replies_for("telegram", str(number))
    await uow.updates.record("telegram", str(number), f"telegram:{number}", [{"text": "x" * 200}], NOW)


async def alone(store: Store, first: int, count: int, _batch: int) -> None:
    for number in range(first, first + count):
        async with store.unit() as uow:
            await mark(uow, number)


async def grouped(store: Store, first: int, count: int, batch: int) -> None:
    for start in range(first, first + count, batch):
        async with store.unit() as uow:
            for number in range(start, start + batch):
                await mark(uow, number)


async def grouped_savepoints(store: Store, first: int, count: int, batch: int) -> None:
    for start in range(first, first + count, batch):
        async with store.unit() as uow:
            for number in range(start, start + batch):
                async with uow.session.begin_nested():
                    await mark(uow, number)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ways: dict[str, Callable[[Store, int, int, int], Awaitable[None]]] = {
        "own transaction": alone, f"batch of {args.batch}": grouped,
        f"batch of {args.batch}, a savepoint each": grouped_savepoints}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(create_engine(f"sqlite+aiosqlite:///{tmp}/commit.db"))
        await create_all(store.engine)
        first = 0
        for _ in range(args.rounds):
            figures = []
            for name, way in ways.items():
                began = time.process_time()
                await way(store, first, args.updates, args.batch)
                figures.append(f"{name} {(time.process_time() - began) * 1000 / args.updates:.3f}")
                first += args.updates
            print("CPU ms per update: " + ", ".join(figures), flush=True)
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
