"""Honest time (issue 19): before the deadline, on its last day, after it, after the dialogue.

Seed campaign: dialogue 15/06/2023, last on-time day 26/05/2023 (Asia/Ho_Chi_Minh).
"""

from datetime import timedelta

import pytest
from sqlmodel import select

from handlers import texts
from storage import Question, Store
from tests.support import FakeClock, MemoryChannel, local, texts_of

QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"
NOT_IN_TIME = "không kịp được trả lời trực tiếp"


async def ask(chat: MemoryChannel) -> str:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.press("u1", "name:anon")
    return texts_of(await chat.text("u1", QUESTION))


async def late_flags(store: Store) -> list[bool]:
    async with store.unit() as uow:
        return [q.late for q in (await uow.session.exec(select(Question))).all()]


@pytest.mark.parametrize(("moment", "phase"), [
    (local(2023, 5, 10), texts.TIME_OPEN),
    (local(2023, 5, 26, 0), texts.TIME_LAST_DAY),
    (local(2023, 5, 26, 23), texts.TIME_LAST_DAY),
    (local(2023, 5, 27, 0), texts.TIME_LATE),
    (local(2023, 6, 15, 20), texts.TIME_LATE),  # the dialogue day itself
    (local(2023, 6, 16, 0), texts.TIME_AFTER_DIALOGUE),
])
async def test_each_phase_has_its_own_dates_line(moment, phase: str, chat: MemoryChannel, clock: FakeClock) -> None:
    clock.moment = moment
    line = phase.format(dialogue="15/06/2023", deadline="26/05/2023", days=16)  # 10/05 → 26/05
    assert line in texts_of(await chat.text("u1", "/start"))
    assert line in texts_of(await chat.text("u1", "/trogiup"))


async def test_before_the_deadline(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    greeting = texts_of(await chat.text("u1", "/start"))
    assert "15/06/2023" in greeting and "26/05/2023" in greeting and NOT_IN_TIME not in greeting
    receipt = await ask(chat)
    assert "ST2023-0001" in receipt and NOT_IN_TIME not in receipt
    assert await late_flags(store) == [False]


async def test_the_last_on_time_day_says_today(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 5, 26, 22)
    greeting = texts_of(await chat.text("u1", "/start"))
    assert "Hôm nay (26/05/2023)" in greeting and NOT_IN_TIME not in greeting
    receipt = await ask(chat)
    assert "ST2023-0001" in receipt and "gửi trễ" not in receipt
    assert await late_flags(store) == [False]


async def test_after_the_deadline_the_question_is_late(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 5, 27, 0) + timedelta(minutes=1)
    greeting = texts_of(await chat.text("u1", "/start"))
    assert "26/05/2023" in greeting and NOT_IN_TIME in greeting
    receipt = await ask(chat)
    assert "ST2023-0001" in receipt and "26/05/2023" in receipt and "15/06/2023" in receipt and NOT_IN_TIME in receipt
    assert await late_flags(store) == [True]


async def test_after_the_dialogue_no_promise_about_it(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 6, 16, 8)
    greeting = texts_of(await chat.text("u1", "/start"))
    assert "đã diễn ra ngày 15/06/2023" in greeting and NOT_IN_TIME not in greeting
    assert "cơ quan phụ trách" in greeting
    receipt = await ask(chat)
    assert "ST2023-0001" in receipt and "đã diễn ra ngày 15/06/2023" in receipt
    assert NOT_IN_TIME not in receipt and "cơ quan phụ trách" in receipt
    help_text = texts_of(await chat.text("u1", "/trogiup"))
    assert "15/06/2023" in help_text and "Hạn gửi câu hỏi: hết ngày" not in help_text
    assert await late_flags(store) == [True]
