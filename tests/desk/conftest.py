"""The whole bot with the fake Telegram, a youth's question, and desk logins through /dangnhap."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import App, build_app
from handlers.settings import Person, Roles
from storage import create_all
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION, TOKEN, app_config
from tests.support import FakeClock

ADMIN_ID, COORDINATOR_ID, YOUTH_ID = 9001, 9002, 501
LINK = re.compile(r"https?://\S+/desk/login\?token=[A-Za-z0-9_-]+")


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramWithFiles]:
    async with FakeTelegramWithFiles(TOKEN) as fake:
        yield fake


async def start_app(api: FakeTelegramWithFiles, db: Path, clock: FakeClock, public_url: str | None = None) -> App:
    """The whole bot: an admin, a coordinator of khoi_nghiep, the fake Telegram, a web port."""
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="telegram", chat_id=str(ADMIN_ID)),),
        coordinators=(Person(name="Sở KH&ĐT", channel="telegram", chat_id=str(COORDINATOR_ID), scope=("khoi_nghiep",)),),
    )
    config = app_config(api, db)
    web = config.channels.web.model_copy(update={"public_url": public_url})
    channels = config.channels.model_copy(update={"web": web})
    started = await build_app(config.model_copy(update={"roles": roles, "channels": channels}), clock=clock)
    await create_all(started.store.engine)
    await started.start()
    return started


@pytest.fixture
async def app(api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    started = await start_app(api, tmp_path / "bot.db", clock)
    try:
        yield started
    finally:
        await started.stop()


async def youth_asks(youth: TelegramUser, text: str = QUESTION) -> None:
    """Consent, unit, anonymous, and the question (stored at once)."""
    await youth.say("/start")
    await youth.press("consent:yes")
    await youth.press("unit:MYXUYEN")
    await youth.press("name:anon")
    await youth.say(text)


async def login_link(api: FakeTelegramWithFiles, chat_id: int) -> str:
    """The link /dangnhap sends to a staff chat."""
    [reply] = await TelegramUser(api, chat_id).say("/dangnhap")
    found = LINK.search(reply["text"])
    assert found, reply["text"]
    return found.group(0)


def client() -> aiohttp.ClientSession:
    """A browser-like client keeping cookies for 127.0.0.1."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(session: aiohttp.ClientSession, link: str) -> str:
    """Open the link, press the button; the overview's HTML."""
    async with session.get(link) as page:
        assert page.status == 200
    token = link.split("token=", 1)[1]
    async with session.post(link.split("?")[0], data={"token": token}) as landed:
        assert landed.status == 200, await landed.text()
        assert landed.url.path == "/desk"
        return await landed.text()


def csrf_of(html: str) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)
