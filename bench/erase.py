"""What SQLite's secure_delete costs: a question insert and a /xoa, with it on and off.

    .venv/bin/python bench/erase.py [--youth 300] [--questions 3] [--background 5000]

A database file (WAL, the product's pragmas) with `background` other questions, then `youth` youth
each storing `questions` questions (one unit of work per question, as the conversation does) and
erasing everything (one unit of work per /xoa, with the WAL checkpoint the Store runs after an
erasure). Prints the median and 90th percentile per operation for each setting. Not a timed test.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script or with -m

from sqlalchemy import event  # noqa: E402

from storage import Question, Store, create_all, create_engine  # noqa: E402

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)
OFF, ON_NO_CHECKPOINT, ON = "secure_delete off", "secure_delete on, no WAL checkpoint", "as shipped"
TEXT = "Tỉnh có chính sách hỗ trợ vốn vay ưu đãi cho thanh niên khởi nghiệp ở nông thôn không ạ? "


def _question(youth_id: int | None, n: int) -> Question:
    text = f"{TEXT}{n}"
    return Question(youth_id=youth_id, channel="telegram", unit_code="KESACH", asker_name="Nguyễn Văn A",
                    text_raw=text, text_norm=text, topic="khoi_nghiep", created_at=NOW)


async def _store(path: Path, mode: str) -> Store:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    if mode == OFF:  # runs after the product's pragmas: switch it off again
        event.listen(engine.sync_engine, "connect", lambda conn, _r: conn.execute("PRAGMA secure_delete=OFF"))
    await create_all(engine)
    store = Store(engine)
    if mode != ON:  # the WAL checkpoint after an erasure is part of the product's /xoa ("on")

        async def no_checkpoint() -> None:
            return None

        store._checkpoint = no_checkpoint  # type: ignore[method-assign]
    return store


async def run(mode: str, youth: int, questions: int, background: int) -> dict[str, list[float]]:
    """Timings (seconds) of each insert and each erase."""
    times: dict[str, list[float]] = {"insert": [], "erase": []}
    with tempfile.TemporaryDirectory() as folder:
        store = await _store(Path(folder) / "bench.db", mode)
        async with store.unit() as uow:
            for n in range(background):
                await uow.questions.add(_question(None, n), "ST2023")
        for y in range(youth):
            async with store.unit() as uow:
                person = await uow.youth.create("telegram", f"b{y}", NOW)
                person_id = person.id
            for n in range(questions):
                started = time.perf_counter()
                async with store.unit() as uow:
                    await uow.questions.add(_question(person_id, n), "ST2023")
                times["insert"].append(time.perf_counter() - started)
        for y in range(youth):
            started = time.perf_counter()
            async with store.unit() as uow:
                found = await uow.youth.get("telegram", f"b{y}")
                assert found is not None
                await uow.youth.erase(found)
            times["erase"].append(time.perf_counter() - started)
        await store.close()
    return times


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(len(ordered) * 0.9)]
    return f"median {statistics.median(values) * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms"


async def main(youth: int, questions: int, background: int) -> None:
    results: dict[str, Any] = {}
    for mode in (OFF, ON_NO_CHECKPOINT, ON) * 2:  # alternate, so a busy machine hurts each alike
        timings = await run(mode, youth, questions, background)
        for key, values in timings.items():
            results.setdefault(mode, {}).setdefault(key, []).extend(values)
    for mode, timings in results.items():
        print(f"{mode:<36} question insert: {_summary(timings['insert'])};  /xoa: {_summary(timings['erase'])}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=300)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--background", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(main(args.youth, args.questions, args.background))
