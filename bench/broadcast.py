"""Broadcast 10,000 messages through aiogram to the fake Bot API (its own process) enforcing a
(scaled-up) rate limit, with the product's own pacer and broadcast settings.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--limit 300]

The pacer is built as the app builds it (bot/coordination.py `pacer_for`: the configured
per_second, here the server's limit, and the Pacer's own headroom); concurrency and mark_every
are coordination.broadcast's defaults. Flags override them. Prints the achieved rate against the
limit (target >= 95%), duplicates, losses and 429 answers. Not a timed test.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script or with -m

from bot.broadcast import Broadcaster, Outgoing  # noqa: E402
from bot.channels.telegram_aiogram import AiogramChannel  # noqa: E402
from bot.coordination_config import BroadcastLimits  # noqa: E402
from bot.pacing import Pacer  # noqa: E402
from handlers.clock import SystemClock  # noqa: E402
from handlers.types import Address, Reply  # noqa: E402
from storage import Store, create_all, create_engine  # noqa: E402

TOKEN = "123456:BENCH-token"
TARGET = 0.95


async def main(recipients: int, limit: int, headroom: float | None, concurrency: int) -> None:
    limits = BroadcastLimits()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fake_bot_api", TOKEN, str(limit), cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdin is not None and server.stdout is not None
    base_url = (await server.stdout.readline()).decode().strip()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await create_all(engine)
        store = Store(engine)
        channel = AiogramChannel(TOKEN, handle=None, api_base=base_url)  # type: ignore[arg-type]
        tuning: dict[str, Any] = {} if headroom is None else {"headroom": headroom}
        pacer = Pacer(limit, per_chat_interval=limits.per_chat_interval, per_chat_burst=limits.per_chat_burst, **tuning)
        channel.pacer = pacer
        messages = [Outgoing(Address("telegram", str(100_000 + i)), (Reply(f"Nhắc hạn gửi câu hỏi #{i}"),))
                    for i in range(recipients)]
        broadcaster = Broadcaster(store, channel.send, SystemClock(), concurrency=concurrency,
                                  flush_every=limits.mark_every)
        started = time.perf_counter()
        report = await broadcaster.run("bench", "1", messages)
        elapsed = time.perf_counter() - started
        await channel.close()
        await store.close()
    server.stdin.close()
    stats = json.loads(await server.stdout.readline())
    await server.wait()
    rate = len(report.sent) / elapsed
    print(f"recipients {recipients}, server limit {limit}/s, pacer {pacer.per_second * pacer.headroom:.0f}/s, concurrency {concurrency}")
    print(f"sent {len(report.sent)} in {elapsed:.1f} s = {rate:.1f}/s = {rate / limit:.1%} of the limit "
          f"(target {TARGET:.0%}: {'met' if rate >= TARGET * limit else 'MISSED'})")
    print(f"server saw {stats['sent']} sends to {stats['chats']} chats: duplicates {stats['duplicates']}, "
          f"lost {recipients - stats['chats']}, failed {len(report.failed)}, 429 answers {stats['rejected_429']}, "
          f"busiest second {stats['busiest_second']}; pacer paused {pacer.paused_total:.1f} s, "
          f"rate cut {pacer.cuts}x, now {pacer.rate:.0f}/s")


if __name__ == "__main__":
    defaults = BroadcastLimits()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=300, help="the fake's limit, also the pacer's per_second")
    parser.add_argument("--headroom", type=float, default=None,
                        help="pacer rate as a share of the limit (default: the Pacer's own)")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency,
                        help="sends in flight (default: coordination.broadcast.concurrency)")
    args = parser.parse_args()
    asyncio.run(main(args.recipients, args.limit, args.headroom, args.concurrency))
