"""Files for staff where the channel cannot carry them: a signed link that works for its lifetime only."""

import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from sqlmodel import select

from bot.app import App, build_app
from bot.config import AppConfig, load_config
from bot.errors import ConfigError
from handlers import texts
from handlers.settings import Person, Roles
from storage.staff_files import StaffFile
from handlers.types import Address, Attachment, Reply
from tests.bot.channel_users import ZALO_TOKEN, ZaloChatUser
from tests.conftest import ROOT
from tests.coordination.support import add_question, add_youth, coordinator
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import FakeClock

SECRET = b"files-test-secret-0123456789abcdef"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = re.compile(r"https?://\S+")
QUESTIONS = (
    ("Em muốn vay vốn mở tiệm sửa xe thì tỉnh có hỗ trợ không ạ?", "khoi_nghiep"),
    ("Xã em có mở lớp tin học miễn phí cho đoàn viên không?", "chuyen_doi_so"),
)
ADMIN = Person(name="Tỉnh đoàn", channel="zalo", chat_id="a1")
WEB_ADMIN = "websessionadmin0000001"  # a web chat id has the shape of a session id


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(ZALO_TOKEN) as fake:
        yield fake


async def started(tmp_path: Path, clock: FakeClock, roles: Roles, **env: str) -> App:
    """The whole bot on a fresh SQLite file (migrated), with these staff, two questions, the web server on."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0", **env}
    config = load_config(ROOT / "config.yaml", env=env).model_copy(update={"roles": roles})
    app = await build_app(config, clock=clock, tagger=None, secret=SECRET)
    youth = await add_youth(app.store, "y1", clock.now())
    for text, topic in QUESTIONS:
        await add_question(app.store, youth, text, topic, clock.now())
    await app.start()
    return app


async def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a link as a browser would: status, headers, body."""
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, dict(response.headers), await response.read()


def sheet_texts(content: bytes) -> str:
    """Every cell of a workbook, joined (it must open with openpyxl)."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row)


async def test_an_export_on_zalo_is_a_link_to_a_workbook_that_works_until_it_expires(
    zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(tmp_path, clock, Roles(admins=(ADMIN,)), ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_BASE=zalo.base_url)
    try:
        [done, links] = await ZaloChatUser(zalo, "a1").say("/xuat", expect=2)
        assert ".xlsx" in done.text and "không chuyển tiếp" in links.text
        xlsx_url = next(u for u in URL.findall(links.text) if "/files/" in u and ".xlsx" in links.text)
        status, headers, body = await fetch(xlsx_url)
        assert status == 200 and headers["Content-Type"] == XLSX and headers["Cache-Control"] == "no-store"
        assert headers["Content-Disposition"].startswith("attachment;") and ".xlsx" in headers["Content-Disposition"]
        assert all(text in sheet_texts(body) for text, _ in QUESTIONS)
        [csv_url] = [u for u in URL.findall(links.text) if u != xlsx_url]
        assert (await fetch(csv_url))[0] == 200

        path, _, query = xlsx_url.partition("?")
        sig = query.rsplit("sig=", 1)[1]
        exp = int(re.search(r"exp=(\d+)", query).group(1))  # type: ignore[union-attr]
        other = f"{path[:-1]}{'A' if path[-1] != 'A' else 'B'}"
        flipped = sig[:-1] + ("0" if sig[-1] != "0" else "1")
        for forged in (
            f"{path}?exp={exp}&sig={flipped}", f"{other}?exp={exp}&sig={sig}",
            f"{path}?exp={exp + 3600}&sig={sig}", path, f"{path}?exp={exp}",
        ):
            status, _, page = await fetch(forged)
            assert status == 403 and texts.FILE_REFUSED in page.decode(), forged
        assert exp - clock.now().timestamp() == pytest.approx(2 * 3600, abs=1)  # the default lifetime

        clock.advance(hours=2)
        status, headers, page = await fetch(xlsx_url)
        assert status == 403 and texts.FILE_EXPIRED in page.decode() and headers["Cache-Control"] == "no-store"
    finally:
        await app.stop()


async def test_the_sweep_deletes_files_whose_links_expired_and_keeps_the_others(
    zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(tmp_path, clock, Roles(admins=(ADMIN,)), ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_BASE=zalo.base_url)
    try:
        admin = ZaloChatUser(zalo, "a1")
        await admin.say("/xuat", expect=2)
        clock.advance(hours=1)
        [_, links] = await admin.say("/xuat", expect=2)
        assert app.coordination is not None and await app.coordination.staff_files() == 0
        clock.advance(hours=1, seconds=1)  # the first pair's links have expired, the second's have not
        assert await app.coordination.run("staff_files") is None and await kept(app) == 2
        assert [(await fetch(url))[0] for url in URL.findall(links.text)] == [200, 200]
        clock.advance(hours=1)
        assert await app.coordination.staff_files() == 2 and await kept(app) == 0
    finally:
        await app.stop()


async def kept(app: App) -> int:
    """How many staff files the database still holds."""
    async with app.store.unit() as uow:
        return len((await uow.session.exec(select(StaffFile))).all())


async def test_the_digest_on_zalo_sends_its_chart_as_a_photo_and_its_workbook_as_a_link(
    zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock
) -> None:
    person = Person(name="Sở KH&ĐT", channel="zalo", chat_id="c1", scope=("khoi_nghiep",))
    app = await started(
        tmp_path, clock, Roles(admins=(ADMIN,), coordinators=(person,)), ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_BASE=zalo.base_url,
    )
    try:
        assert app.coordination is not None
        await app.coordination.digest_now(coordinator(app.config, person))
        await zalo.wait_until(lambda: len(zalo.photos["c1"]) == 1 and any("/files/" in t for t in zalo.sent["c1"]))
        [(photo_url, png)] = zalo.photos["c1"]
        assert png.startswith(b"\x89PNG") and "/files/" in photo_url and "sig=" in photo_url
        [links] = [t for t in zalo.sent_messages("c1") if "/files/" in t]
        assert ".xlsx" in links and ".png" not in links  # the chart went as a photo, not as a link
        [url] = URL.findall(links)
        assert QUESTIONS[0][0] in sheet_texts((await fetch(url))[2])
    finally:
        await app.stop()


async def test_a_chart_zalo_cannot_fetch_comes_as_a_link(zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock) -> None:
    person = Person(name="Sở KH&ĐT", channel="zalo", chat_id="c1", scope=("khoi_nghiep",))
    app = await started(
        tmp_path, clock, Roles(admins=(ADMIN,), coordinators=(person,)), ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_BASE=zalo.base_url,
    )
    try:
        assert app.coordination is not None
        zalo.fail_next("sendPhoto", 400)  # Zalo could not download it (e.g. a server only reachable locally)
        await app.coordination.digest_now(coordinator(app.config, person))
        await zalo.wait_until(lambda: any("/files/" in t for t in zalo.sent["c1"]))
        [links] = [t for t in zalo.sent_messages("c1") if "/files/" in t]
        assert zalo.photos["c1"] == [] and ".png" in links and ".xlsx" in links and len(URL.findall(links)) == 2
    finally:
        await app.stop()


async def test_staff_on_the_web_chat_get_download_links_not_file_names(tmp_path: Path, clock: FakeClock) -> None:
    app = await started(tmp_path, clock, Roles(admins=(Person(name="Tỉnh đoàn", channel="web", chat_id=WEB_ADMIN),)))
    try:
        base = f"http://127.0.0.1:{app.web_port}/api"
        async with aiohttp.ClientSession() as http:
            body = {"session": app.web.signer.token(WEB_ADMIN), "mid": "m1", "text": "/xuat"}
            async with http.post(f"{base}/message", json=body) as response:
                [reply] = (await response.json())["replies"]
        xlsx = next(a for a in reply["attachments"] if a["filename"].endswith(".xlsx"))
        assert xlsx["url"].startswith(f"http://127.0.0.1:{app.web_port}/files/") and "đến" in xlsx["title"]
        status, headers, content = await fetch(xlsx["url"])
        assert status == 200 and headers["Content-Type"] == XLSX and QUESTIONS[1][0] in sheet_texts(content)
        queued_file = Attachment("bang.csv", b"a,b\n", "text/csv")
        await app.web.send(Address("web", WEB_ADMIN), Reply("Tệp của bạn", attachments=(queued_file,)))
        async with aiohttp.ClientSession() as http:
            poll = {"session": app.web.signer.token(WEB_ADMIN), "after": 0}
            async with http.post(f"{base}/poll", json=poll) as response:
                [queued] = (await response.json())["messages"]
        assert (await fetch(queued["attachments"][0]["url"]))[2] == b"a,b\n"
    finally:
        await app.stop()



def test_the_public_url_must_be_https_or_local(tmp_path: Path) -> None:
    def load(url: str) -> AppConfig:
        return load_config(ROOT / "config.yaml", env={"WEB_PUBLIC_URL": url})

    assert load("https://hoidap.tinhdoan.example.vn/").channels.web.public_url == "https://hoidap.tinhdoan.example.vn"
    assert load("http://localhost:8080").channels.web.public_url == "http://localhost:8080"
    for wrong in ("http://hoidap.tinhdoan.example.vn", "ftp://x.vn", "https://x.vn/?a=1", "hoidap.vn"):
        with pytest.raises(ConfigError, match="public_url"):
            load(wrong)


async def test_links_use_the_public_url_and_the_configured_lifetime(
    zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(
        tmp_path, clock, Roles(admins=(ADMIN,)), ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_BASE=zalo.base_url,
        WEB_PUBLIC_URL="https://hoidap.tinhdoan.example.vn",
    )
    try:
        assert app.files is not None and app.files.lifetime == timedelta(minutes=120)
        [_, links] = await ZaloChatUser(zalo, "a1").say("/xuat", expect=2)
        assert all(u.startswith("https://hoidap.tinhdoan.example.vn/files/") for u in URL.findall(links.text))
        assert "11:00 ngày 10/05/2023" in links.text  # sent at 09:00 local time, valid for two hours
    finally:
        await app.stop()


async def test_a_web_chat_link_downloads_the_workbook_in_the_browser(
    page: Page, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(tmp_path, clock, Roles(admins=(Person(name="Tỉnh đoàn", channel="web", chat_id=WEB_ADMIN),)))
    try:
        await page.goto(f"http://127.0.0.1:{app.web_port}/")
        await page.evaluate("t => localStorage.setItem('doithoai.session', t)", app.web.signer.token(WEB_ADMIN))
        await page.reload()  # the page now speaks as the web admin's session
        await page.locator("#input").fill("/xuat")
        await page.locator("#input").press("Enter")
        link = page.locator("a.attachment", has_text=".xlsx")
        await expect(link).to_have_attribute("title", re.compile("dùng được đến 11:00"))
        async with page.expect_download() as started_download:
            await link.click()
        download = await started_download.value
        assert download.suggested_filename.endswith(".xlsx")
        assert QUESTIONS[0][0] in sheet_texts(Path(await download.path()).read_bytes())
    finally:
        await app.stop()
