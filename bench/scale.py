"""Scale benchmark: one webhook worker vs two (SO_REUSEPORT) on PostgreSQL (+ Redis flood guard).

Each simulated youth runs the whole 6-update conversation through the fake Bot API's webhook
delivery; the workers are real `doithoai serve` processes on a throw-away PostgreSQL database.
Prints updates/s for each setup, the ratio two/one (target >= 1.3 on 2 cores) and lost/duplicated
questions (target 0/0), and where the CPU went per update: the workers, this process (the load
generator and the fake Bot API), PostgreSQL and Redis, and the ratio those costs allow on this
machine's cores. 200 warm-up youth (not counted) run first, so the workers' connection pools are
open and their caches full, as after hours of service. Replies go out unpaced (the fake enforces no
limit).

    .venv/bin/python bench/scale.py --youth 1000          # 6,000 updates per setup
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.procstat import cpu_seconds  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402
from tests.scale.cluster import (  # noqa: E402
    SECRET, TOKEN, WEBHOOK_PATH, Inbox, Worker, converse, free_port, questions_per_youth, scale_config, worker_env,
)
from tests.pg import POSTGRES_URL, admin_execute, database_url  # noqa: E402
from tests.scale.conftest import REDIS_URL  # noqa: E402


async def forget_flood_counters() -> None:
    """Empty the bench's Redis database: the previous run's youth had the same chat ids, and their
    flood counters (20 messages a minute) would throttle this run's."""
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def server_cpu() -> dict[str, float]:
    """CPU seconds used so far by every PostgreSQL and Redis process."""
    used = {"postgres": 0.0, "redis": 0.0}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "comm").read_text().strip()
            except OSError:
                continue
            for name in used:
                if command.startswith(name):
                    used[name] += cpu_seconds(int(entry.name))
    return used


def cpu_snapshot(procs: list[Worker]) -> dict[str, float]:
    """CPU seconds so far: the workers together, this process, PostgreSQL, Redis."""
    workers = sum(cpu_seconds(p.process.pid) for p in procs if p.process is not None)
    return {"workers": workers, "bench": time.process_time(), **server_cpu()}


async def run(workers: int, youth: int, redis: bool, warmup: int = 0) -> dict[str, float]:
    if redis:
        await forget_flood_counters()
    name = f"doithoai_bench_{uuid.uuid4().hex[:10]}"
    await admin_execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    try:
        async with FakeTelegramAPI(TOKEN) as api:
            with tempfile.TemporaryDirectory() as tmp:
                config = scale_config(Path(tmp), coordination={"enabled": False})
                port = free_port()
                env = worker_env(api.base_url, url, port, REDIS_URL if redis else None)
                procs = [Worker(f"w{i}", config, env) for i in range(workers)]
                try:
                    for proc in procs:
                        await proc.start()
                    for proc in procs:
                        await proc.wait_log("telegram channel started", timeout=120)
                    inbox = Inbox(api)
                    await api.deliver_webhook(f"http://127.0.0.1:{port}{WEBHOOK_PATH}", SECRET, max_connections=100,
                                              max_attempts=1000)
                    # Warm-up youth open each worker's pooled connections and fill its caches, as hours
                    # of service would; they are not counted in the figures.
                    await asyncio.gather(*(converse(api, inbox, 900_000 + n, 600) for n in range(warmup)))
                    before = cpu_snapshot(procs)
                    began = time.perf_counter()
                    sent = await asyncio.gather(*(converse(api, inbox, 100_000 + n, 600) for n in range(youth)))
                    elapsed = time.perf_counter() - began
                    after = cpu_snapshot(procs)
                    await api.stop_webhook()
                finally:
                    for proc in procs:
                        await proc.stop()
        counts = await questions_per_youth(url)
    finally:
        await admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    lost = sum(1 for n in range(youth) if counts.get(str(100_000 + n), 0) == 0)
    lost += sum(1 for n in range(warmup) if counts.get(str(900_000 + n), 0) == 0)
    duplicated = sum(n - 1 for n in counts.values() if n > 1)
    cpu_ms = {key: (after[key] - before[key]) * 1000 / sum(sent) for key in after}
    return {"updates": sum(sent), "seconds": elapsed, "rate": sum(sent) / elapsed, "lost": lost, "dup": duplicated,
            "cpu_ms": cpu_ms, "cores": sum(cpu_ms.values()) * sum(sent) / elapsed / 1000}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=1000)
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--warmup", type=int, default=200, help="youth run before measuring (default 200)")
    args = parser.parse_args()
    results = {}
    for workers in (1, 2):
        r = await run(workers, args.youth, not args.no_redis, args.warmup)
        results[workers] = r
        print(f"{workers} worker(s): {r['updates']:.0f} updates in {r['seconds']:.1f} s = {r['rate']:.0f} updates/s; "
              f"lost {r['lost']:.0f}, duplicated {r['dup']:.0f}")
        spent = ", ".join(f"{key} {ms:.2f}" for key, ms in r["cpu_ms"].items())
        print(f"   CPU ms per update: {spent}; {r['cores']:.2f} of {os.cpu_count()} cores busy")
    print(f"ratio two/one: {results[2]['rate'] / results[1]['rate']:.2f} (target >= 1.3)")
    # Everything shares the machine's cores, so the CPU each update costs with two workers bounds
    # what two workers can reach, whatever they do in parallel.
    total = sum(results[2]["cpu_ms"].values())
    bound = (os.cpu_count() or 1) * 1000 / total
    print(f"bound: with two workers an update costs {total:.2f} ms of CPU in all, so {os.cpu_count()} cores "
          f"serve at most {bound:.0f} updates/s: a ratio of at most {bound / results[1]['rate']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
