"""Worker processes (`python -m bot.cli serve`) on one PostgreSQL database, driven through the fake Bot API.

Used by tests/scale and bench/scale.py. Workers log to a pipe that is read continuously; tests wait
on log lines (events), never on timers.
"""

import asyncio
import json
import os
import signal
import socket
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from tests.fakes.telegram_api import FakeTelegramAPI

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "123456:SCALE-token"
SECRET = "scale_secret-0123456789"
WEBHOOK_PATH = "/telegram/webhook"
UNITS = ["TPST", "CHAUTHANH", "KESACH", "MYTU", "CULAODUNG", "LONGPHU", "MYXUYEN", "NGANAM"]
QUESTIONS = [
    "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay ưu đãi không ạ?",
    "xa em chua co san bong cho thanh nien, tinh co ke hoach xay khong a",
    "Thẻ BHYT học sinh sinh viên năm nay mức đóng bao nhiêu ạ?",
    "Làm sao để đăng ký tài khoản định danh điện tử mức 2 trên VNeID?",
    "Đoàn xã có tổ chức đội hình tình nguyện mùa hè cho thanh niên địa phương không?",
]


def free_port() -> int:
    """A port free right now on 127.0.0.1 (every worker then binds it with SO_REUSEPORT)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scale_config(folder: Path, **sections: Any) -> Path:
    """The shipped config with replies unpaced (the fake enforces no limit unless a test sets one)."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["coordination"]["broadcast"].update(per_second=None)
    raw["scaling"] = {"leader_check_seconds": 0.5}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(raw.get(key), dict):
            _merge(raw[key], value)
        else:
            raw[key] = value
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


class Worker:
    """One `serve` process; its log lines are kept and can be awaited."""

    def __init__(self, name: str, config: Path, env: dict[str, str]) -> None:
        self.name, self.config, self.env = name, config, env
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Spawn the process (it migrates, then serves)."""
        self.lines.clear()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--log-level", "INFO", "--config", str(self.config), "serve", "--demo",
            cwd=ROOT, env={**os.environ, **self.env}, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read(self.process))

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            text = line.decode(errors="replace").rstrip()
            if "aiogram.event" not in text:  # one INFO line per update: not worth keeping
                self.lines.append(text)
            self._changed.set()
        self._changed.set()

    async def wait_log(self, needle: str, timeout: float = 60.0) -> None:
        """Wait until a log line contains `needle` (fails with the log tail on timeout or exit)."""
        async def seen() -> None:
            while not any(needle in line for line in self.lines):
                if self.process is not None and self.process.returncode is not None:
                    raise AssertionError(f"{self.name} exited: " + "\n".join(self.lines[-20:]))
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(seen(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name}: no {needle!r} in {timeout}s:\n" + "\n".join(self.lines[-60:])) from None

    def kill(self) -> None:
        """kill -9."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s; always reaps the process."""
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
        await process.wait()
        if self._reader is not None:
            await self._reader
        self.process = None


def worker_env(api_base: str, database_url: str, port: int, redis_url: str | None) -> dict[str, str]:
    """Environment of a webhook-mode worker sharing `port` with its siblings."""
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": api_base, "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET, "DATABASE_URL": database_url, "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port), "WEB_REUSE_PORT": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class Inbox:
    """What each chat received, counted once per distinct message (a replayed reply counts once).

    Waiters are woken per chat: with a thousand youth waiting, waking all of them on every send made
    the load generator itself the bottleneck of the scale benchmark.
    """

    def __init__(self, api: FakeTelegramAPI) -> None:
        self.distinct: defaultdict[int, set[str]] = defaultdict(set)
        self.total = 0
        self._waiting: defaultdict[int | None, list[asyncio.Event]] = defaultdict(list)
        api.on_send(self._sent)

    def _sent(self, message: dict[str, Any]) -> None:
        chat = message["chat"]["id"]
        key = json.dumps([message.get("text"), message.get("reply_markup")], sort_keys=True, ensure_ascii=False)
        self.distinct[chat].add(key)
        self.total += 1
        for watched in (chat, None):
            for event in self._waiting.pop(watched, ()):
                event.set()

    async def until(self, predicate: Any, timeout: float, chat: int | None = None) -> None:
        """Wait until predicate() holds, re-checked on every send to `chat` (None: on every send)."""
        async def check() -> None:
            while not predicate():
                event = asyncio.Event()
                self._waiting[chat].append(event)
                await event.wait()

        await asyncio.wait_for(check(), timeout)


def flow(n: int) -> list[tuple[str, str, int]]:
    """(kind, value, distinct replies) of one youth's conversation: 6 updates, one reply each.

    The question is stored when it arrives (its reply is the receipt), then the youth lists their
    questions, so a conversation stays 6 updates as before the confirm step was removed. Each
    acknowledgement rides on the next prompt (handlers.types.coalesce), so every step is one message.
    """
    return [("text", "/start", 1), ("press", "consent:yes", 1), ("press", f"unit:{UNITS[n % len(UNITS)]}", 1),
            ("press", "name:anon", 1), ("text", QUESTIONS[n % len(QUESTIONS)], 1), ("press", "mine", 1)]


async def converse(api: FakeTelegramAPI, inbox: Inbox, user_id: int, timeout: float) -> int:
    """Run one youth's conversation, each step after the previous one's replies; returns updates sent."""
    expected = 0
    for kind, value, replies in flow(user_id):
        expected += replies
        if kind == "text":
            api.push_text(user_id, value)
        else:
            api.push_callback(user_id, value)
        await inbox.until(lambda: len(inbox.distinct[user_id]) >= expected, timeout, chat=user_id)
    return len(flow(user_id))


async def questions_per_youth(database_url: str) -> dict[str, int]:
    """chat id → stored questions, for every youth on the database."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    conn = await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username, database=url.database)
    try:
        rows = await conn.fetch(
            "SELECT y.chat_id, count(q.id) AS n FROM youth y LEFT JOIN question q ON q.youth_id = y.id GROUP BY y.chat_id"
        )
    finally:
        await conn.close()
    return {row["chat_id"]: row["n"] for row in rows}
