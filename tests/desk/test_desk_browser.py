"""The desk in headless Chromium: /dangnhap on Telegram → filter → retag → answer → the youth rates → the desk shows it."""

from pathlib import Path

from playwright.async_api import Page, expect

from bot.app import App
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.conftest import page  # noqa: F401 - the phone-sized Chromium page
from tests.bot.telegram_user import TelegramUser
from tests.desk.conftest import ADMIN_ID, YOUTH_ID, login_link, youth_asks

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


async def test_a_staff_member_answers_from_the_desk_and_sees_the_rating(
    page: Page, api: FakeTelegramWithFiles, app: App  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    youth = TelegramUser(api, YOUTH_ID)
    await youth_asks(youth)
    await youth_asks(TelegramUser(api, 777), "Cho em hỏi thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì ạ?")

    await page.goto(await login_link(api, ADMIN_ID))
    await page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(texts.NAV_OVERVIEW)
    await expect(page.locator(".card").first).to_contain_text("2")
    chart = page.locator("img.chart")
    await expect(chart).to_have_js_property("complete", True, timeout=20_000)
    assert await chart.evaluate("img => img.naturalWidth") > 0  # the PNG came from the desk's route
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "desk-overview.png"), full_page=True)

    await page.get_by_role("link", name=texts.NAV_QUESTIONS).click()
    await page.get_by_label(texts.F_SEARCH).fill("vay uu dai")  # no accents: finds «vay ưu đãi»
    await page.get_by_label(texts.F_SEARCH).press("Enter")  # keyboard submits the filter form
    await expect(page.get_by_text(texts.FOUND.format(count=1))).to_be_visible()
    await expect(page.get_by_text("hộ kinh doanh")).to_have_count(0)
    await page.get_by_role("link", name="ST2023-0001").click()

    await page.get_by_label(texts.A_RETAG_TO).select_option("chuyen_doi_so")
    await page.get_by_role("button", name=texts.A_SAVE).click()
    await expect(page.get_by_role("status")).to_contain_text("Chuyển đổi số")

    before = len(youth.received)
    await page.get_by_label(texts.A_ANSWER_TEXT).fill("Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH.")
    await page.get_by_role("button", name=texts.A_SEND).click()
    await expect(page.get_by_role("status")).to_contain_text("ST2023-0001")
    [answer] = await youth._expect(before, 1)
    assert "gói vay ưu đãi" in answer["text"]
    await youth.press(youth.buttons(answer)[0])  # 👍

    await page.get_by_role("link", name=texts.NAV_QUESTIONS).click()  # a fresh GET, not a resubmission
    await page.get_by_role("link", name="ST2023-0001").click()
    await expect(page.locator("#rating")).to_have_text(texts.Q_RATING["good"])
    await expect(page.get_by_text("đổi chủ đề")).to_be_visible()  # the retag in the history
    await page.screenshot(path=str(SCREENSHOTS / "desk-question.png"), full_page=True)
    assert errors == []
