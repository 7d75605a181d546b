"""The fake Bot API in its own process for benchmarks, so server CPU does not eat the client's.

Prints its base URL, serves until stdin closes, then prints one JSON line of statistics.
"""

import asyncio
import json
import sys

from tests.fakes.telegram_api import FakeTelegramAPI


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
        }), flush=True)


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], int(sys.argv[2])))
