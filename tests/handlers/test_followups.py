"""Nothing a youth sends is lost: a question split over two messages (issue 13)."""

import pytest
from pydantic import ValidationError
from sqlmodel import select

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from handlers import texts
from handlers.conversation import Conversation
from handlers.followups import settle_pending
from handlers.settings import Limits
from storage import ConversationState, Question, Store, TopicCorrection
from storage.clock import to_db
from storage.models_admin import AuditEntry
from storage.coordination import CoordinationRepo
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, buttons_of, texts_of

FIRST = "Em là đoàn viên ở xã An Thạnh 3, em muốn hỏi về chuyện vay vốn."
SECOND = "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?"
BOTH = f"{FIRST}\n{SECOND}"
OTHER = "Xã em chưa có sân bóng cho thanh niên, tỉnh có kế hoạch gì không?"


async def rows(store: Store, model: type) -> list:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(model))).all())


async def split_question(chat: MemoryChannel, user: str = "u1") -> list:
    """Consent, then the question in two messages; returns the replies to the second."""
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:KESACH")
    await chat.press(user, "name:anon")
    assert "ST2023-0001" in texts_of(await chat.text(user, FIRST))  # stored at once, code in the reply
    return await chat.text(user, SECOND)


async def texts_stored(store: Store) -> list[str]:
    return [q.text_raw for q in await rows(store, Question)]


async def test_the_second_part_waits_in_the_database_with_a_choice(chat: MemoryChannel, store: Store) -> None:
    replies = await split_question(chat)
    assert buttons_of(replies) == ["more:add", "more:new"]
    assert "Thêm vào câu hỏi ST2023-0001" in [b.label for r in replies for b in r.flat_buttons()]
    assert texts.BTN_FOLLOWUP_NEW in [b.label for r in replies for b in r.flat_buttons()]
    [state] = await rows(store, ConversationState)
    assert state.step == "followup" and state.data["followup"]["text"] == SECOND
    assert await texts_stored(store) == [FIRST]


@pytest.mark.parametrize("answer", ["press", "1", "them vao cau hoi ST2023-0001"])
async def test_adding_to_the_question(answer: str, chat: MemoryChannel, store: Store, tagger: ScriptedTagger) -> None:
    await split_question(chat)
    tagger.topic = "chuyen_doi_so"  # the whole text is tagged again
    replies = await (chat.press("u1", "more:add") if answer == "press" else chat.text("u1", answer))
    assert "ST2023-0001" in texts_of(replies) and "Chuyển đổi số" in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.text_raw == BOTH and question.topic == "chuyen_doi_so"
    assert tagger.seen[-1] == BOTH and question.text_norm == " ".join(BOTH.split())


@pytest.mark.parametrize("answer", ["press", "2", "Gửi thành câu hỏi mới"])
async def test_sending_it_as_a_new_question(answer: str, chat: MemoryChannel, store: Store) -> None:
    await split_question(chat)
    replies = await (chat.press("u1", "more:new") if answer == "press" else chat.text("u1", answer))
    assert "ST2023-0002" in texts_of(replies) and "retopic:2" in buttons_of(replies)
    assert await texts_stored(store) == [FIRST, SECOND]


@pytest.mark.parametrize("then", ["/cauhoi", "/huy", "/start", "mine", "again", "sticker"])
async def test_doing_anything_else_adds_it_to_the_question(then: str, chat: MemoryChannel, store: Store) -> None:
    await split_question(chat)
    if then.startswith("/"):
        replies = await chat.text("u1", then)
    elif then == "sticker":
        replies = await chat.other("u1", then)
    else:
        replies = await chat.press("u1", then)
    assert texts.FOLLOWUP_ADDED_EARLIER.format(code="ST2023-0001") in texts_of(replies)
    assert await texts_stored(store) == [BOTH]
    [state] = await rows(store, ConversationState)
    assert state.step != "followup" and "followup" not in state.data


async def test_a_new_question_after_the_window_adds_the_waiting_text_first(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    await split_question(chat)
    clock.advance(minutes=5)
    replies = await chat.text("u1", OTHER)
    assert "ST2023-0001" in texts_of(replies) and "ST2023-0002" in texts_of(replies)
    assert await texts_stored(store) == [BOTH, OTHER]


async def test_a_third_part_within_the_window_adds_the_second_and_asks_again(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    await split_question(chat)
    clock.advance(minutes=1)
    third = "Em đã có sổ hộ khẩu ở xã rồi ạ, nhà em có ao sẵn."
    replies = await chat.text("u1", third)
    assert buttons_of(replies) == ["more:add", "more:new"]
    await chat.text("u1", "1")
    assert await texts_stored(store) == [f"{BOTH}\n{third}"]


async def test_the_sweep_adds_what_nobody_answered(
    chat: MemoryChannel, store: Store, clock: FakeClock, tagger: ScriptedTagger
) -> None:
    await split_question(chat)
    async with store.unit() as uow:
        assert await settle_pending(uow, clock.now(), 2, tagger) == []  # still within the window
    clock.advance(minutes=2, seconds=1)
    async with store.unit() as uow:
        [note] = await settle_pending(uow, clock.now(), 2, tagger)
    assert note.address is not None and note.address.chat_id == "u1" and "ST2023-0001" in note.text
    assert await texts_stored(store) == [BOTH]
    [state] = await rows(store, ConversationState)
    assert state.step == "idle" and "followup" not in state.data
    async with store.unit() as uow:
        assert await settle_pending(uow, clock.now(), 2, tagger) == []  # once only
    replies = await chat.press("u1", "more:new")  # the old choice, pressed late
    assert texts.FOLLOWUP_GONE in texts_of(replies)
    assert await texts_stored(store) == [BOTH]


async def test_an_addition_after_staff_saw_the_question_is_in_its_history_and_the_next_digest(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    await split_question(chat)
    async with store.unit() as uow:
        await CoordinationRepo(uow.session).mark_digested("coordinator-key", [1], clock.now())
    await chat.text("u1", "1")
    [entry] = await rows(store, AuditEntry)
    assert (entry.action, entry.question_code, entry.actor) == ("bo_sung", "ST2023-0001", "youth")
    async with store.unit() as uow:  # grown since that digest: the next one brings it again
        assert await CoordinationRepo(uow.session).digested("coordinator-key") == set()


async def test_an_addition_nobody_saw_leaves_no_audit_line(chat: MemoryChannel, store: Store) -> None:
    await split_question(chat)
    await chat.text("u1", "1")
    assert await rows(store, AuditEntry) == []


async def test_a_topic_the_youth_chose_survives_an_addition(
    chat: MemoryChannel, store: Store, tagger: ScriptedTagger
) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.press("u1", "name:anon")
    await chat.text("u1", FIRST)
    await chat.press("u1", "retopic:1:doan_hoi")
    # «Đổi chủ đề» was something else: the next text is a new question, not a follow-up.
    assert "ST2023-0002" in texts_of(await chat.text("u1", SECOND))
    assert [q.topic for q in await rows(store, Question)] == ["doan_hoi", "khoi_nghiep"]
    assert len(await rows(store, TopicCorrection)) == 1


async def test_a_short_follow_up_is_added_without_asking(chat: MemoryChannel, store: Store) -> None:
    await split_question(chat)
    await chat.text("u1", "1")
    replies = await chat.text("u1", "Ở Kế Sách")  # too short to be a question of its own
    assert texts.FOLLOWUP_ADDED.split("{")[0] in texts_of(replies)
    assert await texts_stored(store) == [f"{BOTH}\nỞ Kế Sách"]


async def test_a_follow_up_that_would_make_the_question_too_long_becomes_a_new_one(
    chat: MemoryChannel, store: Store
) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.press("u1", "name:anon")
    long_first = ("Em hỏi về vay vốn. " * 300)[:3990].strip()
    await chat.text("u1", long_first)
    replies = await chat.text("u1", SECOND)
    assert "ST2023-0002" in texts_of(replies)
    assert await texts_stored(store) == [long_first, SECOND]


async def test_a_greeting_right_after_a_question_is_not_a_follow_up(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:KESACH")
    await chat.press("u1", "name:anon")
    await chat.text("u1", FIRST)
    assert texts.THANKS in texts_of(await chat.text("u1", "Em cảm ơn ạ"))
    assert await texts_stored(store) == [FIRST]


async def test_the_window_is_configurable(store: Store, config: AppConfig, clock: FakeClock) -> None:
    limits = config.limits.model_copy(update={"append_window_minutes": 0})
    conversation = Conversation(config.model_copy(update={"limits": limits}), ScriptedTagger(), clock)
    chat = MemoryChannel(Dispatcher(store, conversation, clock).handle)
    replies = await split_question(chat)
    assert "ST2023-0002" in texts_of(replies)  # 0: every text is a question of its own
    with pytest.raises(ValidationError):
        Limits(append_window_minutes=-1)
    with pytest.raises(ValidationError):
        Limits(append_window_minutes=61)
    assert Limits().append_window_minutes == 2
