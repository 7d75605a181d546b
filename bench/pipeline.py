"""Pipeline benchmark: the whole intake bot vs a bare aiogram echo bot, against the same fake Bot API.

Each simulated youth runs the full conversation over Telegram long polling
(/start → Đồng ý → unit → Ẩn danh → question, stored with its receipt → «Câu hỏi của mình»: 6 updates, 6 replies).
The bot runs as a separate process (`doithoai serve`, SQLite in a temp dir, the shipped tagger);
the fake Bot API and the load generator share this process. Two runs of each bot:
1) throughput: every youth sends the next message as soon as the last reply arrives (closed loop);
2) latency: the same youth all in conversation at once, pausing as a person does between messages.
Prints updates/s, the ratio to the echo bot, the bot's CPU per update, per-step latency
percentiles, start-up time and the bot's peak RSS. A third throughput run, "echo+", has the echo
bot make the same Bot API calls as doithoai (it answers presses and removes their keyboards): the
ratio doithoai/echo+ shows what state, tagging and storage cost beyond those calls.

    .venv/bin/python bench/pipeline.py --youth 1000 --concurrency 1000   # throughput, then latency at a person's pace
    .venv/bin/python bench/pipeline.py --youth 10000 --concurrency 1000   # memory after 10k conversations
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
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.telegram_api import FakeTelegramAPI  # noqa: E402
from bench.procstat import cpu_seconds, peak_rss_mb  # noqa: E402
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


def steps(echo: bool, n: int) -> list[tuple[str, str, int]]:
    """(kind, value, replies expected) for one youth's conversation (the echo bot answers each with one)."""
    return [(k, v, 1 if echo else r) for k, v, r in flow(n)]


async def youth(
    api: FakeTelegramAPI, waiter: Waiter, user_id: int, echo: bool, latencies: list[float],
    think: tuple[float, float] | None, rng: random.Random,
) -> None:
    expected = 0
    for number, (kind, value, replies) in enumerate(steps(echo, user_id)):
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


def spawn(echo: bool, base_url: str, tmp: Path, paced: bool, settle: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": base_url,
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'bench.db'}", "WEB_PORT": "0",
           "ECHO_SETTLE_PRESSES": "1" if settle else "0"}
    command = [sys.executable, str(ROOT / "bench" / "echo_bot.py")] if echo else [
        sys.executable, "-m", "bot.cli", "--log-level", "WARNING", "--config", str(bench_config(tmp, paced)),
        "serve", "--demo"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


async def run(
    echo: bool, youth_count: int, concurrency: int, paced: bool = False, think: tuple[float, float] | None = None,
    settle: bool = False,
) -> dict[str, float]:
    async with FakeTelegramAPI(TOKEN) as api:
        waiter = Waiter(api)
        with tempfile.TemporaryDirectory() as tmp:
            spawned = time.perf_counter()
            process = spawn(echo, api.base_url, Path(tmp), paced, settle)
            try:
                await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=60)
                startup = time.perf_counter() - spawned
                latencies: list[float] = []
                gate = asyncio.Semaphore(concurrency)
                rng = random.Random(7)

                async def one(user_id: int) -> None:
                    async with gate:
                        await youth(api, waiter, user_id, echo, latencies, think, rng)

                cpu_before = cpu_seconds(process.pid)
                began = time.perf_counter()
                await asyncio.gather(*(one(10_000 + i) for i in range(youth_count)))
                elapsed = time.perf_counter() - began
                cpu = cpu_seconds(process.pid) - cpu_before
                rss = peak_rss_mb(process.pid)
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"updates": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed, "startup": startup,
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "mean": statistics.fmean(latencies) * 1000,
            "rss": rss, "cpu_ms": cpu * 1000 / len(latencies)}


def show(name: str, r: dict[str, float]) -> None:
    print(f"{name:9s} {r['updates']:>7.0f} updates in {r['seconds']:6.1f} s = {r['rate']:7.0f} updates/s | "
          f"latency ms p50 {r['p50']:6.1f} p95 {r['p95']:6.1f} p99 {r['p99']:6.1f} | "
          f"bot CPU {r['cpu_ms']:.2f} ms/update | start-up {r['startup']:.2f} s | peak RSS {r['rss']:.0f} MB")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--paced", action="store_true", help="keep the production send pacer (30/s, 1/s per chat)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds a person pauses between messages in the latency run (default 2 6)")
    args = parser.parse_args()
    print(f"{args.youth} youth, {args.concurrency} at once, 6 updates each, over long polling; "
          f"send pacer {'30/s as in production' if args.paced else 'off, as for the echo bot (measuring the pipeline)'}")
    print("1) throughput: every youth sends its next message as soon as the last reply arrives "
          "(closed loop, so latency here is just concurrency / throughput)")
    echo = await run(True, args.youth, args.concurrency)
    show("echo", echo)
    settling = await run(True, args.youth, args.concurrency, settle=True)
    show("echo+", settling)
    full = await run(False, args.youth, args.concurrency, args.paced)
    show("doithoai", full)
    low, high = args.think
    together = min(args.youth, args.concurrency)
    offered = together * 6 / (high / 2 + 5 * (low + high) / 2)
    print(f"2) latency: {together} youth in conversation at once, pausing {low:g}-{high:g} s "
          f"between messages (about {offered:.0f} updates/s offered)")
    echo_paced = await run(True, together, together, think=(low, high))
    show("echo", echo_paced)
    full_paced = await run(False, together, together, args.paced, think=(low, high))
    show("doithoai", full_paced)
    print(f"throughput ratio doithoai/echo: {full['rate'] / echo['rate']:.2f} (target >= 0.6); "
          f"bot CPU per update {full['cpu_ms']:.2f} vs {echo['cpu_ms']:.2f} ms")
    print(f"echo+ (the echo bot making doithoai's Bot API calls: presses answered, keyboards removed): "
          f"{settling['rate']:.0f} updates/s, {settling['cpu_ms']:.2f} ms/update; doithoai/echo+ "
          f"{full['rate'] / settling['rate']:.2f}, echo+/echo {settling['rate'] / echo['rate']:.2f}")
    print(f"latency with {together} youth at a person's pace: p50 {full_paced['p50']:.0f} ms, "
          f"p95 {full_paced['p95']:.0f} ms, p99 {full_paced['p99']:.0f} ms (target p99 < 250)")
    print(f"bot peak RSS after {args.youth} conversations: {full['rss']:.0f} MB; start-up {full['startup']:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
