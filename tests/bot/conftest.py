"""Headless Chromium (Debian's package) driven by Playwright, and the bot serving the web chat, for its tests."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from bot.app import App, build_app
from bot.config import load_config
from tests.conftest import ROOT, skip_or_fail
from tests.support import FakeClock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """A phone-sized page in a fresh browser context."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
            )
            yield await context.new_page()
            await context.close()
        finally:
            await browser.close()


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The whole bot on the shipped config and a fresh SQLite file, the web chat on a free port."""
    config = load_config(
        ROOT / "config.yaml", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}", "WEB_PORT": "0"}
    )
    app = await build_app(config, clock=clock)
    await app.start()
    yield app
    await app.stop()
