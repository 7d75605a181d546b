"""The web chat's deep link `?campaign=KEY&unit=CODE`: the page names that campaign's unit, and the
chat it starts (/start KEY-CODE, as chat.js sends it) joins that campaign."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from playwright.async_api import Page, async_playwright, expect
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from storage import Youth
from tests.campaigns.conftest import LOCAL_KEY, local_spec
from tests.conftest import ROOT, skip_or_fail
from tests.support import FakeClock, local

SECRET = b"campaign-links-web-test-secret-0123456789"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The whole bot with Kế Sách's campaign beside the province's, on 1/4/2023 (both open)."""
    clock.moment = local(2023, 4, 1)
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["campaigns"] = [local_spec()]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}", "WEB_PORT": "0"}
    app = await build_app(load_config(path, env=env), clock=clock, tagger=None, secret=SECRET)
    await app.start()
    yield app
    await app.stop()


async def page_text(http: aiohttp.ClientSession, app: App, query: str) -> str:
    async with http.get(f"http://127.0.0.1:{app.web_port}/{query}") as response:
        assert response.status == 200
        return await response.text()


async def test_the_page_names_the_unit_of_the_linked_campaign(app: App) -> None:
    line = texts.GREETING_UNIT
    async with aiohttp.ClientSession() as http:
        assert line.format(unit="Xã An Mỹ") in await page_text(http, app, f"?campaign={LOCAL_KEY}&unit=ANMY")
        # KESACH is a unit of both: each campaign's own name for it.
        assert line.format(unit="Thị trấn Kế Sách") in await page_text(http, app, f"?campaign={LOCAL_KEY}&unit=KESACH")
        assert line.format(unit="Huyện Kế Sách") in await page_text(http, app, "?unit=KESACH")
        assert line.format(unit="Huyện Kế Sách") in await page_text(http, app, "?campaign=tinh&unit=kesach")
        for query in (f"?campaign={LOCAL_KEY}&unit=TPST", "?campaign=nowhere&unit=ANMY", "?campaign=x&unit=<b>"):
            assert '"unitLine"' not in await page_text(http, app, query)  # no unit line


async def test_the_linked_chat_joins_that_campaign(app: App) -> None:
    base = f"http://127.0.0.1:{app.web_port}/api"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/session", json={}) as response:
            token = (await response.json())["session"]

        async def send(mid: str, **body: str) -> dict:
            async with http.post(f"{base}/message", json={"session": token, "mid": mid, **body}) as response:
                assert response.status == 200
                return await response.json()

        greeting = await send("m1", text=f"/start {LOCAL_KEY}-ANMY")  # what chat.js sends for the link
        said = "\n".join(r["text"] for r in greeting["replies"])
        assert "huyện Kế Sách" in said and "20/04/2023" in said and "Xã An Mỹ" in said
        consent = greeting["replies"][-1]["buttons"][0][0]["data"]
        assert consent == f"consent:yes:{LOCAL_KEY}-ANMY"
        await send("m2", button=consent)
    async with app.store.unit() as uow:
        youth = (await uow.session.exec(select(Youth))).one()
    assert (youth.channel, youth.campaign, youth.unit_code) == ("web", LOCAL_KEY, "ANMY")


@pytest.fixture
async def phone() -> AsyncIterator[Page]:
    """A phone-sized page in headless Chromium (as tests/bot/conftest.py's `page`)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN")
            yield await context.new_page()
            await context.close()
        finally:
            await browser.close()


async def test_the_page_starts_the_linked_campaign_and_keeps_it_when_the_unit_changes(phone: Page, app: App) -> None:
    await phone.goto(f"http://127.0.0.1:{app.web_port}/?campaign={LOCAL_KEY}&unit=ANMY")
    bar = phone.locator("#unitbar")
    await expect(bar).to_contain_text("Xã An Mỹ")
    await expect(phone.locator(".msg.bot").first).to_contain_text("huyện Kế Sách")
    await phone.get_by_role("button", name=texts.BTN_CONSENT_YES, exact=True).click()
    await expect(phone.locator(".msg.bot").last).to_contain_text(texts.ASK_NAME)
    await phone.locator("#changeunit").click()
    await expect(bar).to_be_hidden()
    await expect(phone.get_by_role("button", name="Thị trấn Kế Sách")).to_be_visible()  # the campaign's units
    assert "unit=" not in phone.url and f"campaign={LOCAL_KEY}" in phone.url
    async with app.store.unit() as uow:
        youth = (await uow.session.exec(select(Youth))).one()
    assert (youth.campaign, youth.unit_code) == (LOCAL_KEY, "ANMY")
