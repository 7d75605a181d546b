"""The desk's campaigns in headless Chromium, phone-sized: the switcher, every campaign at a glance, «Tạo chiến dịch»."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.app import App
from bot.config import AppConfig
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.conftest import page  # noqa: F401 - the phone-sized Chromium page
from tests.campaigns.conftest import LOCAL_KEY
from tests.campaigns.test_desk_campaigns import both_campaigns, clock, start_app  # noqa: F401
from tests.desk.conftest import ADMIN_ID, api, login_link  # noqa: F401
from tests.support import FakeClock

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LOCAL_NAME = "Đối thoại giữa lãnh đạo huyện Kế Sách với thanh niên năm 2023"
PUBLIC = "https://hoidap.tinhdoan.example.vn"  # the links the pages print: the same on every run (the screenshot)


@pytest.fixture
async def app(api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock, two_campaigns: AppConfig  # noqa: F811
              ) -> AsyncIterator[App]:
    started = await start_app(api, tmp_path / "bot.db", clock, two_campaigns, PUBLIC)
    try:
        yield started
    finally:
        await started.stop()


async def test_a_province_admin_switches_sees_every_campaign_and_creates_one(
    page: Page, api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await both_campaigns(app, api, clock)
    await page.goto((await login_link(api, ADMIN_ID)).replace(PUBLIC, f"http://127.0.0.1:{app.web_port}"))
    await page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(texts.NAV_OVERVIEW)

    await page.get_by_label(texts.CAMPAIGN_SWITCH).select_option(LOCAL_KEY)
    await page.get_by_role("button", name=texts.CAMPAIGN_SWITCH_GO).click()
    await expect(page.get_by_text(texts.CAMPAIGN_NOW.format(name=LOCAL_NAME))).to_be_visible()
    await page.get_by_role("link", name=texts.NAV_QUESTIONS).click()
    await expect(page.get_by_text(texts.FOUND.format(count=2))).to_be_visible()
    await expect(page.get_by_role("link", name="KS2023-0002")).to_be_visible()
    await expect(page.get_by_role("link", name="ST2023-0001")).to_have_count(0)

    await page.get_by_role("link", name=texts.NAV_CAMPAIGNS).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(texts.CAMPAIGNS_TITLE)
    await expect(page.locator("tbody tr")).to_have_count(2)
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "desk-campaigns.png"), full_page=True)

    await page.get_by_role("link", name=texts.CREATE_TITLE).first.click()
    await page.get_by_label(texts.CREATE_KEY).fill("anmy2026")
    await page.get_by_label(texts.CREATE_NAME).fill("Đối thoại xã An Mỹ với thanh niên năm 2026")
    await page.get_by_label(texts.CREATE_DIALOGUE, exact=True).fill("2026-04-25")
    await page.get_by_label(texts.CREATE_PREFIX).fill("AM2026")
    await page.get_by_label(texts.CREATE_UNITS).fill("ANMY: Xã An Mỹ: 5\nKHAC: Khác: 0")
    await page.get_by_role("button", name=texts.CREATE_RUN).click()
    await expect(page.get_by_role("status")).to_contain_text("anmy2026")
    await page.get_by_role("link", name=texts.CREATE_OPEN).click()
    await expect(page.get_by_text(texts.CAMPAIGN_NOW.format(name="Đối thoại xã An Mỹ với thanh niên năm 2026"))).to_be_visible()
    assert errors == []
