"""The youth's flow on a phone (390×844) and a laptop (1280×800), screenshot by screenshot (issue 19).

Each step's screenshot is kept under pytest's temporary directory (printed on failure). To refresh the
README's phone screenshots, run with DOITHOAI_SCREENSHOTS set to the folder to copy them into:

    DOITHOAI_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest -q tests/bot/test_web_screens.py

The first screen must show, without scrolling, who runs the bot, the dialogue date, the deadline with
«còn N ngày», and the consent buttons: each text's box must lie inside the visible part of the chat.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Page, async_playwright, expect

from bot.app import App
from handlers import texts
from tests.bot.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import skip_or_fail

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
QUESTION = "Xã em chưa có sân bóng đá, nhà văn hóa cho thanh niên sinh hoạt, tỉnh có kế hoạch xây dựng không?"
# The seed campaign seen on 10/05/2023: dialogue 15/06/2023, last on-time day 26/05/2023.
FIRST_SCREEN = ["Tỉnh đoàn Sóc Trăng", "trợ lý tự động", "15/06/2023", "26/05/2023", "còn 16 ngày"]
CONSENT = [texts.BTN_CONSENT_YES, texts.BTN_CONSENT_NO, texts.BTN_NOTICE_FULL]

# The box of the first occurrence of `fact` in the chat, and the visible box of the chat itself.
TEXT_BOX = """(fact) => {
  const area = document.getElementById('messages');
  const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(fact);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + fact.length);
    const r = range.getBoundingClientRect(), v = area.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, areaTop: v.top, areaBottom: v.bottom, height: window.innerHeight};
  }
  return null;
}"""


@pytest.fixture(params=[PHONE, LAPTOP], ids=["390x844", "1280x800"])
async def screen(request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A fresh browser page of the parametrised size."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    phone = request.param == PHONE
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport=request.param, is_mobile=phone, has_touch=phone, locale="vi-VN"
            )
            yield await context.new_page()
            await context.close()
        finally:
            await browser.close()


async def shoot(page: Page, folder: Path, name: str) -> None:
    """Save the visible screen; the phone ones go to DOITHOAI_SCREENSHOTS as well when it is set."""
    await page.wait_for_timeout(150)  # let the scroll settle
    size = page.viewport_size or PHONE
    path = folder / f"{name}-{size['width']}x{size['height']}.png"
    await page.screenshot(path=str(path))
    target = os.environ.get("DOITHOAI_SCREENSHOTS")
    if target and size == PHONE:  # 256 colours keep the committed files small
        Path(target).mkdir(parents=True, exist_ok=True)
        with Image.open(path) as shot:
            shot.convert("RGB").quantize(256).save(Path(target) / f"{name}.png", optimize=True)


async def assert_in_view(page: Page, facts: list[str], buttons: list[str]) -> None:
    """Each fact's text and each button lie inside the visible chat, without scrolling."""
    for fact in facts:
        box = await page.evaluate(TEXT_BOX, fact)
        assert box is not None, f"{fact!r} is not on the page"
        assert box["areaTop"] <= box["top"] and box["bottom"] <= min(box["areaBottom"], box["height"]), (fact, box)
    viewport = page.viewport_size or PHONE
    area = await page.locator("#messages").bounding_box()
    assert area is not None and area["y"] + area["height"] <= viewport["height"]
    for label in buttons:
        found = await page.locator(".msg .buttons button", has_text=label).last.bounding_box()
        assert found is not None, label
        assert area["y"] <= found["y"] and found["y"] + found["height"] <= area["y"] + area["height"], (label, found)
        assert 0 <= found["x"] and found["x"] + found["width"] <= viewport["width"], (label, found)


async def test_each_step_on_screen(screen: Page, app: App, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("screens")
    page = screen
    await page.goto(f"http://127.0.0.1:{app.web_port}/")
    await expect(page.get_by_role("button", name=texts.BTN_CONSENT_YES, exact=True)).to_be_visible()
    await expect(page.locator("#title")).to_have_text("Tỉnh đoàn Sóc Trăng")
    await assert_in_view(page, FIRST_SCREEN, CONSENT)
    await shoot(page, folder, "1-greeting")

    await page.get_by_role("button", name=texts.BTN_NOTICE_FULL).click()
    await expect(page.get_by_text("12 tháng sau buổi đối thoại")).to_be_visible()
    await assert_in_view(page, ["Thông báo xử lý dữ liệu cá nhân"], [])  # the full notice is read from its top
    await shoot(page, folder, "2-notice")

    await page.get_by_role("button", name=texts.BTN_CONSENT_YES, exact=True).last.click()
    await expect(page.get_by_role("button", name="Huyện Cù Lao Dung")).to_be_visible()
    await assert_in_view(page, [texts.ASK_UNIT], ["Huyện Cù Lao Dung"])
    await shoot(page, folder, "3-unit")

    await page.get_by_role("button", name="Huyện Cù Lao Dung").click()
    await expect(page.locator(".msg.bot").last).to_contain_text(texts.ASK_NAME)
    await shoot(page, folder, "4-name")

    await page.locator(".msg .buttons button", has_text=texts.BTN_ANONYMOUS).last.click()
    await expect(page.locator(".msg.bot").last).to_contain_text(texts.ASK_QUESTION)
    await shoot(page, folder, "5-question")

    await page.locator("#input").fill(QUESTION)
    await page.locator("#input").press("Enter")
    await expect(page.get_by_text("ST2023-0001")).to_be_visible()
    optin = page.locator(".msg.optin")  # the reminder opt-in in a block of its own
    await expect(optin.locator("button")).to_have_count(2)
    await expect(optin).not_to_contain_text(texts.BTN_ASK_ANOTHER)
    await assert_in_view(page, ["ST2023-0001", "Văn hóa, tinh thần"], [texts.BTN_ASK_ANOTHER])
    await shoot(page, folder, "6-receipt")

    await page.locator("#input").fill("/cauhoi")
    await page.locator("#input").press("Enter")
    await expect(page.locator(".msg.bot").last).to_contain_text("đã tiếp nhận")
    await assert_in_view(page, ["ST2023-0001 — đã tiếp nhận"], [])
    await shoot(page, folder, "7-cauhoi")


async def test_a_deep_link_shows_its_unit_and_lets_it_change(
    screen: Page, app: App, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = screen
    await page.goto(f"http://127.0.0.1:{app.web_port}/?unit=CULAODUNG")
    await expect(page.get_by_role("button", name=texts.BTN_CONSENT_YES, exact=True)).to_be_visible()
    bar = page.locator("#unitbar")
    await expect(bar).to_be_visible()
    await expect(bar).to_contain_text("Huyện Cù Lao Dung")
    await assert_in_view(page, FIRST_SCREEN, CONSENT)  # the unit line does not push the dates away
    await shoot(page, tmp_path_factory.mktemp("screens"), "0-greeting-link")

    await page.get_by_role("button", name=texts.BTN_CONSENT_YES, exact=True).click()
    await expect(page.locator(".msg.bot").last).to_contain_text(texts.ASK_NAME)
    await page.locator("#changeunit").click()
    await expect(bar).to_be_hidden()
    await expect(page.get_by_role("button", name="Huyện Kế Sách")).to_be_visible()
    assert "unit=" not in page.url  # «Bắt đầu lại» will not bring the old unit back
    await page.get_by_role("button", name="Huyện Kế Sách").click()
    await expect(page.locator(".msg.bot").last).to_contain_text("Huyện Kế Sách")
