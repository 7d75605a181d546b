"""The whole bot behind a real web server: /xoa tells the page to forget, consents are counted per address."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from handlers.types import Address, Reply, coalesce, reply_from_dict, reply_to_dict
from storage import Youth
from tests.conftest import ROOT
from tests.support import FakeClock

SECRET = b"whole-bot-web-test-secret-0123456789abcdef"


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["channels"]["web"]["consents_per_address"] = 2
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'web.db'}", "WEB_PORT": "0"}
    app = await build_app(load_config(path, env=env), clock=clock, tagger=None, secret=SECRET)
    await app.start()
    yield app
    await app.stop()


class Page:
    """Speaks the JSON API as chat.js does."""

    def __init__(self, http: aiohttp.ClientSession, app: App) -> None:
        self.http, self.base = http, f"http://127.0.0.1:{app.web_port}/api"
        self.token = ""
        self.mids = 0

    async def open(self) -> None:
        async with self.http.post(f"{self.base}/session", json={}) as response:
            self.token = (await response.json())["session"]

    async def send(self, mid: str | None = None, **body: str) -> tuple[int, dict[str, Any]]:
        self.mids += 1
        payload = {"session": self.token, "mid": mid or f"m{self.mids}", **body}
        async with self.http.post(f"{self.base}/message", json=payload) as response:
            return response.status, await response.json()


async def youth_count(app: App) -> int:
    async with app.store.unit() as uow:
        return len((await uow.session.exec(select(Youth))).all())


async def test_erasure_tells_the_page_to_forget_even_on_a_retry(app: App) -> None:
    async with aiohttp.ClientSession() as http:
        page = Page(http, app)
        await page.open()
        status, body = await page.send(text="/start")
        assert status == 200 and "erased" not in body
        assert (await page.send(button="consent:yes"))[0] == 200
        assert await youth_count(app) == 1
        session_id = page.token.split(".")[0]
        await app.deliver(Address("web", session_id), Reply("Câu trả lời cho câu hỏi của bạn."))
        status, body = await page.send(text="/xoa")
        assert "erased" not in body
        assert any(b["data"] == "del:yes" for r in body["replies"] for row in r["buttons"] for b in row)
        status, body = await page.send(mid="erase-1", button="del:yes")
        assert status == 200
        assert body["erased"] is True
        assert texts.DELETED in body["replies"][-1]["text"]
        assert await youth_count(app) == 0
        async with http.post(f"{page.base}/poll", json={"session": page.token, "after": 0}) as response:
            assert (await response.json())["messages"] == []  # nothing waits for the erased chat
        # The answer was lost and the page retries with the same mid: it must still learn to forget.
        status, body = await page.send(mid="erase-1", button="del:yes")
        assert (status, body.get("erased")) == (200, True)


async def test_consents_are_counted_per_address_once_per_new_youth(app: App) -> None:
    async with aiohttp.ClientSession() as http:
        pages = [Page(http, app) for _ in range(3)]
        for page in pages:
            await page.open()
        assert (await pages[0].send(button="consent:yes"))[0] == 200
        assert (await pages[1].send(text="1"))[0] == 200  # the typed form of «Đồng ý»
        assert await youth_count(app) == 2
        # A consented youth typing "1" at a numbered prompt is not a new consent.
        for _ in range(3):
            assert (await pages[0].send(text="1"))[0] == 200
        status, body = await pages[2].send(button="consent:yes")
        assert status == 429
        assert body == {"error": texts.WEB_TOO_MANY_CONSENTS.format(minutes=10)}
        assert await youth_count(app) == 2


def test_the_erased_mark_survives_joining_and_the_redelivery_cache() -> None:
    [joined] = coalesce([Reply("Đã ghi nhận."), Reply(texts.DELETED, erased=True)])
    assert joined.erased
    assert reply_from_dict(reply_to_dict(joined)).erased
    assert not reply_from_dict(reply_to_dict(Reply("Chào bạn"))).erased
