"""The conversation on Zalo, which has no buttons: every choice typed (its number, or its label without
diacritics), and a question split over two messages, against a running `doithoai serve` and the fake
Zalo Bot API."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from handlers import texts
from handlers.choices import fold
from tests.acceptance.bot_process import BotProcess, write_config
from tests.bot.channel_users import ZALO_TOKEN, Said, zalo_said
from tests.fakes.zalo_api import FakeZaloAPI

pytestmark = pytest.mark.asyncio(loop_scope="module")

WINDOW_MINUTES = 0.1
QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, tỉnh có chính sách cho vay ưu đãi không ạ?"
FIRST = "Em là đoàn viên ở xã An Thạnh 3, em muốn hỏi về chuyện vay vốn."
SECOND = "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zalo(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(ZALO_TOKEN) as api:
        config = write_config(tmp_path_factory.mktemp("zalo"), limits={"append_window_minutes": WINDOW_MINUTES})
        async with BotProcess(config, {"ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": api.base_url}) as bot:
            yield api
        assert "Traceback" not in bot.log, bot.log[-3000:]


class Typist:
    """A Zalo youth who answers every choice by typing its number or its label without diacritics."""

    def __init__(self, api: FakeZaloAPI, user: str, by: str) -> None:
        self.api, self.user, self.by = api, user, by
        self.last: list[Said] = []

    async def say(self, text: str) -> str:
        before = len(self.api.sent_messages(self.user))
        self.api.push_text(self.user, text)
        await self.api.wait_for_messages(self.user, before + 1, timeout=30)
        await asyncio.sleep(0.15)  # a turn may send more than one message
        self.last = [zalo_said(m) for m in self.api.sent_messages(self.user)[before:]]
        return "\n".join(said.text for said in self.last)

    async def choose(self, label: str) -> str:
        """Type the choice whose label contains `label`, among those the last messages listed."""
        for said in reversed(self.last):
            for number, choice in enumerate(said.choices, 1):
                if label in choice:
                    return await self.say(str(number) if self.by == "number" else fold(choice))
        raise AssertionError(f"no choice {label!r} in {self.last!r}")


@pytest.mark.parametrize("by", ["number", "label"])
async def test_every_choice_typed_on_zalo(zalo: FakeZaloAPI, by: str) -> None:
    youth = Typist(zalo, f"zalo-typist-{by}", by)
    await youth.say("/start")
    assert "Đồng ý" in "".join(youth.last[-1].choices)
    await youth.choose("Đồng ý")
    assert texts.UNIT_CHOSEN.format(unit="Huyện Kế Sách") in await youth.choose("Kế Sách")
    assert texts.NAME_ANONYMOUS in await youth.choose("Ẩn danh")
    receipt = await youth.say(QUESTION)
    assert "Mã câu hỏi" in receipt
    code = receipt.split("Mã câu hỏi:", 1)[1].split()[0]
    assert "Mã câu hỏi" not in await youth.choose("Có")  # the reminder opt-in
    picker = await youth.choose("Đổi chủ đề")
    assert code in picker and "Mã câu hỏi" not in picker, picker
    assert "«Khác»" in await youth.choose("Khác")
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in await youth.choose("Câu hỏi của mình")
    assert "Mã câu hỏi" not in await youth.say("gui cau hoi khac" if by == "label" else "/cauhoi")
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in await youth.say("/cauhoi"), "no typed choice became a question"
    await youth.say("/xoa")
    assert texts.DELETED in await youth.choose("Xóa dữ liệu")
    assert texts.MY_QUESTIONS_NONE_STORED in await youth.say("/cauhoi")


async def test_a_question_split_over_two_messages_on_zalo(zalo: FakeZaloAPI) -> None:
    youth = Typist(zalo, "zalo-splitter", "label")
    await youth.say("/start")
    await youth.choose("Đồng ý")
    await youth.say("ke sach")
    await youth.choose("Ẩn danh")
    receipt = await youth.say(FIRST)
    code = receipt.split("Mã câu hỏi:", 1)[1].split()[0]
    offer = await youth.say(SECOND)
    assert code in offer and "Mã câu hỏi" not in offer, offer
    assert any(code in choice for said in youth.last for choice in said.choices), "the offer is a typed choice"
    await asyncio.sleep(WINDOW_MINUTES * 60 + 1)  # never answered
    mine = await youth.say("/cauhoi")
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in mine and FIRST in mine and SECOND[:12] in mine, mine
    second = Typist(zalo, "zalo-splitter-2", "number")
    await second.say("/start")
    await second.choose("Đồng ý")
    await second.say("KESACH")
    await second.choose("Ẩn danh")
    code = (await second.say(FIRST)).split("Mã câu hỏi:", 1)[1].split()[0]
    await second.say(SECOND)
    added = await second.choose("Thêm vào câu hỏi")
    assert texts.FOLLOWUP_ADDED.format(code=code, topic="").split("Chủ đề")[0] in added, added
