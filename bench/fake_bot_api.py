"""The fake Bot API in its own process for benchmarks, so server CPU does not eat the client's.

Prints its base URL, serves until stdin closes, then prints one JSON line of statistics.

The limit is the test fake's (tests/fakes/telegram_faults.py): a sliding one-second window per
chat and overall, counted when a request reaches the server, over successful sends only; a 429
carries `retry_after` in whole seconds (at least 1), as Telegram's do. That is stricter than a
fixed calendar second, which would let two full seconds' worth through across a boundary.
"""

import asyncio
import json
import sys
from collections.abc import Sequence

from tests.fakes.telegram_api import FakeTelegramAPI


def busiest_second(instants: Sequence[float]) -> int:
    """The most instants in any sliding one-second window (what the limiter compares)."""
    most, first = 0, 0
    for last, instant in enumerate(instants):
        while instants[first] <= instant - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def serve(token: str, limit: int) -> None:
    async with FakeTelegramAPI(token) as api:
        api.set_rate_limit(global_per_second=limit, per_chat_per_second=1)
        print(api.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        counts = api.send_counts()
        calls = api.calls_to("sendMessage")
        print(json.dumps({
            "chats": len(counts), "sent": sum(counts.values()),
            "duplicates": sum(n - 1 for n in counts.values() if n > 1),
            "rejected_429": sum(1 for c in calls if c.status == 429),
            "busiest_second": busiest_second(sorted(c.time for c in calls if c.ok)),
        }), flush=True)


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], int(sys.argv[2])))
