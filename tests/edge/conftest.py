"""Apps in webhook mode on 127.0.0.1, against the fake Telegram and Zalo Bot APIs."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from storage import ProcessedUpdate, create_all
from tests.conftest import ROOT
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.scale.cluster import free_port
from tests.support import FakeClock

TOKEN = "123456:EDGE-token-ABCdef"
ZALO_TOKEN = "zalo-EDGE-token-XYZ"
SECRET = "edge_Webhook-secret-42"
ADAPTERS = ("aiogram", "ptb", "zalo")


async def no_sleep(_seconds: float) -> None:
    """The retry policy's backoff, without the wait."""


@dataclass
class Running:
    """A started app and the fake platform it talks to."""

    adapter: str
    app: App
    api: FakeTelegramAPI | FakeZaloAPI
    url: str  # the local webhook URL (polling: unused)

    async def handled(self) -> int:
        """How many updates the dispatcher recorded."""
        async with self.app.store.unit() as uow:
            return len((await uow.session.exec(select(ProcessedUpdate))).all())


def env_for(adapter: str, api_base: str, db: Path, port: int, mode: str = "webhook") -> dict[str, str]:
    """The environment of one adapter in `mode` (webhook: its secret and public URL set)."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "WEB_PORT": str(port), "WEB_HOST": "127.0.0.1"}
    prefix, path = ("ZALO", "/zalo/webhook") if adapter == "zalo" else ("TELEGRAM", "/telegram/webhook")
    env[f"{prefix}_BOT_TOKEN"] = ZALO_TOKEN if adapter == "zalo" else TOKEN
    env[f"{prefix}_API_BASE"] = api_base
    env[f"{prefix}_MODE"] = mode
    if adapter != "zalo":
        env["TELEGRAM_LIBRARY"] = adapter
    if mode == "webhook":
        env[f"{prefix}_WEBHOOK_SECRET"] = SECRET
        env[f"{prefix}_WEBHOOK_URL"] = f"http://127.0.0.1:{port}{path}"
    return env


async def start(adapter: str, tmp_path: Path, clock: FakeClock, mode: str = "webhook") -> AsyncIterator[Running]:
    """Start the app for one adapter against its fake platform; stops it afterwards."""
    fake = FakeZaloAPI(ZALO_TOKEN) if adapter == "zalo" else FakeTelegramAPI(TOKEN)
    async with fake as api:
        port = free_port()
        env = env_for(adapter, api.base_url, tmp_path / "edge.db", port, mode)
        app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock, secret=b"k" * 32)
        await create_all(app.store.engine)  # tables newer than the migrations
        await app.start()
        path = "/zalo/webhook" if adapter == "zalo" else "/telegram/webhook"
        try:
            yield Running(adapter, app, api, f"http://127.0.0.1:{port}{path}")
        finally:
            await app.stop()


@pytest.fixture(params=ADAPTERS)
async def running(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Running]:
    """Each adapter in webhook mode."""
    async for started in start(request.param, tmp_path, clock):
        yield started
