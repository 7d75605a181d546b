"""The public page in headless Chromium: approved on the desk and on Telegram, searched, then an erasure."""

from pathlib import Path

from playwright.async_api import Page, expect

from bot.app import App
from handlers import texts as youth_texts
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.conftest import page  # noqa: F401 - the phone-sized Chromium page
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION
from tests.desk.conftest import ADMIN_ID, YOUTH_ID, login_link, youth_asks

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
OTHER = "Cho em hỏi thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì ạ?"
EDITED = "Thanh niên muốn mở tiệm sửa xe máy mà thiếu vốn thì tỉnh có chính sách cho vay ưu đãi không?"
HIDDEN = "Em hỏi riêng về học bổng du học cho thanh niên, không muốn công khai ạ."


async def test_only_approved_questions_reach_the_page_and_an_erasure_takes_one_off(
    page: Page, api: FakeTelegramWithFiles, app: App  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    youth, other, shy = TelegramUser(api, YOUTH_ID), TelegramUser(api, 777), TelegramUser(api, 778)
    await youth_asks(youth)
    await youth.press("public:1:on")
    await youth_asks(other, OTHER)
    await other.press("public:2:on")
    await youth_asks(shy, HIDDEN)  # answered, but never allowed
    admin = TelegramUser(api, ADMIN_ID)
    for code in ("ST2023-0001", "ST2023-0002", "ST2023-0003"):
        await admin.say(f"/tra_loi {code}")
        await admin.say(f"Trả lời cho {code}: Sở hướng dẫn cụ thể tại bộ phận một cửa.")
    await admin.say("/cong_khai ST2023-0002")

    await page.goto(await login_link(api, ADMIN_ID))
    await page.get_by_role("button", name=texts.LOGIN_BUTTON).click()
    await page.goto(page.url.split("/desk")[0] + "/desk/cau-hoi/ST2023-0001")
    await page.get_by_label(texts.P_TEXT).fill(EDITED)
    await page.get_by_role("button", name=texts.P_APPROVE).click()
    await expect(page.locator("#public-text")).to_have_text(EDITED)

    await page.get_by_role("link", name=texts.P_PAGE).click()
    await expect(page).to_have_title(youth_texts.PUBLIC_PAGE_TITLE.format(campaign=app.config.campaign.name))
    await expect(page.locator("article")).to_have_count(2)
    errors.clear()  # the desk's pages ask for /favicon.ico, which the server does not have: from here, the public page
    await expect(page.get_by_text(EDITED)).to_be_visible()
    await expect(page.get_by_text(HIDDEN)).to_have_count(0)
    assert await page.locator("link[rel=stylesheet]").evaluate("l => l.sheet !== null")  # the CSP let it load
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "public-page.png"), full_page=True)

    await page.get_by_label(youth_texts.PUBLIC_SEARCH_LABEL).fill("vay uu dai")  # no diacritics
    await page.get_by_label(youth_texts.PUBLIC_SEARCH_LABEL).press("Enter")
    await expect(page.get_by_role("status")).to_have_text(
        youth_texts.PUBLIC_FOUND.format(count=1, query="vay uu dai") + " " + youth_texts.PUBLIC_SHOW_ALL)
    await expect(page.locator("article")).to_have_count(1)
    await page.screenshot(path=str(SCREENSHOTS / "public-page-search.png"), full_page=True)

    await youth.say("/xoa")
    await youth.press("del:yes")
    await page.get_by_role("link", name=youth_texts.PUBLIC_SHOW_ALL).click()
    await expect(page.locator("article")).to_have_count(1)
    await expect(page.get_by_text(EDITED)).to_have_count(0)
    await expect(page.get_by_text(OTHER)).to_be_visible()
    assert errors == []
