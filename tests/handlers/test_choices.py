"""Every choice can be typed: its number, or its label with or without diacritics, in every chat.

Through the real conversation and staff desk (in-memory channel): the youth's prompts, the rating of
an answer sent from a coordinator's chat, the reminder opt-in, /thongbao's «Gửi» and /gan_chu_de's picker.
"""

import pytest
from sqlmodel import select

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from handlers import texts
from handlers.admin import texts as admin_texts
from handlers.choices import as_pressed, match_choice, offered
from handlers.conversation import Conversation
from handlers.coordination import texts as coordination_texts
from handlers.settings import Person, Roles
from handlers.types import Address, Button, IncomingMessage, Kind, Reply
from storage import ConversationState, Question, Store
from storage.clock import to_db
from storage.models_admin import Answer
from tests.admin.conftest import Outbox, RecordingAnnouncer
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, buttons_of, texts_of

ADMIN = "admin1"
QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"
CHOICES = [["✅ Đồng ý", "consent:yes"], ["Không đồng ý", "consent:no"], ["📤 Gửi", "adm:ann:yes:1"]]


@pytest.fixture
def config(config: AppConfig) -> AppConfig:
    roles = Roles(admins=(Person(name="Tỉnh đoàn", channel="memory", chat_id=ADMIN),))
    return config.model_copy(update={"roles": roles})


@pytest.fixture
def dispatcher(store: Store, config: AppConfig, clock: FakeClock, tagger: ScriptedTagger,
               announcer: RecordingAnnouncer, outbox: Outbox) -> Dispatcher:
    conversation = Conversation(config, tagger, clock)
    conversation.admin.seams.announcer = announcer
    return Dispatcher(store, conversation, clock, outbound=outbox.deliver)


async def reach_question(chat: MemoryChannel, user: str = "u1") -> None:
    """Consent, unit and name, all typed."""
    await chat.text(user, "/start")
    await chat.text(user, "dong y")
    await chat.text(user, "ke sach")
    await chat.text(user, "an danh")


async def submitted(chat: MemoryChannel, user: str = "u1") -> list[Reply]:
    """The question's receipt, whether or not the flow asks to confirm the topic first."""
    replies = await chat.text(user, QUESTION)
    confirm = [data for data in buttons_of(replies) if data.startswith("topic:ok:")]
    return await chat.press(user, confirm[0]) if confirm else replies


async def stored(store: Store, clock: FakeClock, user: str = "u1", topic: str = "khoi_nghiep") -> str:
    """A question of this youth, stored directly (the flow that stores it is not under test here)."""
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", user)
        assert youth is not None and youth.id is not None
        question = Question(youth_id=youth.id, channel="memory", unit_code=youth.unit_code, text_raw=QUESTION,
                            text_norm=QUESTION, topic=topic, created_at=to_db(clock.now()))
        await uow.questions.add(question, "ST2023")
        return question.code or ""


def number_of(replies: list[Reply], data: str) -> str:
    """The number a youth on Zalo would type for the button with this data."""
    return str(buttons_of(replies).index(data) + 1)


@pytest.mark.parametrize(("typed", "expected"), [
    ("1", "consent:yes"), (" 2 ", "consent:no"), ("3.", "adm:ann:yes:1"), ("2)", "consent:no"),
    ("dong y", "consent:yes"), ("ĐỒNG Ý!", "consent:yes"), ("khong dong y", "consent:no"), ("Gửi", "adm:ann:yes:1"),
    ("gui", "adm:ann:yes:1"), ("📤 gửi", "adm:ann:yes:1"),
    ("4", None), ("0", None), ("1 năm nay em thất nghiệp", None), ("12 triệu", None), ("dong", None), ("", None),
])
def test_match_choice(typed: str, expected: str | None) -> None:
    assert match_choice(typed, CHOICES) == expected


def test_a_typed_choice_becomes_the_press_and_other_text_stays_text() -> None:
    msg = IncomingMessage(Address("zalo", "7"), Kind.TEXT, text="gui")
    assert as_pressed(msg, CHOICES).kind is Kind.BUTTON and as_pressed(msg, CHOICES).button_data == "adm:ann:yes:1"
    other = IncomingMessage(Address("zalo", "7"), Kind.TEXT, text="Cho em hỏi về vốn vay")
    assert as_pressed(other, CHOICES) == other
    command = IncomingMessage(Address("zalo", "7"), Kind.COMMAND, text="/huy", command="huy")
    assert as_pressed(command, CHOICES) == command


def test_offered_is_the_last_reply_with_buttons_to_that_chat() -> None:
    me, youth = Address("memory", "me"), Address("memory", "y")
    yes = ((Button("Có", "remind:yes"),),)
    rate = ((Button("Hài lòng", "rate:1:good"),),)
    replies = [Reply("a", yes), Reply("to youth", rate, address=youth), Reply("done")]
    assert offered(replies, [["x", "y"]], me, me) == [["Có", "remind:yes"]]  # «done» only acknowledges
    assert offered([Reply("done")], [["x", "y"]], me, me) == []  # what I read last offers nothing
    assert offered(replies, [], youth, me) == [["Hài lòng", "rate:1:good"]]
    assert offered([Reply("a", yes)], [["x", "y"]], youth, me) == [["x", "y"]]  # nothing to the youth: kept


async def test_the_youth_rates_an_answer_by_typing_its_number(
    chat: MemoryChannel, store: Store, clock: FakeClock, outbox: Outbox
) -> None:
    await reach_question(chat, "y1")
    code = await stored(store, clock, "y1")
    await chat.text(ADMIN, f"/tra_loi {code}")
    await chat.text(ADMIN, "Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH.")
    [(to, delivered)] = outbox.sent
    assert to == Address("memory", "y1") and len(delivered.flat_buttons()) == 2
    replies = await chat.text("y1", "1")  # «Hài lòng», typed where there are no buttons
    assert texts_of(replies) == admin_texts.RATING_THANKS
    replies = await chat.text("y1", "bo qua")  # «Bỏ qua», the next choice, typed without diacritics
    assert texts_of(replies) == admin_texts.SKIP_DONE
    async with store.unit() as uow:
        [answer] = (await uow.session.exec(select(Answer))).all()
    assert (answer.rating, answer.comment) == ("good", None)
    replies = await chat.text("y1", "1")  # nothing offered any more: not a rating, not a choice
    assert admin_texts.RATING_THANKS not in texts_of(replies)


async def test_the_youth_rates_by_label_and_then_comments(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    await reach_question(chat, "y1")
    code = await stored(store, clock, "y1")
    await chat.text(ADMIN, f"/tra_loi {code}")
    await chat.text(ADMIN, "Trả lời của Sở.")
    assert texts_of(await chat.text("y1", "chua hai long")) == admin_texts.RATING_THANKS
    assert texts_of(await chat.text("y1", "Em cần biết thủ tục cụ thể hơn")) == admin_texts.COMMENT_THANKS
    async with store.unit() as uow:
        [answer] = (await uow.session.exec(select(Answer))).all()
    assert (answer.rating, answer.comment) == ("bad", "Em cần biết thủ tục cụ thể hơn")


async def test_the_admin_confirms_an_announcement_by_typing(chat: MemoryChannel, announcer: RecordingAnnouncer) -> None:
    preview = await chat.text(ADMIN, "/thongbao Hạn gửi câu hỏi là 26/5")
    assert buttons_of(preview) == ["adm:ann:yes:1", "adm:ann:no:1"]
    assert texts_of(await chat.text(ADMIN, "Gửi")) == admin_texts.ANNOUNCE_SENT.format(count=0)
    await chat.text(ADMIN, "/thongbao Lần hai")
    assert texts_of(await chat.text(ADMIN, "1")) == admin_texts.ANNOUNCE_SENT.format(count=0)
    await chat.text(ADMIN, "/thongbao Lần ba")
    assert texts_of(await chat.text(ADMIN, "huy")) == admin_texts.ANNOUNCE_CANCELLED
    assert [reply.text for _, reply in announcer.calls] == ["Hạn gửi câu hỏi là 26/5", "Lần hai"]
    assert admin_texts.HELP_HEAD.split("{")[0] in texts_of(await chat.text(ADMIN, "1"))  # nothing offered now


async def test_the_topic_picker_takes_a_number_or_a_label(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    await reach_question(chat, "y1")
    code = await stored(store, clock, "y1")
    picker = await chat.text(ADMIN, f"/gan_chu_de {code}")
    assert len(buttons_of(picker)) == 6
    assert "«Sức khỏe»" in texts_of(await chat.text(ADMIN, "1"))
    await chat.text(ADMIN, f"/gan_chu_de {code}")
    assert "«Chuyển đổi số»" in texts_of(await chat.text(ADMIN, "chuyen doi so"))
    async with store.unit() as uow:
        question = await uow.questions.by_code(code)
    assert question is not None and question.topic == "chuyen_doi_so"


async def test_the_reminder_opt_in_by_its_number(chat: MemoryChannel, store: Store) -> None:
    await reach_question(chat)
    receipt = await submitted(chat)
    replies = await chat.text("u1", number_of(receipt, "remind:yes"))
    assert coordination_texts.OPTIN_YES in texts_of(replies)
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", "u1")
    assert youth is not None and youth.reminders_ok is True


async def test_a_question_starting_with_a_number_is_a_question(
    chat: MemoryChannel, store: Store, tagger: ScriptedTagger, clock: FakeClock
) -> None:
    await reach_question(chat)
    await submitted(chat)
    clock.advance(minutes=10)  # past the follow-up window: a new question, tagged at once
    text = "2 năm nay em thất nghiệp, tỉnh có hỗ trợ việc làm cho thanh niên không?"
    replies = await chat.text("u1", text)
    assert texts.MY_QUESTIONS_HEAD.split("(")[0] not in texts_of(replies)  # not «2. Câu hỏi của tôi»
    assert tagger.seen[-1] == text


async def test_a_typed_non_choice_where_only_buttons_count_is_explained(chat: MemoryChannel) -> None:
    await reach_question(chat)
    await chat.text("u1", "/xoa")
    replies = await chat.text("u1", "để em nghĩ đã")
    assert texts.CHOICE_UNKNOWN in texts_of(replies) and buttons_of(replies) == ["del:yes", "del:no"]
    assert texts.DELETE_KEPT in texts_of(await chat.text("u1", "giu lai"))


async def test_a_staff_chat_keeps_its_choices_and_nobody_unconsented_gets_a_state(
    chat: MemoryChannel, store: Store
) -> None:
    await chat.text("stranger", "/start")
    await chat.text("stranger", "1 câu hỏi")  # before consent nothing is stored, typed or not
    await chat.text(ADMIN, "/thongke")  # staff replies without buttons store nothing either
    async with store.unit() as uow:
        assert (await uow.session.exec(select(ConversationState))).all() == []
    await chat.text(ADMIN, "/thongbao Thử")
    async with store.unit() as uow:
        state = await uow.states.get(f"memory:{ADMIN}")
    assert state is not None and [data for _, data in state.data["choices"]] == ["adm:ann:yes:1", "adm:ann:no:1"]


async def test_the_receipts_lasting_choices_typed_after_a_reply_without_choices(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    """«Gửi câu hỏi khác» and «Câu hỏi của mình» stay valid like their buttons: typed after /cauhoi
    (whose list offers nothing) they are not stored as a question."""
    await reach_question(chat)
    await submitted(chat)
    clock.advance(minutes=10)
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in texts_of(await chat.text("u1", "/cauhoi"))
    again = await chat.text("u1", "gui cau hoi khac")
    assert "Mã câu hỏi" not in texts_of(again)
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in texts_of(await chat.text("u1", "Câu hỏi của mình"))
    async with store.unit() as uow:
        assert len((await uow.session.exec(select(Question))).all()) == 1
