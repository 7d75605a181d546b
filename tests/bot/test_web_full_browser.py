"""The whole bot (real conversation, tagger, storage) through the web chat page in headless Chromium."""

from playwright.async_api import Page, expect
from sqlmodel import select

from bot.app import App
from storage import Question


async def test_a_youth_asks_a_question_on_the_web_chat(page: Page, app: App) -> None:
    await page.goto(f"http://127.0.0.1:{app.web_port}/?unit=CULAODUNG")
    await expect(page.locator(".msg.bot").first).to_contain_text("Huyện Cù Lao Dung")
    await page.get_by_role("button", name="✅ Đồng ý", exact=True).click()
    await page.locator(".msg .buttons button", has_text="Ẩn danh").click()
    await expect(page.locator(".msg.bot").last).to_contain_text("Mời bạn nhập câu hỏi")
    await page.locator("#input").fill("Xã em chưa có sân bóng đá, nhà văn hóa cho thanh niên sinh hoạt, tỉnh có kế hoạch xây dựng không?")
    await page.locator("#input").press("Enter")
    await expect(page.locator(".msg.bot:not(.optin)").last).to_contain_text("Văn hóa, tinh thần")  # stored at once
    await expect(page.get_by_text("ST2023-0001")).to_be_visible()
    await page.screenshot(path="/tmp/webchat-full.png", full_page=True)
    async with app.store.unit() as uow:
        [question] = (await uow.session.exec(select(Question))).all()
    assert (question.channel, question.unit_code, question.topic) == ("web", "CULAODUNG", "van_hoa_tinh_than")
