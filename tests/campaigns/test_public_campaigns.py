"""Each campaign's public page in headless Chromium: only its consented and approved questions, its
name and dialogue date, links to the others; an unknown key is a Vietnamese 404; an erasure takes one off."""

from playwright.async_api import Page, expect

from bot.app import App
from handlers import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.conftest import page  # noqa: F401 - the phone-sized Chromium page
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION
from tests.campaigns.conftest import LOCAL_KEY
from tests.campaigns.test_desk_campaigns import HEALTH, LOCAL_HEALTH, app, asks, base, clock  # noqa: F401
from tests.desk.conftest import ADMIN_ID, api  # noqa: F401
from tests.support import FakeClock

LOCAL_NAME = "Đối thoại giữa lãnh đạo huyện Kế Sách với thanh niên năm 2023"
JOBS = "Xã An Mỹ có lớp dạy nghề sửa máy nông nghiệp cho thanh niên không ạ?"
SHY = "Em hỏi riêng về học bổng cho thanh niên xã An Mỹ, không muốn công khai ạ."
UNAPPROVED = "Thanh niên Kế Sách muốn vay vốn nuôi tôm thì hỏi ở đâu ạ?"


async def allowed(app: App, youth: TelegramUser, text: str, campaign: str | None = None, allow: bool = True) -> None:
    """The youth asks and, on the receipt, allows publication without their name."""
    buttons = await asks(app, youth, text, campaign)
    if allow:
        await youth.press(next(b for b in buttons if b.startswith("public:") and b.endswith(":on")))


async def test_each_campaign_shows_only_its_approved_questions(
    page: Page, api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 and "khongco" not in r.url else None)
    local_youth, jobs_youth = TelegramUser(api, 601), TelegramUser(api, 603)
    await allowed(app, TelegramUser(api, 501), QUESTION)  # ST2023-0001
    await allowed(app, local_youth, LOCAL_HEALTH, LOCAL_KEY)  # KS2023-0001
    await allowed(app, jobs_youth, JOBS, LOCAL_KEY)  # KS2023-0002
    await allowed(app, TelegramUser(api, 604), SHY, LOCAL_KEY, allow=False)  # KS2023-0003: never allowed
    await allowed(app, TelegramUser(api, 605), UNAPPROVED, LOCAL_KEY)  # KS2023-0004: allowed, not approved
    admin = TelegramUser(api, ADMIN_ID)
    for campaign, codes in (("tinh", ("ST2023-0001",)), (LOCAL_KEY, ("KS2023-0001", "KS2023-0002", "KS2023-0003"))):
        await admin.say(f"/chien_dich {campaign}")  # a province admin works on one campaign at a time
        for code in (*codes, "KS2023-0004") if campaign == LOCAL_KEY else codes:
            await admin.say(f"/tra_loi {code}")
            await admin.say(f"Trả lời cho {code}: liên hệ Huyện đoàn để được hướng dẫn.")
        for code in codes:
            await admin.say(f"/cong_khai {code}")  # KS2023-0003 is refused: its youth did not allow it

    await page.goto(f"{base(app)}/cong-khai/{LOCAL_KEY}")
    await expect(page).to_have_title(texts.PUBLIC_PAGE_TITLE.format(campaign=LOCAL_NAME))
    await expect(page.get_by_text(texts.PUBLIC_DIALOGUE.format(date="20/04/2023"))).to_be_visible()
    await expect(page.locator("article")).to_have_count(2)
    for text in (LOCAL_HEALTH, JOBS):
        await expect(page.get_by_text(text)).to_be_visible()
    for text in (QUESTION, SHY, UNAPPROVED):
        await expect(page.get_by_text(text)).to_have_count(0)
    campaigns = page.get_by_role("navigation", name=texts.PUBLIC_CAMPAIGNS)
    await expect(campaigns.get_by_role("link")).to_have_count(2)
    assert await page.locator("link[rel=stylesheet]").evaluate("l => l.sheet !== null")
    await expect(page.get_by_role("link", name=texts.PUBLIC_ASK)).to_have_attribute("href", f"/?campaign={LOCAL_KEY}")

    await page.get_by_label(texts.PUBLIC_SEARCH_LABEL).fill("suc khoe dinh ky")  # no diacritics, within Kế Sách's
    await page.get_by_label(texts.PUBLIC_SEARCH_LABEL).press("Enter")
    await expect(page.locator("article")).to_have_count(1)
    assert page.url.split("?")[0].endswith(f"/cong-khai/{LOCAL_KEY}")

    await campaigns.get_by_role("link", name=app.config.campaign.name).click()  # to the province's page
    await expect(page).to_have_title(texts.PUBLIC_PAGE_TITLE.format(campaign=app.config.campaign.name))
    await expect(page.locator("article")).to_have_count(1)
    await expect(page.get_by_text(QUESTION)).to_be_visible()
    await expect(page.get_by_text(LOCAL_HEALTH)).to_have_count(0)

    await page.goto(f"{base(app)}/cong-khai?campaign={LOCAL_KEY}")  # the web chat's way of naming it
    await expect(page.locator("article")).to_have_count(2)

    response = await page.goto(f"{base(app)}/cong-khai/khongco")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("alert")).to_have_text(texts.PUBLIC_UNKNOWN.format(key="khongco"))
    await expect(page.get_by_role("link", name=LOCAL_NAME)).to_be_visible()

    await jobs_youth.say("/xoa")
    await jobs_youth.press("del:yes")
    await page.goto(f"{base(app)}/cong-khai/{LOCAL_KEY}")
    await expect(page.locator("article")).to_have_count(1)
    await expect(page.get_by_text(JOBS)).to_have_count(0)
    await expect(page.get_by_text(LOCAL_HEALTH)).to_be_visible()
    assert errors == []
