"""Broadcast 10,000 messages through aiogram to the fake Bot API (its own process) enforcing a
(scaled-up) rate limit.

    .venv/bin/python -m bench.broadcast [--recipients 10000] [--limit 300]

Prints the achieved rate against the limit, duplicates and losses. Not a timed test.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bot.broadcast import Broadcaster, Outgoing
from bot.channels.telegram_aiogram import AiogramChannel
from bot.pacing import Pacer
from handlers.clock import SystemClock
from handlers.types import Address, Reply
from storage import Store, create_all, create_engine

TOKEN = "123456:BENCH-token"


async def main(recipients: int, limit: int, headroom: float, concurrency: int) -> None:
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fake_bot_api", TOKEN, str(limit),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdin is not None and server.stdout is not None
    base_url = (await server.stdout.readline()).decode().strip()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await create_all(engine)
        store = Store(engine)
        channel = AiogramChannel(TOKEN, handle=None, api_base=base_url)  # type: ignore[arg-type]
        channel.pacer = Pacer(limit * headroom, per_chat_interval=1.0, burst_seconds=0.1, window=1.0)
        messages = [Outgoing(Address("telegram", str(100_000 + i)), (Reply(f"Nhắc hạn gửi câu hỏi #{i}"),))
                    for i in range(recipients)]
        broadcaster = Broadcaster(store, channel.send, SystemClock(), concurrency=concurrency)
        started = time.perf_counter()
        report = await broadcaster.run("bench", "1", messages)
        elapsed = time.perf_counter() - started
        await channel.close()
        await store.close()
    server.stdin.close()
    stats = json.loads(await server.stdout.readline())
    await server.wait()
    rate = len(report.sent) / elapsed
    print(f"recipients {recipients}, server limit {limit}/s, pacer {limit * headroom:.0f}/s, concurrency {concurrency}")
    print(f"sent {len(report.sent)} in {elapsed:.1f} s = {rate:.1f}/s = {rate / limit:.1%} of the limit")
    print(f"server saw {stats['sent']} sends to {stats['chats']} chats: duplicates {stats['duplicates']}, "
          f"lost {recipients - stats['chats']}, failed {len(report.failed)}, 429 answers {stats['rejected_429']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--headroom", type=float, default=0.97, help="pacer rate as a share of the limit")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.recipients, args.limit, args.headroom, args.concurrency))
