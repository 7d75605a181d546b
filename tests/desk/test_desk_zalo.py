"""The desk from Zalo: a coordinator on the Zalo Bot Platform asks /dangnhap and works in scope."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.config import load_config
from handlers.desk import texts
from handlers.settings import Person, Roles
from tests.bot.channel_users import ZALO_TOKEN, ZaloChatUser
from tests.conftest import ROOT
from tests.coordination.support import add_question, add_youth
from tests.desk.conftest import LINK, client, sign_in
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import FakeClock

COORDINATOR = Person(name="Sở KH&ĐT", channel="zalo", chat_id="z-coord", scope=("khoi_nghiep",))
IN_SCOPE = "Em muốn vay vốn mở tiệm sửa xe thì tỉnh có hỗ trợ không ạ?"
OUT_OF_SCOPE = "Xã em có mở lớp tin học miễn phí cho đoàn viên không?"


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(ZALO_TOKEN) as fake:
        yield fake


@pytest.fixture
async def app(zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0",
           "ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": zalo.base_url}
    config = load_config(ROOT / "config.yaml", env=env).model_copy(update={"roles": Roles(coordinators=(COORDINATOR,))})
    started = await build_app(config, clock=clock, tagger=None, secret=b"desk-zalo-secret-0123456789abcdef")
    youth = await add_youth(started.store, "y1", clock.now())
    await add_question(started.store, youth, IN_SCOPE, "khoi_nghiep", clock.now())
    await add_question(started.store, youth, OUT_OF_SCOPE, "chuyen_doi_so", clock.now())
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


async def test_a_zalo_coordinator_logs_in_by_link_and_sees_only_their_scope(zalo: FakeZaloAPI, app: App) -> None:
    [reply] = await ZaloChatUser(zalo, COORDINATOR.chat_id).say("/dangnhap")
    found = LINK.search(reply.text)
    assert found, reply.text
    async with client() as browser:
        overview = await sign_in(browser, found.group(0))
        assert "Sở KH&amp;ĐT" in overview and texts.LOGOUT in overview
        async with browser.get(f"http://127.0.0.1:{app.web_port}/desk/cau-hoi") as listing:
            page = await listing.text()
        assert listing.status == 200
        codes = re.findall(r"/desk/cau-hoi/([A-Z0-9]+-\d+)", page)
        assert "vay vốn" in page and "tin học" not in page and len(set(codes)) == 1
        async with browser.get(f"http://127.0.0.1:{app.web_port}/desk/cau-hoi/ST2023-0002") as other:
            assert other.status == 403


async def test_a_zalo_youth_gets_no_link(zalo: FakeZaloAPI, app: App) -> None:
    said = await ZaloChatUser(zalo, "z-youth").say("/dangnhap")
    assert not any(LINK.search(s.text) for s in said)
