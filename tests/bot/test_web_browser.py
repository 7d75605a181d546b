"""The web chat page driven in headless Chromium against a scripted conversation."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from bot.channels.web import create_web_app
from bot.channels.web_guard import Limits
from handlers import texts
from handlers.types import Button, IncomingMessage, Kind, Reply

HOSTILE = "<script>alert(1)</script> Làm sao để vay vốn khởi nghiệp?"
SCREENSHOT = Path("/tmp/webchat.png")
SECRET = b"browser-test-secret-0123456789abcdef"


class TwoStepConversation:
    """Greets with two topic buttons, asks for the question, then gives a receipt."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []
        self.fail_next_text = False  # as a core restarting mid-request would

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        self.received.append(message)
        if message.kind is Kind.TEXT and self.fail_next_text:
            self.fail_next_text = False
            raise RuntimeError("core restarting")
        if message.kind is Kind.COMMAND and message.command == "xoa":
            return [Reply("Xóa hết?", buttons=((Button("🗑️ Xóa dữ liệu", "del:yes"),),))]
        if message.kind is Kind.BUTTON and message.button_data == "del:yes":
            return [Reply(texts.DELETED, erased=True)]
        if message.kind is Kind.COMMAND and message.command == "start":
            return [
                Reply(
                    f"Chào bạn! Đơn vị: {message.args or 'chưa rõ'}.\n"
                    "Bạn muốn hỏi về lĩnh vực nào?",
                    buttons=((Button("Việc làm", "topic:jobs"), Button("Giáo dục", "topic:edu")),),
                )
            ]
        if message.kind is Kind.BUTTON:
            return [Reply("Bạn hãy nhập câu hỏi của mình.")]
        return [Reply(f"Đã nhận câu hỏi: {message.text}\nMã tiếp nhận: ST2023-0001")]


@pytest.fixture
def convo() -> TwoStepConversation:
    return TwoStepConversation()


@pytest.fixture
async def base_url(convo: TwoStepConversation) -> AsyncIterator[str]:
    runner = web.AppRunner(create_web_app(convo, secret=SECRET))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_two_step_chat_in_the_browser(
    page: Page, base_url: str, convo: TwoStepConversation
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    await page.goto(f"{base_url}/?unit=U05")
    greeting = page.locator(".msg.bot").first
    await expect(greeting).to_contain_text("Đơn vị: U05")
    await expect(page.locator("#input")).to_have_attribute("placeholder", "Nhập tin nhắn…")

    await page.locator(".msg .buttons button", has_text="Việc làm").click()
    await expect(page.locator(".msg.user").last).to_have_text("Việc làm")
    await expect(page.locator(".msg.bot").last).to_have_text("Bạn hãy nhập câu hỏi của mình.")
    for button in await greeting.locator(".buttons button").all():
        await expect(button).to_be_disabled()

    await page.locator("#input").fill(HOSTILE)
    await page.locator("#input").press("Enter")
    await expect(page.get_by_text("ST2023-0001")).to_be_visible()
    await expect(page.locator(".msg.user").last).to_have_text(HOSTILE)
    assert await page.locator("#messages script").count() == 0
    assert dialogs == []
    assert errors == []
    await page.screenshot(path=str(SCREENSHOT))

    # A reload shows the transcript (kept for this tab only) and does not start over.
    await page.reload()
    await expect(page.get_by_text("ST2023-0001")).to_be_visible()
    await expect(page.locator(".msg.user")).to_have_count(2)
    assert [m.kind for m in convo.received] == [Kind.COMMAND, Kind.BUTTON, Kind.TEXT]
    assert convo.received[0].args == "U05"
    assert len({m.update_id for m in convo.received}) == 3
    stored = await page.evaluate("() => [JSON.stringify(localStorage), JSON.stringify(sessionStorage)]")
    assert "vay vốn" not in stored[0]  # nothing the youth typed outlives the tab
    assert "vay vốn" in stored[1]
    assert "/api/poll?" not in " ".join(requested) and "session=" not in " ".join(requested)


async def test_erasure_clears_the_stored_transcript_and_token(
    page: Page, base_url: str, convo: TwoStepConversation
) -> None:
    await page.goto(base_url)
    await expect(page.locator(".msg.bot").first).to_contain_text("Đơn vị")
    await page.locator("#input").fill("Tên em là Lan, em hỏi về học bổng")
    await page.locator("#input").press("Enter")
    await expect(page.get_by_text("Đã nhận câu hỏi")).to_be_visible()
    token = await page.evaluate("() => localStorage.getItem('doithoai.session')")
    await page.locator("#input").fill("/xoa")
    await page.locator("#input").press("Enter")
    await page.get_by_role("button", name="🗑️ Xóa dữ liệu").click()
    await expect(page.locator(".msg.bot")).to_have_text([texts.DELETED])
    await expect(page.locator(".msg.user")).to_have_count(0)
    stored = await page.evaluate("() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert "Lan" not in stored and token not in stored
    await page.reload()
    await expect(page.get_by_text("Lan")).to_have_count(0)
    # The next message starts a new identity.
    await expect(page.locator(".msg.bot").first).to_contain_text("Đơn vị")
    assert convo.received[-1].address != convo.received[0].address


async def test_a_forged_token_gets_a_new_session(page: Page, base_url: str, convo: TwoStepConversation) -> None:
    await page.goto(base_url)
    await expect(page.locator(".msg.bot").first).to_contain_text("Đơn vị")
    await page.evaluate("() => { localStorage.setItem('doithoai.session', 'A'.repeat(22) + '.' + '0'.repeat(32));"
                        " sessionStorage.clear(); }")
    before = len(convo.received)
    await page.reload()
    await expect(page.get_by_text(texts.WEB_BAD_SESSION)).to_be_visible()
    await expect(page.locator(".msg.bot").last).to_contain_text("Đơn vị")
    assert len(convo.received) == before + 1  # the forged token never reached the conversation
    assert convo.received[-1].address.chat_id != "A" * 22



async def test_retry_keeps_mid_and_restart_keeps_the_identity(
    page: Page, base_url: str, convo: TwoStepConversation
) -> None:
    await page.goto(base_url)
    await expect(page.locator(".msg.bot").first).to_contain_text("Đơn vị: chưa rõ")
    convo.fail_next_text = True
    await page.locator("#input").fill("Câu hỏi\nhai dòng")
    await page.locator("#send").click()
    await expect(page.locator("#status")).to_have_text("Mất kết nối, đang thử lại…")
    await expect(page.get_by_text("ST2023-0001")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("")
    first_try, retry = convo.received[-2:]
    assert first_try.update_id == retry.update_id
    assert retry.text == "Câu hỏi\nhai dòng"

    await page.get_by_role("button", name="Bắt đầu lại").click()
    await expect(page.locator(".msg.user")).to_have_count(0)
    await expect(page.locator(".msg.system")).to_have_text([texts.WEB_PAGE["restarted"]])
    await expect(page.locator(".msg.bot")).to_have_count(1)
    assert convo.received[-1].command == "start"
    assert convo.received[-1].address == convo.received[0].address  # still the same youth: /cauhoi, /xoa work
    assert "Câu hỏi" not in await page.evaluate("() => JSON.stringify(sessionStorage)")


class ConsentFirst:
    """Greets with the consent buttons, like the real conversation."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        self.received.append(message)
        return [Reply("Bạn đồng ý chứ?", buttons=((Button(texts.BTN_CONSENT_YES, "consent:yes"),),))]


async def test_the_page_shows_the_limits_in_vietnamese(page: Page) -> None:
    convo = ConsentFirst()
    limits = Limits(sessions=1, consents=0, window_seconds=600)
    runner = web.AppRunner(create_web_app(convo, secret=SECRET, limits=limits))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
        await page.goto(url)
        consent = page.get_by_role("button", name=texts.BTN_CONSENT_YES)
        await consent.click()
        minutes = {"minutes": 10}
        await expect(page.locator(".msg.system")).to_have_text([texts.WEB_TOO_MANY_CONSENTS.format(**minutes)])
        await expect(consent).to_be_enabled()  # the youth may press it again later
        assert [m.kind for m in convo.received] == [Kind.COMMAND]
        other = await page.context.browser.new_page()  # another computer behind the same address
        await other.goto(url)
        await expect(other.locator(".msg.system")).to_have_text([texts.WEB_TOO_MANY_SESSIONS.format(**minutes)])
        await other.close()
    finally:
        await runner.cleanup()
