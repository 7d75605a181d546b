"""GET /cong-khai over HTTP on the web chat's server: what appears, what never does, search without diacritics."""

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import WebChannel
from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from bot.public import PublicPage
from handlers import texts
from storage import Store
from tests.admin.conftest import ADMIN, STARTUP
from tests.publication.conftest import answered, ask, published
from tests.support import MemoryChannel

PORTAL = "https://tinhdoan.example.vn"
LOAN = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"
JOBS = "Thanh niên nông thôn muốn học nghề thì đăng ký ở đâu ạ?"


@pytest.fixture
async def client(dispatcher: Dispatcher, store: Store, config: AppConfig) -> AsyncIterator[TestClient]:
    web = WebChannel(dispatcher.handle, secret=b"s" * 32, frame_ancestors=[PORTAL])
    PublicPage(store, config).mount(web.app)
    async with TestClient(TestServer(web.app, host="127.0.0.1")) as c:
        yield c


async def page(client: TestClient, query: str = "") -> str:
    response = await client.get("/cong-khai", params={"q": query} if query else None)
    assert response.status == 200 and response.content_type == "text/html"
    return await response.text()


async def test_only_answered_consented_and_approved_questions_appear(client: TestClient, chat: MemoryChannel) -> None:
    await published(chat, "y1", LOAN, "Tỉnh có gói vay ưu đãi qua Ngân hàng Chính sách xã hội.")
    await answered(chat, "y2", "Thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì ạ?")  # consented, not approved
    unconsented = await answered(chat, "y3", "Làm sao để được vay vốn giải quyết việc làm ạ?", allow=False)
    await chat.text(ADMIN, f"/cong_khai {unconsented}")  # refused: no consent
    unanswered = await ask(chat, "y4", JOBS)
    await chat.press_label("y4", "Cho phép công khai")
    await chat.text(ADMIN, f"/cong_khai {unanswered}")  # refused: no answer
    html = await page(client)
    assert LOAN in html and "Ngân hàng Chính sách xã hội" in html
    assert "hộ kinh doanh" not in html and "giải quyết việc làm" not in html and "học nghề" not in html
    assert "Hỗ trợ thanh niên khởi nghiệp" in html  # the topic's heading
    # an admin answered: the topic's departments, not the staff member's name, and the answer's date
    departments = "Sở Kế hoạch và Đầu tư, Ngân hàng Chính sách xã hội chi nhánh tỉnh, Sở Lao động"
    assert f'<p class="by">{departments}' in html and "Xã hội trả lời ngày 10/05/2023</p>" in html
    assert "ST2023" not in html and "Huyện Kế Sách" not in html  # no code, no unit


async def test_the_page_is_plain_indexable_and_embeddable_like_the_chat(client: TestClient, chat: MemoryChannel) -> None:
    await published(chat, "y1", LOAN)
    response = await client.get("/cong-khai")
    html = await response.text()
    assert '<html lang="vi">' in html and "<title>" in html and '<meta name="description"' in html
    assert "<script" not in html
    csp = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PORTAL}" in csp and "script-src 'self'" in csp
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] in ("gzip", "deflate")  # aiohttp's client asks for it
    css = await client.get("/cong-khai/static/public.css")
    assert css.status == 200


async def test_html_in_a_question_is_escaped(client: TestClient, chat: MemoryChannel) -> None:
    await published(chat, "y1", "Em hỏi <script>alert(1)</script> về vốn vay khởi nghiệp ạ?")
    html = await page(client)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_withdrawn_consent_takes_the_question_off_the_page(client: TestClient, chat: MemoryChannel) -> None:
    code = await published(chat, "y1", LOAN)
    assert LOAN in await page(client)
    await chat.text("y1", "/cauhoi")
    await chat.press_label("y1", texts.BTN_PUBLIC_OFF.format(code=code))
    assert LOAN not in await page(client)
    await chat.text("y1", "/cauhoi")
    await chat.press_label("y1", texts.BTN_PUBLIC_ON.format(code=code))
    assert LOAN not in await page(client)  # consenting again needs a fresh review


async def test_an_erased_youths_question_disappears(client: TestClient, chat: MemoryChannel) -> None:
    await published(chat, "y1", LOAN)
    await published(chat, "y2", JOBS)
    await chat.text("y1", "/xoa")
    await chat.press("y1", "del:yes")
    html = await page(client)
    assert LOAN not in html and JOBS in html


async def test_the_search_matches_without_diacritics(client: TestClient, chat: MemoryChannel) -> None:
    await published(chat, "y1", LOAN)
    await published(chat, "y2", JOBS, "Bạn đến Trung tâm dịch vụ việc làm của tỉnh.")
    html = await page(client, "vay von")
    assert LOAN in html and JOBS not in html
    assert texts.PUBLIC_FOUND.format(count=1, query="vay von") in html
    html = await page(client, "TRUNG TAM dich vu")  # the answer is searched too
    assert JOBS in html and LOAN not in html
    html = await page(client, "không có gì như thế")
    assert texts.PUBLIC_NONE_FOUND.format(query="không có gì như thế") in html and LOAN not in html


async def test_an_empty_page_says_so(client: TestClient) -> None:
    assert texts.PUBLIC_NONE in await page(client)


async def test_a_coordinators_withdrawal_takes_it_off(client: TestClient, chat: MemoryChannel) -> None:
    code = await published(chat, "y1", LOAN)
    await chat.text(STARTUP, f"/bo_cong_khai {code}")
    assert LOAN not in await page(client)


async def test_a_coordinators_answer_names_the_department_of_their_scope(client: TestClient, chat: MemoryChannel) -> None:
    code = await ask(chat, "y1", LOAN)
    await chat.press_label("y1", "Cho phép công khai")
    await chat.text(STARTUP, f"/tra_loi {code}")
    await chat.text(STARTUP, "Sở hướng dẫn thủ tục vay.")
    await chat.text(STARTUP, f"/cong_khai {code}")
    html = await page(client)
    assert "Sở Kế hoạch và Đầu tư trả lời ngày" in html and "Ngân hàng Chính sách" not in html
    assert "Sở KH&amp;ĐT" not in html  # the coordinator's own name stays inside
