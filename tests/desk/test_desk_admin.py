"""The admins' page runs the chat commands: roles, announcements with their confirmation, import, audit log."""

import aiohttp

from bot.app import App
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.desk.conftest import ADMIN_ID, COORDINATOR_ID, YOUTH_ID, client, csrf_of, login_link, sign_in, youth_asks

CSV = "nội dung,đơn vị\nĐề nghị tỉnh hỗ trợ vốn cho thanh niên khởi nghiệp nông nghiệp,MYTU\n".encode()


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


async def run(browser: aiohttp.ClientSession, app: App, token: str, name: str, args: str) -> str:
    async with browser.post(f"{base(app)}/desk/quan-tri/lenh", data={"csrf": token, "lenh": name, "tham_so": args}) as page:
        assert page.status == 200
        return await page.text()


async def test_coordinators_have_no_admin_page(api: FakeTelegramWithFiles, app: App) -> None:
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, COORDINATOR_ID))
        assert "/desk/quan-tri" not in overview
        async with browser.get(f"{base(app)}/desk/quan-tri") as page:
            assert page.status == 403
        async with browser.post(f"{base(app)}/desk/quan-tri/lenh",
                                data={"csrf": csrf_of(overview), "lenh": "cap_quyen", "tham_so": "telegram:1 admin"}) as post:
            assert post.status == 403


async def test_an_admin_grants_announces_and_imports_from_the_desk(api: FakeTelegramWithFiles, app: App) -> None:
    youth = TelegramUser(api, YOUTH_ID)
    await youth_asks(youth)
    async with client() as browser:
        token = csrf_of(await sign_in(browser, await login_link(api, ADMIN_ID)))
        granted = await run(browser, app, token, "cap_quyen", "telegram:9010 coordinator suc_khoe Sở Y tế")
        assert "✅" in granted
        [link] = await TelegramUser(api, 9010).say("/dangnhap")
        assert "/desk/login?token=" in link["text"]  # the new coordinator may sign in
        preview = await run(browser, app, token, "thongbao", "Hạn gửi câu hỏi là thứ Sáu.")
        assert 'action="/desk/quan-tri/nut"' in preview
        data = preview.split('name="data" value="', 1)[1].split('"', 1)[0]
        before = len(youth.received)
        async with browser.post(f"{base(app)}/desk/quan-tri/nut", data={"csrf": token, "data": data.replace("&amp;", "&")}) as sent:
            assert sent.status == 200
        [announcement] = await youth._expect(before, 1)
        assert "thứ Sáu" in announcement["text"]
        form = aiohttp.FormData()
        form.add_field("csrf", token)
        form.add_field("tep", CSV, filename="phieu.csv", content_type="text/csv")
        async with browser.post(f"{base(app)}/desk/quan-tri/nhap", data=form) as imported:
            assert "Đã nhập 1 câu hỏi" in await imported.text()
        async with browser.get(f"{base(app)}/desk/quan-tri") as page:
            log = await page.text()
        assert texts.ADMIN_AUDIT in log and "cap_quyen" in log and "nhap" in log
