"""The announcements page in headless Chromium: a stalled /thongbao shows «tạm dừng», the page refreshes
itself, «Tiếp tục gửi» finishes it; the screenshot for the README."""

from playwright.async_api import Page, expect

from bot.app import App
from handlers.admin import texts as admin_texts
from handlers.desk import texts
from tests.bot.conftest import page  # noqa: F401 - the phone-sized Chromium page
from tests.desk.conftest import ADMIN_ID, login_link
from tests.desk.stalled import (
    HELD, TEXT, StallingTelegram, add_youth, crash, outcomes_recorded, release, sent_part_way, stall,
)
from tests.desk.stalled import api  # noqa: F401 - the fake Telegram that holds sends
from tests.desk.test_desk_browser import SCREENSHOTS
from tests.support import FakeClock

REFRESHED = 30_000  # ms: the page reloads itself every 10 s while an announcement is unfinished


async def test_an_admin_follows_and_resumes_an_announcement_in_the_browser(
    page: Page, api: StallingTelegram, app: App, clock: FakeClock  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await add_youth(app)
    stall(api)
    await page.goto(await login_link(api, ADMIN_ID))
    await page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    await page.get_by_role("link", name=texts.NAV_ADMIN).click()
    await page.get_by_label(texts.ADMIN_ARGS.format(name="thongbao")).fill(TEXT)
    await page.get_by_role("button", name=texts.ADMIN_RUN.format(name="thongbao")).click()
    await page.get_by_role("button", name=admin_texts.BTN_SEND).click()
    await page.get_by_role("link", name=texts.ANN_LINK).first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(texts.ANN_TITLE)
    await sent_part_way(api)
    await outcomes_recorded(app)  # as the other desk test waits for the page to show them

    await crash(app.announcer)  # the run died with two sends in flight ...
    clock.advance(minutes=11)  # ... and its claims passed their lease
    status = page.get_by_role("table").get_by_text(texts.ANN_STATUS["paused"])
    await expect(status).to_be_visible(timeout=REFRESHED)  # no manual reload
    await page.screenshot(path=str(SCREENSHOTS / "desk-announcements.png"), full_page=True)

    release(api)
    await page.get_by_role("button", name=texts.ANN_RESUME).click()
    await expect(page.get_by_role("status")).to_contain_text(texts.ANN_RESUMED.format(count=2))
    await api.wait_until(lambda: all(api.announcements(c) == 1 for c in HELD), timeout=30)
    done = page.get_by_role("table").get_by_text(texts.ANN_STATUS["done"])
    await expect(done).to_be_visible(timeout=REFRESHED)
    assert errors == []
