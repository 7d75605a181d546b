"""Memory benchmark: what the bot process holds before its first conversation, module by module.

Runs in a fresh interpreter (a child process, so this script's own imports do not count): imports
the libraries and project packages in the order `doithoai serve` does, printing the resident memory
after each (VmRSS, and RssAnon: the heap, what the imports allocated), then assembles and starts the
whole app against a fake Bot API on 127.0.0.1 (SQLite in a temp dir, the shipped config) and prints
it again once it polls, with the heavy libraries it loaded. The peak after many conversations is
bench/pipeline.py's figure; this one says where the start-up share of it comes from.

    .venv/bin/python bench/memory.py
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In the order the app imports them; each figure includes everything above it.
STEPS = (
    "aiohttp", "sqlalchemy", "sqlmodel", "storage", "handlers.conversation", "numpy", "nlp", "apscheduler",
    "redis", "bot.channels.telegram_aiogram", "bot.app",
)
WATCHED = ("aiogram", "telegram", "matplotlib", "openpyxl", "PIL", "sklearn", "scipy", "underthesea", "pandas",
           "numpy", "asyncpg", "redis", "apscheduler")

CHILD = r'''
import asyncio, importlib, os, sys, tempfile, time
sys.path.insert(0, ROOT)

def memory():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return [int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon")]

def show(what, began):
    rss, anon = memory()
    print(f"{what:34s} {rss:7.1f} MB resident {anon:7.1f} MB heap  ({time.perf_counter() - began:5.2f} s)", flush=True)

began = time.perf_counter()
show("interpreter", began)
for name in STEPS:
    importlib.import_module(name)
    show("+ " + name, began)

from tests.fakes.telegram_api import FakeTelegramAPI
show("+ the fake Bot API (this process only)", began)

async def serve():
    async with FakeTelegramAPI("123456:BENCH-token") as api:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update(TELEGRAM_BOT_TOKEN="123456:BENCH-token", TELEGRAM_API_BASE=api.base_url,
                              DATABASE_URL=f"sqlite+aiosqlite:///{tmp}/bench.db", WEB_PORT="0")
            from bot.app import serve
            from bot.cli import _config, parser
            stop = asyncio.Event()
            task = asyncio.create_task(serve(_config(parser().parse_args(["serve", "--demo"])), stop))
            await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=120)
            show("app assembled and polling", began)
            print("heavy libraries loaded:", ", ".join(m for m in WATCHED if m in sys.modules) or "none")
            stop.set()
            await task

asyncio.run(serve())
'''


def main() -> None:
    prelude = f"ROOT = {str(ROOT)!r}\nSTEPS = {STEPS!r}\nWATCHED = {WATCHED!r}\n"
    subprocess.run([sys.executable, "-c", prelude + CHILD], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
