"""The real bot as a user starts it: `doithoai serve` in a subprocess, driven over HTTP only."""

import asyncio
import os
import re
import signal
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

SECRET = "acceptance-server-secret-0123456789abcdef"  # DOITHOAI_SECRET of every started bot
STARTED = re.compile(r"web chat on http://127\.0\.0\.1:(\d+)/")
DROPPED = ("TELEGRAM_", "ZALO_", "DATABASE_URL", "REDIS_URL", "WEB_", "DOITHOAI_")
START_TIMEOUT = 90.0  # the tagger loads before the web server listens; the machine may be busy


def command(config: Path, *args: str, log_level: str = "INFO") -> list[str]:
    """`doithoai --config … serve`, through the installed console script when there is one."""
    script = Path(sys.executable).with_name("doithoai")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    return [*head, "--config", str(config), "--log-level", log_level, *args]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any doithoai setting, plus the server secret and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED)}
    return {**env, "DOITHOAI_SECRET": SECRET, "PYTHONUNBUFFERED": "1", **(extra or {})}


def write_config(folder: Path, **changes: Any) -> Path:
    """The shipped config on a fresh SQLite file, the dialogue 60 days ahead, web on a free port;
    `changes` replace top-level sections key by key (e.g. limits={"append_window_minutes": 0.1})."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["campaign"]["dialogue_date"] = date.today() + timedelta(days=60)
    raw["database"]["url"] = f"sqlite+aiosqlite:///{folder / 'doithoai.db'}"
    raw["channels"]["web"]["port"] = 0
    for section, values in changes.items():
        raw[section] = {**(raw.get(section) or {}), **values}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def run_to_exit(config: Path, env: dict[str, str] | None = None, timeout: float = 60.0) -> tuple[int, str]:
    """Run `serve` expecting it to stop by itself: (exit code, stdout and stderr)."""
    process = await asyncio.create_subprocess_exec(
        *command(config, "serve"), env=environment(env), cwd=config.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("serve did not stop by itself") from None
    return int(process.returncode or 0), out.decode("utf-8", "replace")


class BotProcess:
    """A running `doithoai serve`; `log` holds every line it wrote so far."""

    def __init__(self, config: Path, env: dict[str, str] | None = None, log_level: str = "INFO") -> None:
        self.config, self.env, self.log_level = config, env or {}, log_level
        self.lines: list[str] = []
        self.port = 0
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._started = asyncio.Event()

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> "BotProcess":
        self._process = await asyncio.create_subprocess_exec(
            *command(self.config, "serve", log_level=self.log_level), env=environment(self.env),
            cwd=self.config.parent, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())
        waiter = asyncio.create_task(self._started.wait())
        await asyncio.wait([waiter, self._reader], timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if not self._started.is_set():
            waiter.cancel()
            await self.__aexit__()
            raise AssertionError("the bot did not start:\n" + self.log[-3000:])
        return self

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        async for raw in self._process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            found = STARTED.search(line)
            if found and not self._started.is_set():
                self.port = int(found.group(1))
                self._started.set()

    async def wait_for_line(self, pattern: str, timeout: float = 30.0) -> str:
        """The first log line matching `pattern` (regex), waiting for it if needed."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for line in self.lines:
                if re.search(pattern, line):
                    return line
            await asyncio.sleep(0.05)
        raise AssertionError(f"no log line matches {pattern!r}:\n" + self.log[-2000:])

    async def __aexit__(self, *exc_info: object) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._reader is not None:
            await self._reader
