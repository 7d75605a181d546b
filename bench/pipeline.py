"""Pipeline benchmark: the whole intake bot vs minimal aiogram bots, against the same fake Bot API.

Each simulated youth runs the full conversation over Telegram long polling
(/start → Đồng ý → unit → Ẩn danh → question, stored with its receipt → «Câu hỏi của mình»: 6 updates, 6 replies).
The bot runs as a separate process (`doithoai serve`, SQLite in a temp dir, the shipped tagger);
the fake Bot API and the load generator share this process. Two runs:
1) throughput: every youth sends the next message as soon as the last reply arrives (closed loop);
2) latency: the same youth all in conversation at once, pausing as a person does between messages.
The throughput run drives four bots in turn: "echo" (bench/echo_bot.py, one message per update),
"echo+" (the echo bot also answering presses and removing their keyboards), "anchor"
(bench/anchor_bot.py: doithoai's conversation, the same buttons and Bot API calls, state in a dict,
no storage, no tagging) and doithoai. The anchor is what doithoai is measured against: the ratio
doithoai/anchor in conversations per second is what storage, tagging and our checks cost.
Prints updates/s and conversations/s, the bot's and this process's CPU per update, per-step
latency percentiles, start-up time, the bot's peak RSS and its resident memory as the
conversations accumulate, and the load average around each run (the machine may be shared:
compare ratios within one run). `--databases sqlite postgres` runs doithoai on both, back to
back in the same closed loop (PostgreSQL: a scratch database on the local server, dropped after),
and prints the ratio with the CPU per update of the bot and of that database's server backends;
`--pairs N` repeats the two N times, every other pair in the other order, and gives the median of
the N ratios.
`--rate` runs the open loop instead (bench/openloop.py): a steady offered rate, not paced by the
replies.

    .venv/bin/python bench/pipeline.py --youth 1500 --concurrency 300 --no-latency   # the closed loop, 300 youth at once
    .venv/bin/python bench/pipeline.py --youth 1000 --concurrency 1000   # throughput, then latency at a person's pace
    .venv/bin/python bench/pipeline.py --youth 10000 --concurrency 1000 --no-latency --bots doithoai   # memory, 10k
    .venv/bin/python bench/pipeline.py --youth 600 --concurrency 300 --no-latency --bots doithoai \
        --databases sqlite postgres --warmup 100 --pairs 5   # one worker: PostgreSQL against SQLite, 5 pairs
    .venv/bin/python bench/pipeline.py --youth 1000 --rate 100 200 300 500   # open loop, 1,000 youth at once
    .venv/bin/python bench/pipeline.py --youth 600 --concurrency 300 --no-latency --bots doithoai \
        --databases postgres --profile /tmp/prof && .venv/bin/python bench/profile.py /tmp/prof/*.txt   # py-spy
"""

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402
from bench.postgres import BackendCPU, scratch_database  # noqa: E402
from bench.procstat import cpu_seconds, peak_rss_mb, rss_mb  # noqa: E402
from tests.scale.cluster import flow  # noqa: E402

TOKEN = "123456:BENCH-token"


class Waiter:
    """Per-chat counters of received messages with futures resolved on arrival."""

    def __init__(self, api: FakeTelegramAPI) -> None:
        self.counts: defaultdict[int, int] = defaultdict(int)
        self.waiting: dict[int, tuple[int, asyncio.Future[None]]] = {}
        api.on_send(self._sent)

    def _sent(self, message: dict) -> None:
        chat = message["chat"]["id"]
        self.counts[chat] += 1
        pending = self.waiting.get(chat)
        if pending and self.counts[chat] >= pending[0] and not pending[1].done():
            pending[1].set_result(None)

    async def until(self, chat: int, count: int, timeout: float = 60.0) -> None:
        if self.counts[chat] >= count:
            return
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat] = (count, future)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            self.waiting.pop(chat, None)


BOTS = ("echo", "echo+", "anchor", "doithoai")


def steps(bot: str, n: int) -> list[tuple[str, str, int]]:
    """(kind, value, replies expected) for one youth's conversation (the echo bots answer each with one)."""
    return [(k, v, 1 if bot.startswith("echo") else r) for k, v, r in flow(n)]


async def youth(
    api: FakeTelegramAPI, waiter: Waiter, user_id: int, bot: str, latencies: list[float],
    think: tuple[float, float] | None, rng: random.Random,
) -> None:
    expected = 0
    for number, (kind, value, replies) in enumerate(steps(bot, user_id)):
        if think is not None:  # a person reads, then presses or types; the first message starts staggered
            await asyncio.sleep(rng.uniform(0, think[1]) if number == 0 else rng.uniform(*think))
        expected += replies
        start = time.perf_counter()
        if kind == "text":
            api.push_text(user_id, value)
        else:
            api.push_callback(user_id, value)
        await waiter.until(user_id, expected)
        latencies.append(time.perf_counter() - start)


def bench_config(tmp: Path, paced: bool) -> Path:
    """The shipped config; unless `paced`, replies go out unpaced, as the echo bot's do, so the
    benchmark measures the pipeline's own capacity rather than Telegram's 30 messages/s."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    if not paced:
        raw["coordination"]["broadcast"].update(per_second=None)
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def spawn(
    bot: str, base_url: str, tmp: Path, paced: bool, database: str | None = None, extra: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """The bot as a child process; doithoai on `database` (a URL), else on SQLite in `tmp`; `extra` environment."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": base_url,
           "DATABASE_URL": database or f"sqlite+aiosqlite:///{tmp / 'bench.db'}", "WEB_PORT": "0",
           "ECHO_SETTLE_PRESSES": "1" if bot == "echo+" else "0", **(extra or {})}
    scripts = {"echo": "echo_bot.py", "echo+": "echo_bot.py", "anchor": "anchor_bot.py"}
    command = [sys.executable, str(ROOT / "bench" / scripts[bot])] if bot in scripts else [
        sys.executable, "-m", "bot.cli", "--log-level", "WARNING", "--config", str(bench_config(tmp, paced)),
        "serve", "--demo"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the bot, then kill it if it has not stopped within 20 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


async def run(
    bot: str, youth_count: int, concurrency: int, paced: bool = False, think: tuple[float, float] | None = None,
    database: tuple[str, str] | None = None, warmup: int = 0, profile: Path | None = None,
) -> dict[str, float]:
    """One bot through `youth_count` conversations; `database` is doithoai's PostgreSQL (name, URL),
    else SQLite; `warmup` youth run first, not counted (connection pools open, caches full);
    `profile`: py-spy records the bot during the counted run into that file (collapsed stacks)."""
    async with FakeTelegramAPI(TOKEN) as api:
        waiter = Waiter(api)
        with tempfile.TemporaryDirectory() as tmp:
            spawned = time.perf_counter()
            process = spawn(bot, api.base_url, Path(tmp), paced, database[1] if database else None)
            try:
                await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=120)
                startup = time.perf_counter() - spawned
                latencies: list[float] = []
                gate = asyncio.Semaphore(concurrency)
                rng = random.Random(7)

                async def one(user_id: int, kept: list[float]) -> None:
                    async with gate:
                        await youth(api, waiter, user_id, bot, kept, think, rng)

                await asyncio.gather(*(one(900_000 + i, []) for i in range(warmup)))
                backends = BackendCPU(database[0]) if database else None
                if backends:
                    await backends.start()
                memory = RssTrail(process.pid, lambda: len(latencies) / len(steps(bot, 0)))
                spy = record(process.pid, profile) if profile else None
                cpu_before, own_before = cpu_seconds(process.pid), cpu_seconds(os.getpid())
                began = time.perf_counter()
                await asyncio.gather(*(one(10_000 + i, latencies) for i in range(youth_count)))
                elapsed = time.perf_counter() - began
                if spy is not None:
                    spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
                    spy.wait(30)
                cpu, own = cpu_seconds(process.pid) - cpu_before, cpu_seconds(os.getpid()) - own_before
                server = await backends.stop() if backends else 0.0
                trail = memory.stop()
                rss = peak_rss_mb(process.pid)
                load = os.getloadavg()[0]
            finally:
                stop(process)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"updates": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed, "startup": startup,
            "conversations": youth_count / elapsed, "load": load,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "mean": statistics.fmean(latencies) * 1000,
            "rss": rss, "cpu_ms": cpu * 1000 / len(latencies), "bench_ms": own * 1000 / len(latencies),
            "postgres_ms": server * 1000 / len(latencies), "trail": trail}  # type: ignore[dict-item]


def record(pid: int, path: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling `pid` (100 samples/s, idle frames left out) until SIGINT, into `path`."""
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--rate", "100", "--format", "raw",
                             "--output", str(path), "--nonblocking"], stdout=subprocess.DEVNULL)


class RssTrail:
    """Samples a process's resident memory twice a second, with the conversations done by then."""

    def __init__(self, pid: int, done: Callable[[], float]) -> None:
        self.samples: list[tuple[float, float]] = [(0.0, rss_mb(pid))]
        self._task = asyncio.create_task(self._sample(pid, done))

    async def _sample(self, pid: int, done: Callable[[], float]) -> None:
        while True:
            await asyncio.sleep(0.5)
            self.samples.append((done(), rss_mb(pid)))

    def stop(self) -> list[tuple[float, float]]:
        """(conversations done, MB resident) from the start of the counted run to its end."""
        self._task.cancel()
        return self.samples


def trail_text(trail: list[tuple[float, float]], points: int = 6) -> str:
    """A few (conversations, MB) samples spread over the run: does memory grow with conversations?"""
    last = trail[-1][0] or 1.0
    picked = [min(trail, key=lambda s: abs(s[0] - last * i / (points - 1))) for i in range(points)]
    return ", ".join(f"{done:.0f}: {mb:.0f} MB" for done, mb in picked)


def show(name: str, r: dict[str, float]) -> None:
    print(f"{name:9s} {r['updates']:>7.0f} updates in {r['seconds']:6.1f} s = {r['rate']:7.0f} updates/s, "
          f"{r['conversations']:6.1f} conversations/s | latency ms p50 {r['p50']:6.1f} p95 {r['p95']:6.1f} "
          f"p99 {r['p99']:6.1f} | CPU ms/update bot {r['cpu_ms']:.2f} bench {r['bench_ms']:.2f}"
          f"{f' PostgreSQL backends {pg:.2f}' if (pg := r.get('postgres_ms')) else ''} | "
          f"start-up {r['startup']:.2f} s | peak RSS {r['rss']:.0f} MB | load average {r['load']:.2f}", flush=True)


def arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--paced", action="store_true", help="keep the production send pacer (30/s, 1/s per chat)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds a person pauses between messages in the latency run (default 2 6)")
    parser.add_argument("--no-latency", action="store_true", help="run the closed loop only")
    parser.add_argument("--bots", nargs="+", choices=BOTS, default=list(BOTS), help="bots in the closed loop")
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgres"), default=["sqlite"],
                        help="doithoai's databases in the closed loop, run back to back (postgres: a scratch "
                             "database on the local server, see tests/pg.py)")
    parser.add_argument("--warmup", type=int, default=0, help="youth run before each counted closed loop")
    parser.add_argument("--pairs", type=int, default=1, help="with --databases sqlite postgres: run the two "
                        "back to back this many times, every other pair in the other order (ABBA), and give each "
                        "pair's ratio and the median (the machine's speed drifts between runs)")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="py-spy (installed in the venv) records "
                        "doithoai during each counted closed loop into DIR/<bot>.txt, collapsed stacks")
    parser.add_argument("--rate", type=float, nargs="+", help="open loop instead: doithoai at these offered "
                        "updates/s, --youth in conversation at once (bench/openloop.py)")
    parser.add_argument("--webhook", action="store_true", help="open loop over a webhook instead of long polling")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each open-loop run (default 30)")
    return parser.parse_args()


async def main() -> None:
    args = arguments()
    if args.rate:
        from bench.openloop import open_loops

        await open_loops(args.rate, args.youth, args.seconds, args.paced, args.webhook)
        return
    print(f"{args.youth} youth, {args.concurrency} at once, 6 updates each, over long polling; "
          f"send pacer {'30/s as in production' if args.paced else 'off, as for the echo bot (measuring the pipeline)'}")
    print("1) throughput: every youth sends its next message as soon as the last reply arrives "
          "(closed loop, so latency here is just concurrency / throughput)")
    results: dict[str, dict[str, float]] = {}
    ratios: list[float] = []
    for pair in range(max(1, args.pairs)):
        for bot in args.bots if pair == 0 else ["doithoai"]:
            # Every other pair runs the databases in the other order: a drift of the machine's speed
            # across a pair then favours neither (ABBA), and neither always runs second.
            order = args.databases if pair % 2 == 0 else args.databases[::-1]
            for database in order if bot == "doithoai" else ["sqlite"]:
                name = bot if database == "sqlite" else f"{bot}/pg"
                profile = args.profile / f"{name.replace('/', '-')}.txt" if args.profile and pair == 0 else None
                if database == "postgres":
                    async with scratch_database() as scratch:
                        results[name] = await run(bot, args.youth, args.concurrency, args.paced, None, scratch,
                                                  args.warmup, profile)
                else:
                    paced = args.paced and bot == "doithoai"
                    results[name] = await run(bot, args.youth, args.concurrency, paced, None, None,
                                              args.warmup, profile)
                show(name, results[name])
        if pair == 0:
            summarise(results)
        elif "doithoai/pg" in results:
            compare_databases(results["doithoai"], results["doithoai/pg"])
        if "doithoai/pg" in results and "doithoai" in results:
            ratios.append(results["doithoai/pg"]["conversations"] / results["doithoai"]["conversations"])
    if len(ratios) > 1:
        print(f"PostgreSQL/SQLite over {len(ratios)} pairs: {', '.join(f'{r:.2f}' for r in ratios)}; "
              f"median {statistics.median(ratios):.2f} (target >= 0.8)")
    if args.no_latency:
        return
    low, high = args.think
    together = min(args.youth, args.concurrency)
    offered = together * 6 / (high / 2 + 5 * (low + high) / 2)
    print(f"2) latency: {together} youth in conversation at once, pausing {low:g}-{high:g} s "
          f"between messages (about {offered:.0f} updates/s offered)")
    anchor_paced = await run("anchor", together, together, think=(low, high))
    show("anchor", anchor_paced)
    full_paced = await run("doithoai", together, together, args.paced, think=(low, high))
    show("doithoai", full_paced)
    print(f"latency with {together} youth at a person's pace: p50 {full_paced['p50']:.0f} ms, "
          f"p95 {full_paced['p95']:.0f} ms, p99 {full_paced['p99']:.0f} ms (target p99 < 250)")


def summarise(results: dict[str, dict[str, float]]) -> None:
    """The ratios between the bots of one run, and doithoai's memory and start-up."""
    full, anchor = results.get("doithoai"), results.get("anchor")
    echo, settling = results.get("echo"), results.get("echo+")
    if full and anchor:
        print(f"doithoai/anchor: {full['conversations'] / anchor['conversations']:.2f} in conversations/s "
              f"(target >= 0.8), {full['rate'] / anchor['rate']:.2f} in updates/s; bot CPU per update "
              f"{full['cpu_ms']:.2f} vs {anchor['cpu_ms']:.2f} ms")
    if echo and settling:
        print(f"echo+/echo {settling['rate'] / echo['rate']:.2f} (the cost of answering presses and removing "
              f"keyboards); anchor/echo+ {anchor['rate'] / settling['rate'] if anchor else float('nan'):.2f}")
    if full and echo:
        print(f"doithoai/echo {full['rate'] / echo['rate']:.2f} in updates/s")
    if full:
        print(f"bot peak RSS after {full['updates'] / 6:.0f} conversations: {full['rss']:.0f} MB; "
              f"start-up {full['startup']:.1f} s")
        print(f"bot resident memory by conversations done: {trail_text(full['trail'])}")  # type: ignore[arg-type]
    if full and (postgres := results.get("doithoai/pg")):
        compare_databases(full, postgres)


def compare_databases(sqlite: dict[str, float], postgres: dict[str, float]) -> None:
    """One worker on PostgreSQL against one on SQLite, same closed loop: rates and CPU per update."""
    total = postgres["cpu_ms"] + postgres["postgres_ms"]
    print(f"PostgreSQL/SQLite, one worker: {postgres['conversations'] / sqlite['conversations']:.2f} in "
          f"conversations/s (target >= 0.8); CPU ms per update: on SQLite bot {sqlite['cpu_ms']:.2f}; on "
          f"PostgreSQL bot {postgres['cpu_ms']:.2f} + PostgreSQL backends {postgres['postgres_ms']:.2f} = {total:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
