"""No bot token or webhook secret reaches a log line, on any adapter, with the libraries logging at DEBUG."""

import asyncio
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import serve
from bot.config import load_config
from bot.logsetup import RedactingFilter
from tests.conftest import ROOT
from tests.edge.conftest import SECRET, TOKEN, ZALO_TOKEN, env_for
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.scale.cluster import free_port

LIBRARIES = ("httpx", "httpcore", "aiohttp", "aiogram", "telegram")
OURS = ("bot", "handlers", "storage")
USER = 6161
CASES = [(adapter, mode) for adapter in ("aiogram", "ptb", "zalo") for mode in ("polling", "webhook")]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every log line at DEBUG for the libraries and INFO for our own code, tracebacks included."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # The fake platforms' own access log shows their /bot<token>/ paths; the bot's server logs no access.
    handler.addFilter(lambda record: record.name != "aiohttp.access")
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in (*LIBRARIES, *OURS)}
    root_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for name in OURS:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def _round(api: FakeTelegramAPI | FakeZaloAPI, mode: str) -> None:
    """One youth message answered, through polling or the webhook."""
    if isinstance(api, FakeZaloAPI):
        if mode == "webhook":
            await api.wait_until(lambda: bool(api.webhook["url"]), timeout=60)
        api.push_text(str(USER), "xin chào")
        await api.wait_for_messages(str(USER), 1, timeout=60)
        return
    if mode == "webhook":
        await api.wait_until(lambda: bool(api.webhook_info.get("url")), timeout=60)
        api.push_text(USER, "/start")
        await api.deliver_webhook()
    else:
        api.push_text(USER, "/start")
    await api.wait_for_messages(USER, 1, timeout=60)


@pytest.mark.parametrize(("adapter", "mode"), CASES)
async def test_no_secret_in_the_log(
    adapter: str, mode: str, tmp_path: Path, captured: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOITHOAI_SECRET", "s" * 40)
    fake = FakeZaloAPI(ZALO_TOKEN) if adapter == "zalo" else FakeTelegramAPI(TOKEN)
    async with fake as api:
        config = load_config(ROOT / "config.yaml", env=env_for(adapter, api.base_url, tmp_path / "l.db", free_port(), mode))
        stop = asyncio.Event()
        server = asyncio.create_task(serve(config, stop))
        try:
            await _round(api, mode)
        finally:
            stop.set()
            await server
            if isinstance(api, FakeTelegramAPI):
                await api.stop_webhook()
    log = captured.getvalue()
    assert "<redacted>" in log or adapter != "ptb"  # PTB's httpx logs each URL: the filter had work to do
    token = ZALO_TOKEN if adapter == "zalo" else TOKEN
    for secret in (token, token.partition(":")[2] or token, SECRET):
        assert secret not in log, [line for line in log.splitlines() if secret in line][:3]


def test_the_filter_redacts_messages_arguments_and_tracebacks() -> None:
    redactor = RedactingFilter()
    redactor.add(["123:abcdefgh", "abcdefgh", "short", None, ""])
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET /bot%s/getMe", ("123:abcdefgh",), None)
    try:
        raise ValueError("token abcdefgh leaked")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert redactor.filter(record)
    text = logging.Formatter().format(record)
    assert "abcdefgh" not in text and "GET /bot<redacted>/getMe" in text and "<redacted> leaked" in text
