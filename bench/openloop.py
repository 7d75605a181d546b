"""Open loop: doithoai under a steady offered rate, whatever its replies do (bench/pipeline.py --rate).

`slots` youth are in conversation at once. Message k of the run is due at k / rate seconds: it
belongs to slot k mod slots, so each slot sends every slots / rate seconds, and a slot's youth is
replaced by a new one after its 6 messages. The offered rate is therefore steady and set by the
schedule, not by the replies. A youth cannot press a button the bot has not sent yet, so a slot
whose last reply is late sends when it arrives; latency is counted from the message's due time
(not from when it could be sent), so a bot that falls behind shows the queue in its percentiles
instead of hiding it by offering less. Messages due in the first `warmup` seconds are not counted.
Over long polling (the default) or a webhook (`--webhook`: the fake Bot API POSTs each update
to the bot, up to 100 at once, as Telegram does with max_connections=100).
"""

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.pipeline import TOKEN, Waiter, spawn, steps, stop
from bench.procstat import cpu_seconds, peak_rss_mb
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.scale.cluster import SECRET, WEBHOOK_PATH, free_port

KEPT_UP = 0.97  # completed/offered at or above this: the bot kept up
LATE_SECONDS = 60.0  # a reply later than this counts as not completed


async def _slot(api: FakeTelegramAPI, waiter: Waiter, slot: int, slots: int, rate: float, total: int,
                start: float, warmup: float, done: list[tuple[float, float]]) -> int:
    """One slot's youth in turn; appends (due, completed) per counted message; returns those not answered."""
    flow = steps("doithoai", 0)
    for number in range(slot, total, slots):
        turn = number // slots
        user, step = 10_000 + slot + slots * (turn // len(flow)), turn % len(flow)
        kind, value, _ = steps("doithoai", user)[step]
        due = start + number / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        (api.push_text if kind == "text" else api.push_callback)(user, value)
        try:
            await waiter.until(user, sum(r for *_, r in flow[: step + 1]), LATE_SECONDS)
        except TimeoutError:
            return len(range(number, total, slots))
        if due - start >= warmup:
            done.append((due, time.perf_counter()))
    return 0


def webhook_env() -> dict[str, str]:
    """A webhook-mode bot on a free local port; it registers the URL with the fake at start."""
    port = free_port()
    return {"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": SECRET, "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(port), "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}{WEBHOOK_PATH}"}


async def open_loop(
    rate: float, slots: int, seconds: float, paced: bool, webhook: bool = False, warmup: float = 5.0,
) -> dict[str, float]:
    """doithoai (fresh process, SQLite) offered `rate` updates/s for `seconds` from `slots` youth at once."""
    async with FakeTelegramAPI(TOKEN) as api:
        waiter = Waiter(api)
        with tempfile.TemporaryDirectory() as tmp:
            process = spawn("doithoai", api.base_url, Path(tmp), paced, extra=webhook_env() if webhook else None)
            try:
                if webhook:
                    await api.wait_until(lambda: bool(api.calls_to("setWebhook")), timeout=120)
                    await api.deliver_webhook(max_connections=100, max_attempts=1000)
                else:
                    await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=120)
                total = int(rate * seconds)
                done: list[tuple[float, float]] = []
                start = time.perf_counter() + 0.5
                cpu_before = cpu_seconds(process.pid)
                lost = sum(await asyncio.gather(*(
                    _slot(api, waiter, slot, slots, rate, total, start, warmup, done) for slot in range(slots))))
                cpu = cpu_seconds(process.pid) - cpu_before
                rss, load = peak_rss_mb(process.pid), os.getloadavg()[0]
            finally:
                stop(process)
    latencies = sorted(end - due for due, end in done)
    first, last = min(due for due, _ in done), max(end for _, end in done)
    counted_offered = sum(1 for n in range(total) if n / rate >= warmup)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"offered": rate, "completed": len(done) / (last - first), "updates": len(done),
            "counted": counted_offered, "lost": lost, "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99),
            "cpu_ms": cpu * 1000 / total, "rss": rss, "load": load}


async def open_loops(rates: list[float], slots: int, seconds: float, paced: bool, webhook: bool = False) -> None:
    """Each rate in a fresh bot; prints whether it kept up and the highest rate held with p99 < 250 ms."""
    print(f"open loop over {'a webhook (100 connections)' if webhook else 'long polling'}: {slots} youth in "
          f"conversation at once, {seconds:g} s per rate, latency from each message's due time; the first 5 s "
          f"not counted")
    held = []
    for rate in rates:
        r = await open_loop(rate, slots, seconds, paced, webhook)
        kept = r["completed"] >= KEPT_UP * rate and r["lost"] == 0
        if kept and r["p99"] < 250:
            held.append(rate)
        print(f"offered {rate:5.0f}/s: completed {r['completed']:6.1f}/s ({r['updates']:.0f} of {r['counted']:.0f} "
              f"counted, {r['lost']:.0f} unanswered) | latency ms p50 {r['p50']:7.1f} p95 {r['p95']:7.1f} "
              f"p99 {r['p99']:7.1f} | {'kept up' if kept else 'FELL BEHIND (a queue)'} | bot CPU ms/update "
              f"{r['cpu_ms']:.2f} | peak RSS {r['rss']:.0f} MB | load average {r['load']:.2f}", flush=True)
    best = f"{max(held):.0f} updates/s" if held else "none of the rates run"
    print(f"highest offered rate kept up with p99 < 250 ms: {best} (target: 500/s from 1,000 youth)")
