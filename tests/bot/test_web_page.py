"""The chat page names its organiser and a deep link's unit (issue 19), all escaped, no inline script."""

import json
import re

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import create_web_app
from handlers import texts
from handlers.types import IncomingMessage, Reply

SECRET = b"page-test-secret-0123456789abcdef"
UNITS = {"CULAODUNG": "Huyện Cù Lao Dung", "EVIL": "</script><script>alert(1)</script>"}


async def nobody(message: IncomingMessage) -> list[Reply]:
    return []


async def page_of(path: str, **options: object) -> str:
    app = create_web_app(nobody, secret=SECRET, **options)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        return await (await client.get(path)).text()


def page_texts(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="texts">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


async def test_the_heading_names_the_organiser() -> None:
    page = await page_of("/", organizer="Tỉnh đoàn Sóc Trăng", units=UNITS)
    assert '<h1 id="title">Tỉnh đoàn Sóc Trăng</h1>' in page
    assert "<title>Tỉnh đoàn Sóc Trăng · Hỏi đáp thanh niên</title>" in page
    assert "{{" not in page  # every label filled in from handlers/texts.py
    assert "unitLine" not in page_texts(page)


async def test_a_deep_links_unit_is_named_by_the_page() -> None:
    page = await page_of("/?unit=culaodung", organizer="Tỉnh đoàn Sóc Trăng", units=UNITS)
    assert page_texts(page)["unitLine"] == texts.GREETING_UNIT.format(unit="Huyện Cù Lao Dung")
    assert "unitLine" not in page_texts(await page_of("/?unit=NOWHERE", units=UNITS))


async def test_a_unit_name_cannot_break_out_of_the_page() -> None:
    page = await page_of("/?unit=EVIL", units=UNITS)
    assert "<script>alert" not in page and page.count("<script") == 2  # the texts JSON and chat.js
    assert "alert(1)" in page_texts(page)["unitLine"]
