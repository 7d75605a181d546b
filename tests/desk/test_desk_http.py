"""The desk over HTTP: single-use links, session limits, CSRF, scope, revoked roles."""

from pathlib import Path

import aiohttp

from bot.app import App
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.desk.conftest import (
    ADMIN_ID, COORDINATOR_ID, YOUTH_ID, client, csrf_of, login_link, sign_in, start_app, youth_asks,
)
from tests.support import FakeClock

CODE = "ST2023-0001"


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


async def test_a_link_opens_one_session_once(api: FakeTelegramWithFiles, app: App) -> None:
    link = await login_link(api, COORDINATOR_ID)
    async with client() as browser:
        overview = await sign_in(browser, link)
        assert "Sở KH&amp;ĐT" in overview and texts.LOGOUT in overview
        cookie = next(c for c in browser.cookie_jar if c.key == "desk_session")
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/desk"
        async with browser.get(link) as again:
            assert again.status == 410 and texts.LOGIN_REFUSED["used"] in await again.text()
        async with browser.post(link.split("?")[0], data={"token": link.split("=", 1)[1]}) as spent:
            assert spent.status == 410
    async with client() as stranger:
        async with stranger.get(f"{base(app)}/desk/login?token={'A' * 43}") as forged:
            assert forged.status == 403 and texts.LOGIN_REFUSED["forged"] in await forged.text()
        async with stranger.get(f"{base(app)}/desk") as nobody:
            assert nobody.status == 401


async def test_an_expired_link_is_refused(api: FakeTelegramWithFiles, app: App, clock: FakeClock) -> None:
    link = await login_link(api, ADMIN_ID)
    clock.advance(minutes=10, seconds=1)
    async with client() as browser:
        async with browser.get(link) as page:
            assert page.status == 410 and texts.LOGIN_REFUSED["expired"] in await page.text()
        async with browser.post(link.split("?")[0], data={"token": link.split("=", 1)[1]}) as posted:
            assert posted.status == 410


async def test_idle_and_absolute_limits_end_a_session(api: FakeTelegramWithFiles, app: App, clock: FakeClock) -> None:
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        clock.advance(minutes=29)
        async with browser.get(f"{base(app)}/desk") as still:
            assert still.status == 200
        clock.advance(minutes=31)
        async with browser.get(f"{base(app)}/desk") as idle:
            assert idle.status == 401 and texts.SESSION_OVER in await idle.text()
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        for _ in range(25):  # active all along, but 12 hours is the limit
            clock.advance(minutes=29)
            async with browser.get(f"{base(app)}/desk") as page:
                last = page.status
        assert last == 401


async def test_a_post_without_the_csrf_token_is_refused(api: FakeTelegramWithFiles, app: App) -> None:
    await youth_asks(TelegramUser(api, YOUTH_ID))
    async with client() as browser:
        await sign_in(browser, await login_link(api, COORDINATOR_ID))
        url = f"{base(app)}/desk/cau-hoi/{CODE}"
        async with browser.post(f"{url}/gan-chu-de", data={"chu_de": "suc_khoe"}) as refused:
            assert refused.status == 403 and texts.CSRF in await refused.text()
        async with browser.post(f"{url}/gan-chu-de", data={"chu_de": "suc_khoe", "csrf": "0" * 32}) as forged:
            assert forged.status == 403
        async with browser.post(f"{base(app)}/desk/logout") as logout:
            assert logout.status == 403
        async with browser.get(url) as page:
            assert page.status == 200
            token = csrf_of(await page.text())
        async with browser.post(f"{url}/da-xem", data={"csrf": token}) as done:
            assert done.status == 200


async def test_an_out_of_scope_question_by_url_is_403(api: FakeTelegramWithFiles, app: App) -> None:
    await youth_asks(TelegramUser(api, YOUTH_ID))
    await TelegramUser(api, ADMIN_ID).say(f"/gan_chu_de {CODE} suc_khoe")  # now the health department's
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, COORDINATOR_ID))
        token = csrf_of(overview)
        async with browser.get(f"{base(app)}/desk/cau-hoi/{CODE}") as page:
            assert page.status == 403 and texts.FORBIDDEN in await page.text()
        async with browser.post(f"{base(app)}/desk/cau-hoi/{CODE}/tra-loi", data={"csrf": token, "noi_dung": "x"}) as post:
            assert post.status == 403
        async with browser.get(f"{base(app)}/desk/cau-hoi") as listing:
            assert CODE not in await listing.text()
        async with browser.get(f"{base(app)}/desk/cau-hoi/xuat.csv") as export:
            assert CODE not in (await export.read()).decode("utf-8")
        async with browser.get(f"{base(app)}/desk/cau-hoi/ST2023-9999") as missing:
            assert missing.status == 404


async def test_a_revoked_role_ends_every_session(api: FakeTelegramWithFiles, app: App) -> None:
    newcomer = 9010
    admin = TelegramUser(api, ADMIN_ID)
    await admin.say(f"/cap_quyen telegram:{newcomer} coordinator khoi_nghiep Cán bộ mới", expect=1)
    browsers = [client(), client()]
    try:
        for browser in browsers:
            await sign_in(browser, await login_link(api, newcomer))
        await admin.say(f"/thu_quyen telegram:{newcomer}")
        for browser in browsers:
            async with browser.get(f"{base(app)}/desk") as page:
                assert page.status == 401
        await admin.say(f"/cap_quyen telegram:{newcomer} coordinator khoi_nghiep Cán bộ mới")
        for browser in browsers:  # granted again: the old sessions stay ended
            async with browser.get(f"{base(app)}/desk") as page:
                assert page.status == 401
    finally:
        for browser in browsers:
            await browser.close()


async def test_logout_ends_the_session(api: FakeTelegramWithFiles, app: App) -> None:
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.post(f"{base(app)}/desk/logout", data={"csrf": csrf_of(overview)}) as out:
            assert out.status == 200 and texts.SIGNED_OUT in await out.text()
        async with browser.get(f"{base(app)}/desk") as page:
            assert page.status == 401


async def test_a_youth_cannot_ask_for_a_link(api: FakeTelegramWithFiles, app: App) -> None:
    [reply] = await TelegramUser(api, YOUTH_ID).say("/dangnhap")
    assert "/desk/login" not in reply["text"]


async def test_the_security_headers_hold_on_desk_pages(api: FakeTelegramWithFiles, app: App) -> None:
    async with aiohttp.ClientSession() as anyone:
        async with anyone.get(f"{base(app)}/desk") as page:
            assert "script-src 'self'" in page.headers["Content-Security-Policy"]
            assert page.headers["Cache-Control"] == "no-store"


async def test_behind_https_the_link_and_the_cookie_say_so(
    api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock
) -> None:
    app = await start_app(api, tmp_path / "bot.db", clock, public_url="https://hoidap.example.vn")
    try:
        link = await login_link(api, ADMIN_ID)
        assert link.startswith("https://hoidap.example.vn/desk/login?token=")
        token = link.split("=", 1)[1]
        async with aiohttp.ClientSession() as browser:
            async with browser.post(f"{base(app)}/desk/login", data={"token": token}, allow_redirects=False) as landed:
                assert landed.status == 303
                cookie = landed.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        await app.stop()
