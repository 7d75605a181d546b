"""The admins' announcements page: progress of each /thongbao, and «Tiếp tục gửi» for one whose run died."""

import asyncio
import re
from collections.abc import Callable

import aiohttp
from sqlmodel import select

from bot.app import App
from bot.desk.announce_pages import PATH, RESUME_PATH
from handlers.desk import texts
from handlers.desk.announcements import RESUMED
from storage.models_admin import AuditEntry
from tests.desk.conftest import ADMIN_ID, COORDINATOR_ID, client, csrf_of, login_link, sign_in
from tests.desk.stalled import (
    BLOCKED, DELIVERED, HELD, TEXT, StallingTelegram, add_youth, crash, release, sent_part_way, stall,
)
from tests.desk.stalled import api  # noqa: F401 - the fake Telegram that holds sends
from tests.support import FakeClock

CELL = re.compile(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', re.DOTALL)
Row = dict[str, str]


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


def rows(html: str) -> list[Row]:
    """The announcements table, one {column: text} per row."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [{label: re.sub(r"<[^>]+>", "", value) for label, value in CELL.findall(row)} for row in body.split("<tr>")[1:]]


def progress(row: Row) -> tuple[str, str, str, str]:
    return row[texts.COL_ANN_SENT], row[texts.COL_ANN_FAILED], row[texts.COL_ANN_WAITING], row[texts.COL_STATUS]


async def until(browser: aiohttp.ClientSession, app: App, done: Callable[[Row], bool]) -> tuple[Row, str]:
    """Reload the page (as its refresh does) until its one row satisfies `done`."""
    for _ in range(300):
        async with browser.get(f"{base(app)}{PATH}") as page:
            assert page.status == 200
            html = await page.text()
        [row] = rows(html)
        if done(row):
            return row, html
        await asyncio.sleep(0.1)
    raise AssertionError(f"the page kept showing {row}")


async def announce(browser: aiohttp.ClientSession, app: App, token: str) -> str:
    """Preview /thongbao on the admin page, press «Gửi»; the page after it."""
    async with browser.post(f"{base(app)}/desk/quan-tri/lenh",
                            data={"csrf": token, "lenh": "thongbao", "tham_so": TEXT}) as preview:
        data = (await preview.text()).split('name="data" value="', 1)[1].split('"', 1)[0]
    async with browser.post(f"{base(app)}/desk/quan-tri/nut", data={"csrf": token, "data": data}) as sent:
        assert sent.status == 200
        return await sent.text()


async def test_a_stalled_announcement_resumes_from_the_desk_and_reaches_everyone_once(
    api: StallingTelegram, app: App, clock: FakeClock  # noqa: F811
) -> None:
    await add_youth(app)
    stall(api)
    async with client() as browser:
        token = csrf_of(await sign_in(browser, await login_link(api, ADMIN_ID)))
        after_send = await announce(browser, app, token)
        assert f'href="{PATH}"' in after_send
        assert after_send.count(texts.ANN_LINK) == 2  # under the reply to «Gửi», and always among the tools
        await sent_part_way(api)
        row, html = await until(browser, app, lambda r: r[texts.COL_ANN_SENT] == "3" and r[texts.COL_ANN_FAILED] == "1")
        assert progress(row) == ("3", "1", "2", texts.ANN_STATUS["sending"])
        assert row[texts.COL_ANN_BY] == "Tỉnh đoàn" and row[texts.COL_ANN_TEXT] == TEXT
        assert row[texts.COL_ANN_TARGET] == "tất cả đơn vị" and "<caption>" in html
        assert 'http-equiv="refresh"' in html and texts.ANN_RESUME not in html

        await crash(app.announcer)  # the process sending it died: its claims stay open
        clock.advance(minutes=11)  # ... past their lease (10 minutes)
        row, html = await until(browser, app, lambda r: True)
        assert progress(row) == ("3", "1", "2", texts.ANN_STATUS["paused"])
        assert texts.ANN_RESUME in html

        release(api)
        async with browser.post(f"{base(app)}{RESUME_PATH}", data={"run": run_of(html)}) as no_csrf:
            assert no_csrf.status == 403
        async with browser.post(f"{base(app)}{RESUME_PATH}", data={"csrf": token, "run": run_of(html)}) as resumed:
            assert resumed.status == 200
            assert texts.ANN_RESUMED.format(count=2) in await resumed.text()
        await api.wait_until(lambda: all(api.announcements(c) == 1 for c in HELD), timeout=30)
        row, html = await until(browser, app, lambda r: r[texts.COL_STATUS] == texts.ANN_STATUS["done"])
        assert progress(row) == ("5", "1", "0", texts.ANN_STATUS["done"])
        assert 'http-equiv="refresh"' not in html and texts.ANN_RESUME not in html

    await asyncio.sleep(0.3)  # nothing more arrives later
    assert {chat: api.announcements(chat) for chat in (*DELIVERED, *HELD)} == {c: 1 for c in (*DELIVERED, *HELD)}
    assert api.announcements(BLOCKED) == 0
    async with app.store.unit() as uow:
        lines = (await uow.session.exec(select(AuditEntry).where(AuditEntry.action == RESUMED))).all()
    assert [(a.actor, a.allowed) for a in lines] == [(f"telegram:{ADMIN_ID}", True)]


def run_of(html: str) -> str:
    """The hidden run id of the page's «Tiếp tục gửi» form."""
    found = re.search(r'name="run" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def test_coordinators_may_not_see_or_resume_announcements(api: StallingTelegram, app: App) -> None:  # noqa: F811
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, COORDINATOR_ID))
        assert PATH not in overview
        async with browser.get(f"{base(app)}{PATH}") as page:
            assert page.status == 403
        async with browser.post(f"{base(app)}{RESUME_PATH}", data={"csrf": csrf_of(overview), "run": "x"}) as post:
            assert post.status == 403
    async with app.store.unit() as uow:
        refused = (await uow.session.exec(select(AuditEntry).where(AuditEntry.allowed == False))).all()  # noqa: E712
    assert {a.action for a in refused} >= {"desk_thong_bao", RESUMED}
