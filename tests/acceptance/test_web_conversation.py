"""Issue 13 replayed over the web chat's JSON API of a running `doithoai serve`, as an outside check does."""

import asyncio
from pathlib import Path

import aiohttp
import pytest

from handlers import texts
from handlers.admin import texts as admin_texts
from tests.acceptance.bot_process import BotProcess
from tests.acceptance.conftest import (
    ADMIN_ID, APPEND_WINDOW_MINUTES, COORD_HEALTH_ID, COORD_KHAC_ID, staff,
)
from tests.acceptance.web_client import Answer, WebUser, receipt_code

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIRST = "Em là đoàn viên ở xã An Thạnh 3, em muốn hỏi về chuyện vay vốn."
SECOND = "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?"
HEALTH = "Em bị đau dạ dày lâu ngày, khám ở trạm y tế xã có được bảo hiểm y tế chi trả không ạ?"


async def youth(
    http: aiohttp.ClientSession, bot: BotProcess, unit: str = "ke sach", name: str | None = None
) -> WebUser:
    """A youth who opened the page, typed their consent, unit and name (or «an danh»)."""
    user = WebUser(http, bot.base)
    await user.say("/start")
    await user.say("dong y")
    assert texts.UNIT_CHOSEN.split("{")[0] in (await user.say(unit)).text
    await user.say(name or "an danh")
    return user


def number_of(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


async def test_every_choice_can_be_typed_through_the_whole_flow(
    web_bot: BotProcess, http: aiohttp.ClientSession
) -> None:
    user = WebUser(http, web_bot.base)
    assert any("Đồng ý" in label for label, _ in (await user.say("/start")).buttons)
    assert "đơn vị" in (await user.say("dong y")).text  # the consent's label, without diacritics
    assert "Huyện Kế Sách" in (await user.say("Kế Sách")).text
    assert texts.NAME_ANONYMOUS in (await user.say("an danh")).text
    receipt = await user.say(HEALTH)
    code = receipt_code(receipt)
    labels = [label for label, _ in receipt.buttons]
    reminder = await user.say("co")  # «🔔 Có»: the reminder opt-in
    assert receipt_code_absent(reminder), reminder.texts
    retopic = await user.say("doi chu de")
    assert code in retopic.text and any("Khác" in label for label, _ in retopic.buttons), retopic.texts
    number = 1 + [label for label, _ in retopic.buttons].index("Khác")
    assert "«Khác»" in (await user.say(str(number))).text
    listed = await user.say("cau hoi cua minh")
    assert code in listed.text and texts.MY_QUESTIONS_HEAD.format(count=1) in listed.text, listed.texts
    again = await user.say("gui cau hoi khac")
    assert receipt_code_absent(again) and "câu hỏi" in again.text
    assert labels, "the receipt offers choices"
    listed_again = await user.say("/cauhoi")
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in listed_again.text, "no typed choice became a question"


def receipt_code_absent(answer: Answer) -> bool:
    return "Mã câu hỏi" not in answer.text


@pytest.mark.parametrize("typed", ["Kế Sách", "ke sach", "KESACH", "huyen ke sach", "Huyện Kế Sách", "3"])
async def test_a_unit_typed_by_name_code_or_number(
    web_bot: BotProcess, http: aiohttp.ClientSession, typed: str
) -> None:
    user = WebUser(http, web_bot.base)
    await user.say("/start")
    await user.say("1")
    assert texts.UNIT_CHOSEN.format(unit="Huyện Kế Sách") in (await user.say(typed)).text


async def test_a_partial_unit_offers_the_matches_and_an_unknown_one_is_explained(
    web_bot: BotProcess, http: aiohttp.ClientSession
) -> None:
    user = WebUser(http, web_bot.base)
    await user.say("/start")
    await user.say("dong y")
    several = await user.say("chau")
    assert {"Huyện Châu Thành", "Thị xã Vĩnh Châu"} <= {label for label, _ in several.buttons}, several.texts
    assert texts.UNIT_CHOSEN.format(unit="Thị xã Vĩnh Châu") in (await user.say("vinh chau")).text
    other = WebUser(http, web_bot.base)
    await other.say("/start")
    await other.say("dong y")
    unknown = await other.say("Quận 12")
    assert "Quận 12" in unknown.text and texts.UNIT_CHOSEN.split("{")[0] not in unknown.text, unknown.texts


async def test_a_question_over_two_messages_is_stored_whole_when_the_offer_is_never_answered(
    web_bot: BotProcess, http: aiohttp.ClientSession
) -> None:
    user = await youth(http, web_bot)
    code = receipt_code(await user.say(FIRST))
    offer = await user.say(SECOND)
    assert code in offer.text and "Mã câu hỏi" not in offer.text, offer.texts  # asked, not a second question
    await asyncio.sleep(APPEND_WINDOW_MINUTES * 60 + 1)  # the youth never answers the offer
    mine = await user.say("/cauhoi")
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in mine.text and FIRST in mine.text, mine.texts
    assert SECOND[:12] in mine.text, mine.texts
    shown = await staff(http, web_bot, ADMIN_ID).say(f"/xem {code}")
    assert FIRST in shown.text and SECOND in shown.text, shown.texts


async def test_a_question_over_two_messages_typed_together(web_bot: BotProcess, http: aiohttp.ClientSession) -> None:
    user = await youth(http, web_bot)
    code = receipt_code(await user.say(FIRST))
    await user.say(SECOND)
    added = await user.say(f"them vao cau hoi {code.lower()}")  # the offer's label, typed
    assert texts.FOLLOWUP_ADDED.split("{")[0] in added.text, added.texts
    shown = await staff(http, web_bot, ADMIN_ID).say(f"/xem {code}")
    assert FIRST in shown.text and SECOND in shown.text, shown.texts


@pytest.mark.parametrize("greeting", ["Em chào anh chị ạ", "alo", "ad ơi"])
async def test_a_greeting_is_not_stored(web_bot: BotProcess, http: aiohttp.ClientSession, greeting: str) -> None:
    user = await youth(http, web_bot)
    answer = await user.say(greeting)
    assert "Mã câu hỏi" not in answer.text and texts.HELLO in answer.text, answer.texts
    assert texts.MY_QUESTIONS_NONE in (await user.say("/cauhoi")).text


async def test_a_receipt_code_is_never_reused_after_the_newest_question_is_erased(
    web_bot: BotProcess, http: aiohttp.ClientSession
) -> None:
    first = await youth(http, web_bot)
    erased = receipt_code(await first.say(HEALTH))
    await first.say("/xoa")
    assert (await first.say("1")).body.get("erased") is True
    second = await youth(http, web_bot, unit="tran de")
    code = receipt_code(await second.say("Xã em cần thêm sân bóng cho thanh niên chơi thể thao buổi chiều"))
    assert number_of(code) > number_of(erased), (erased, code)


async def test_xoa_erases_every_trace(web_bot: BotProcess, web_config: Path, http: aiohttp.ClientSession) -> None:
    name, question = "Thạch Thị Sô Phanh", "Ấp Trà Quýt của em thiếu điểm truy cập internet miễn phí cho học sinh?"
    answer_text = "Huyện sẽ lắp điểm wifi công cộng ở nhà văn hóa ấp Trà Quýt trong quý tới."
    user = await youth(http, web_bot, unit="tran de", name=name)
    code = receipt_code(await user.say(question))
    assert admin_texts.FORBIDDEN in (await user.say("/thongke")).text  # an audit line names the chat
    admin = staff(http, web_bot, ADMIN_ID)
    await admin.say(f"/tra_loi {code}")
    await admin.say(answer_text)
    assert any(answer_text in m["text"] for m in await user.poll()), "the answer waits in the outbox"
    session_id = user.session.split(".")[0]
    assert _in_database(web_config, [name, question, answer_text, session_id])

    asked = await user.say("/xoa")
    assert asked.buttons, asked.texts
    done = await user.say("xoa du lieu")
    assert texts.DELETED in done.text and done.body.get("erased") is True
    assert await user.poll() == []
    assert texts.MY_QUESTIONS_NONE_STORED in (await user.say("/cauhoi")).text
    await admin.say(f"/xem {code}")  # the erased question is gone for staff too
    assert not _in_database(web_config, [name, question, answer_text, session_id])


def _in_database(config: Path, needles: list[str]) -> list[str]:
    """Which needles are readable in the SQLite file or its WAL (erased text must not stay on disk)."""
    raw = b"".join(p.read_bytes() for p in config.parent.glob("doithoai.db*"))
    return [n for n in needles if n.encode() in raw]


async def test_a_topic_scoped_coordinator_cannot_read_another_topic(
    web_bot: BotProcess, http: aiohttp.ClientSession
) -> None:
    user = await youth(http, web_bot, unit="khac")  # the unit KHAC: same letters as the topic «khac»
    receipt = await user.say(HEALTH)
    code = receipt_code(receipt)
    assert "Sức khỏe" in receipt.text, receipt.texts
    refused = await staff(http, web_bot, COORD_KHAC_ID).say(f"/xem {code}")
    assert HEALTH not in refused.text and code in refused.text, refused.texts
    allowed = await staff(http, web_bot, COORD_HEALTH_ID).say(f"/xem {code}")
    assert HEALTH in allowed.text, allowed.texts
