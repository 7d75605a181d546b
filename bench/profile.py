"""Where a py-spy profile's samples went: `bench/pipeline.py --profile DIR` writes one per bot.

Reads py-spy's raw (collapsed) output and prints the share of samples by the leaf frame's package
and the share spent inside a few frames that matter for storage (inclusive: the frame anywhere on
the stack), so two profiles of the same bench can be compared.

    .venv/bin/python bench/profile.py /tmp/prof/doithoai.txt /tmp/prof/doithoai-pg.txt
"""

import re
import sys
from collections import Counter
from pathlib import Path

# Frames whose time includes what they call; matched against "function (file" of each frame.
INSIDE = {
    "the chat lock (storage/locks.py)": r"lock_chat \(storage/locks\.py",
    "pool checkout (pre-ping, reset)": r"_ConnectionFairy\._checkout|_ConnectionRecord\.checkout",
    "pool ping": r"do_ping|_async_ping|_ping \(storage",
    "Statement (storage/statements.py)": r"\(storage/statements\.py",
    "commit": r"Store\._commit|AsyncSession\.commit",
    "dispatcher's unit (bot/dispatcher.py _handle)": r"Dispatcher\._handle \(",
    "SQLAlchemy anywhere": r"\(sqlalchemy/",
    "asyncpg anywhere": r"\(asyncpg/",
}
CLIENT = ("aiogram", "aiohttp", "pydantic", "yarl", "multidict")  # the Bot API client, counted by leaf frame
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:]*):\d+\)$")


def package(file: str) -> str:
    """The top folder of a frame's file (storage, aiohttp, asyncio …)."""
    return file.split("/", 1)[0].removesuffix(".py") if "/" in file else file


def summarise(path: Path) -> None:
    """Print one profile's leaf packages and inclusive frames."""
    leaves: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue  # a frame name holding a line break (a thread or task named with text) splits a line
        n = int(count)
        total += n
        frames = stack.split(";")
        leaf = _FRAME.match(frames[-1])
        leaves[package(leaf.group("file")) if leaf else "?"] += n
        for name, pattern in INSIDE.items():
            if re.search(pattern, stack):
                inside[name] += n
    print(f"{path}: {total} samples")
    client = sum(n for p, n in leaves.items() if p in CLIENT)
    print(f"  leaf frame in the Bot API client ({', '.join(CLIENT)}): {client * 100 / total:.1f} %")
    print("  leaf frame by package: " + ", ".join(f"{p} {n * 100 / total:.1f} %" for p, n in leaves.most_common(12)))
    for name in INSIDE:
        print(f"  inside {name}: {inside[name] * 100 / total:.1f} %")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        summarise(Path(argument))
