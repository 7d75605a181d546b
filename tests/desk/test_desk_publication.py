"""The desk's «Công khai» section over HTTP: CSRF, the same refusals as /cong_khai, scope, then /cong-khai."""

import aiohttp

from bot.app import App
from handlers.admin import texts as admin_texts
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION
from tests.desk.conftest import ADMIN_ID, COORDINATOR_ID, YOUTH_ID, client, csrf_of, login_link, sign_in, youth_asks

CODE = "ST2023-0001"
ANSWER = "Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH."


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


async def answered_with_consent(api: FakeTelegramWithFiles, consent: bool = True) -> None:
    """The youth asks (and allows publication on the receipt); the admin answers on Telegram."""
    youth = TelegramUser(api, YOUTH_ID)
    await youth_asks(youth, f"{QUESTION} Số em 0912 345 678.")
    if consent:
        await youth.press("public:1:on")
    admin = TelegramUser(api, ADMIN_ID)
    await admin.say(f"/tra_loi {CODE}")
    await admin.say(ANSWER)


async def public_page(app: App) -> str:
    async with aiohttp.ClientSession() as anyone:
        async with anyone.get(f"{base(app)}/cong-khai") as page:
            assert page.status == 200
            return await page.text()


async def test_a_coordinator_approves_from_the_desk_after_removing_the_phone_number(
    api: FakeTelegramWithFiles, app: App
) -> None:
    await answered_with_consent(api)
    url = f"{base(app)}/desk/cau-hoi/{CODE}"
    async with client() as browser:
        await sign_in(browser, await login_link(api, COORDINATOR_ID))
        async with browser.get(url) as page:
            html = await page.text()
            token = csrf_of(html)
        assert texts.P_TITLE in html and texts.P_NOT_LIVE in html and texts.P_APPROVE in html
        async with browser.post(f"{url}/cong-khai", data={"noi_dung_cong_khai": QUESTION}) as refused:
            assert refused.status == 403  # no CSRF token
        async with browser.post(f"{url}/cong-khai", data={"csrf": token, "noi_dung_cong_khai": f"{QUESTION} 0912345678"}) as kept:
            assert admin_texts.PUBLISH_REFUSED["phone"].format(code=CODE) in await kept.text()
        assert QUESTION not in await public_page(app)
        async with browser.post(f"{url}/cong-khai", data={"csrf": token, "noi_dung_cong_khai": QUESTION}) as done:
            html = await done.text()
        assert texts.P_WITHDRAW in html and 'id="public-text"' in html
        page = await public_page(app)
        assert QUESTION in page and ANSWER in page and "0912" not in page
        async with browser.post(f"{url}/bo-cong-khai", data={"csrf": token}) as withdrawn:
            assert admin_texts.UNPUBLISH_DONE.format(code=CODE) in await withdrawn.text()
        assert QUESTION not in await public_page(app)


async def test_without_consent_the_desk_offers_no_approval_and_refuses_a_forged_post(
    api: FakeTelegramWithFiles, app: App
) -> None:
    await answered_with_consent(api, consent=False)
    url = f"{base(app)}/desk/cau-hoi/{CODE}"
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.get(url) as page:
            html = await page.text()
        assert texts.P_NO_CONSENT in html and texts.P_APPROVE not in html
        async with browser.post(f"{url}/cong-khai", data={"csrf": csrf_of(html), "noi_dung_cong_khai": QUESTION}) as post:
            assert admin_texts.PUBLISH_NO_CONSENT.format(code=CODE) in await post.text()
    assert QUESTION not in await public_page(app)


async def test_an_out_of_scope_coordinator_cannot_approve_from_the_desk(api: FakeTelegramWithFiles, app: App) -> None:
    await answered_with_consent(api)
    await TelegramUser(api, ADMIN_ID).say(f"/gan_chu_de {CODE} suc_khoe")  # now the health department's
    async with client() as browser:
        token = csrf_of(await sign_in(browser, await login_link(api, COORDINATOR_ID)))
        post = {"csrf": token, "noi_dung_cong_khai": QUESTION}
        async with browser.post(f"{base(app)}/desk/cau-hoi/{CODE}/cong-khai", data=post) as refused:
            assert refused.status == 403
    assert QUESTION not in await public_page(app)
