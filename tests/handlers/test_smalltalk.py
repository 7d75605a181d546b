"""Greetings are not questions, and a question typed where a name was asked is kept (issue 13)."""

import pytest
from sqlmodel import select

from handlers import texts
from handlers.smalltalk import SmallTalk, small_talk
from storage import Question, Store, Youth
from tests.support import MemoryChannel, buttons_of, texts_of

GREETINGS = [
    "chào", "Chào", "xin chào", "Xin chào ạ", "xin chao", "Em chào anh chị ạ", "em chao anh chi a", "alo", "Alo alo",
    "ad ơi", "ad oi", "Admin ơi!!", "hi", "Hello", "hey bot", "có ai không", "co ai ko", "Có ai ở đó không ạ?",
    "Chào ad, cho em hỏi với", "em muốn hỏi", "👋 chào bạn",
]
THANKS = ["cảm ơn", "Cám ơn ad nhiều ạ", "cam on", "ok", "Dạ vâng", "thanks", "Em cảm ơn ạ"]
QUESTIONS = [
    "Chào anh chị, em muốn hỏi về vay vốn khởi nghiệp ạ",
    "ad oi cho e hoi tinh co ho tro von cho tn khoi nghiep ko a",
    "Xin chào, xã em khi nào có wifi miễn phí?",
    "Em chào anh chị ạ. Em là đoàn viên ở xã An Thạnh 3.",
]


@pytest.mark.parametrize("text", GREETINGS)
def test_greetings_are_recognised(text: str) -> None:
    assert small_talk(text) is SmallTalk.GREETING


@pytest.mark.parametrize("text", THANKS)
def test_thanks_are_recognised(text: str) -> None:
    assert small_talk(text) is SmallTalk.THANKS


@pytest.mark.parametrize("text", QUESTIONS + ["", "😀", "vốn?"])
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


async def questions(store: Store) -> list[Question]:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(Question))).all())


async def at_question_step(chat: MemoryChannel, user: str = "u1") -> None:
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:KESACH")
    await chat.press(user, "name:anon")


@pytest.mark.parametrize("text", ["Em chào anh chị ạ", "alo", "ad ơi", "xin chao"])
async def test_a_greeting_is_answered_with_an_invitation_not_stored(
    text: str, chat: MemoryChannel, store: Store
) -> None:
    await at_question_step(chat)
    replies = await chat.text("u1", text)
    assert texts.HELLO in texts_of(replies) and texts.ASK_QUESTION in texts_of(replies)
    assert await questions(store) == []


async def test_a_greeting_at_the_name_step_is_not_a_name(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    replies = await chat.text("u1", "Em chào anh chị ạ")
    assert texts.HELLO in texts_of(replies) and texts.ASK_NAME in texts_of(replies)
    async with store.unit() as uow:
        [youth] = (await uow.session.exec(select(Youth))).all()
    assert youth.name is None


QUESTION_AT_NAME = "Cho em hỏi tỉnh có hỗ trợ vốn cho thanh niên nuôi tôm không ạ"


@pytest.mark.parametrize("text", [QUESTION_AT_NAME, "Vay vốn nuôi tôm?", "Vốn " * 30])
async def test_a_question_typed_at_the_name_step_is_kept(text: str, chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    replies = await chat.text("u1", text)
    assert "ST2023-0001" in texts_of(replies) and "Tên cần có chữ cái" not in texts_of(replies)
    assert "name:anon" in buttons_of(replies) and "retopic:1" in buttons_of(replies)  # the name prompt stays
    [question] = await questions(store)
    assert question.text_raw == text.strip() and question.asker_name is None and question.unit_code == "KESACH"


async def test_a_name_given_after_the_kept_question_is_added_to_it(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.text("u1", QUESTION_AT_NAME)
    replies = await chat.text("u1", "Lâm Thị Bé")
    assert "Lâm Thị Bé" in texts_of(replies)
    [question] = await questions(store)
    assert question.asker_name == "Lâm Thị Bé"


async def test_anonymous_after_the_kept_question_keeps_it_anonymous(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.text("u1", QUESTION_AT_NAME)
    await chat.text("u1", "1")  # «Ẩn danh», typed
    [question] = await questions(store)
    assert question.asker_name is None
    assert "ST2023-0002" in texts_of(await chat.text("u1", "Xã em khi nào có sân bóng cho thanh niên ạ?"))


async def test_a_question_typed_at_the_unit_step_is_kept_and_gets_the_unit_later(
    chat: MemoryChannel, store: Store
) -> None:
    await chat.press("u1", "consent:yes")
    replies = await chat.text("u1", QUESTION_AT_NAME)
    assert "ST2023-0001" in texts_of(replies)
    [question] = await questions(store)
    assert question.text_raw == QUESTION_AT_NAME and question.unit_code is None
    await chat.text("u1", "ke sach")  # the unit, typed, still asked for and filled in
    [question] = await questions(store)
    assert question.unit_code == "KESACH"
