"""Hostile input, case by case, through the real conversation: no crash, a clear reply, nothing corrupted."""

import asyncio
import unicodedata

import pytest
from sqlmodel import select

from handlers import texts
from storage import Question, Store, Youth
from tests.support import FakeClock, MemoryChannel, buttons_of, texts_of

QUESTION = "Tỉnh có chính sách hỗ trợ vốn vay cho thanh niên khởi nghiệp nông nghiệp không?"


async def questions(store: Store) -> list[Question]:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(Question))).all())


async def at_question_step(chat: MemoryChannel, user: str = "h1") -> None:
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:TPST")
    await chat.press(user, "name:anon")


def ok(replies) -> None:
    """Every hostile input gets at least one Vietnamese reply and never the internal-error apology."""
    assert replies, "no reply at all"
    assert texts.INTERNAL_ERROR not in texts_of(replies)


# Text a youth may send at the question step, and what must come of it.
QUESTION_STEP_CASES = {
    "over_4096": ("Xin hỏi về vốn vay. " * 300, texts.QUESTION_TOO_LONG.split("{")[0]),
    "over_100k": ("a" * 100_001, texts.QUESTION_TOO_LONG.split("{")[0]),
    "zero_width_only": ("\u200b\u200c\u200d\ufeff", texts.QUESTION_EMPTY),
    "bidi_controls_only": ("\u202e\u202d\u2066\u2069", texts.QUESTION_EMPTY),
    "emoji_only": ("🎉🔥😂👍🏽", texts.QUESTION_EMPTY),
    "whitespace_newlines": ("\n\n \t \n", texts.QUESTION_EMPTY),
    "punctuation_only": ("?!?!...,,;", texts.QUESTION_EMPTY),
    "too_short": ("vốn?", "ngắn"),
    "null_bytes_short": ("\x00\x00ab\x00", "ngắn"),
}

# Text that is a valid question, however odd: it must be tagged and stored at once.
ACCEPTED_QUESTIONS = {
    "nfd": unicodedata.normalize("NFD", "Tỉnh có hỗ trợ vốn vay khởi nghiệp không ạ?"),
    "sql_looking": "'; DROP TABLE question; -- tỉnh có hỗ trợ vay vốn không?",
    "html_js": "<script>alert('x')</script> Em muốn hỏi về thẻ BHYT cho sinh viên",
    "rtl_arabic": "مرحبا كيف حالك هل يوجد دعم للشباب",
    "hebrew": "שלום, האם יש תמיכה לצעירים?",
    "chinese": "请问省里有没有支持青年创业的贷款政策？",
    "english": "Is there any startup loan support for young people in the province?",
    "bidi_inside": "Em hỏi \u202evề vốn vay\u202c khởi nghiệp ạ",
    "ansi_escape": "\x1b[31mEm muốn hỏi về vay vốn khởi nghiệp\x1b[0m",
    "control_chars": "Em\x07 hỏi\x08 về\x0b việc làm cho thanh niên",
    "null_inside": "Em hỏi\x00 về vay vốn khởi nghiệp ạ",
    "lone_surrogate": "Em hỏi về vay vốn \ud800 khởi nghiệp",
    "exactly_min": "vay vốn ạ?",
    "exactly_max": ("Em hỏi về vay vốn. " * 300)[:4000],
    "looks_like_button": "topic:ok:1 consent:yes del:yes",
    "looks_like_command_inside": "em hỏi /xoa là gì vậy ad, xóa dữ liệu hả",
    "teencode": "ad oi cho e hoi tinh co ho tro von cho tn khoi nghiep ko a",
    "repeated_char": "ạ" * 50 + " vốn vay",
}


@pytest.mark.parametrize("case", sorted(QUESTION_STEP_CASES))
async def test_rejected_question_text(case: str, chat: MemoryChannel, store: Store) -> None:
    text, expected = QUESTION_STEP_CASES[case]
    await at_question_step(chat)
    replies = await chat.text("h1", text)
    ok(replies)
    assert expected in texts_of(replies)
    assert await questions(store) == []
    # The youth can carry on normally afterwards.
    assert "ST2023-0001" in texts_of(await chat.text("h1", QUESTION))


@pytest.mark.parametrize("case", sorted(ACCEPTED_QUESTIONS))
async def test_odd_but_valid_question_is_stored_intact(case: str, chat: MemoryChannel, store: Store) -> None:
    text = ACCEPTED_QUESTIONS[case]
    await at_question_step(chat)
    replies = await chat.text("h1", text)
    ok(replies)
    assert "ST2023-0001" in texts_of(replies) and "retopic:1" in buttons_of(replies)
    [stored] = await questions(store)
    assert stored.code == "ST2023-0001"
    assert stored.text_raw == _storable(text).strip()


def _storable(text: str) -> str:
    """What must be kept of a text: everything but NUL, unpaired surrogates shown as U+FFFD."""
    return text.replace("\x00", "").encode("utf-16", "surrogatepass").decode("utf-16", "replace")


NAME_CASES = {
    "emoji_name": ("🦄🦄", False),
    "very_long_name": ("Nguyễn " * 40, False),  # kept as a probable question, not as a name
    "html_name": ("<b>Lan</b>", True),
    "rtl_name": ("محمد", True),
    "zero_width_name": ("\u200b\u200b", False),
}


@pytest.mark.parametrize("case", sorted(NAME_CASES))
async def test_hostile_names(case: str, chat: MemoryChannel, store: Store) -> None:
    name, accepted = NAME_CASES[case]
    await chat.press("h1", "consent:yes")
    await chat.press("h1", "unit:TPST")
    replies = await chat.text("h1", name)
    ok(replies)
    async with store.unit() as uow:
        [youth] = (await uow.session.exec(select(Youth))).all()
    assert (youth.name is not None) is accepted


BUTTON_CASES = [
    "", ":", "consent", "consent:maybe", "unit:", "unit:../../etc/passwd", "topic:set:1:", "topic:set:99:suc_khoe",
    "topic:ok:-1", "again:x", "del:yes", "del:no", "x" * 64, "🎉", "\x00", "name:anon:extra", "remind:yes",
    "retopic:", "retopic:-1", "retopic:1:", "retopic:99:suc_khoe", "retopic:1:suc_khoe:x", "more:", "more:add:9",
]


@pytest.mark.parametrize("data", BUTTON_CASES)
async def test_forged_or_stale_buttons_before_and_after_consent(data: str, chat: MemoryChannel, store: Store) -> None:
    ok(await chat.press("h1", data))  # before consent: the notice again, nothing stored
    if not data.startswith("consent"):
        assert await _youth_count(store) == 0
    await at_question_step(chat, "h2")
    await chat.text("h2", QUESTION)
    replies = await chat.press("h2", data)
    ok(replies)
    assert len(await questions(store)) <= 1


async def _youth_count(store: Store) -> int:
    async with store.unit() as uow:
        return len((await uow.session.exec(select(Youth))).all())


COMMAND_CASES = [
    "/start " + "A" * 500, "/start ../../etc", "/start <script>", "/start VINHCHAU extra words", "/xoa now please",
    "/cauhoi ST2023-9999", "/huy huy huy", "/trogiup 1 2 3", "/", "/ ", "/START", "/start@otherbot", "/🎉",
    "/" + "x" * 300, "/thongke", "/gan_chu_de ST2023-0001 suc_khoe",
]


@pytest.mark.parametrize("command", COMMAND_CASES)
async def test_commands_with_wrong_arguments(command: str, chat: MemoryChannel) -> None:
    ok(await chat.text("h1", command))
    await at_question_step(chat)
    ok(await chat.text("h1", command))


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "video", "location", "contact", "poll", "document",
                                  "animation", "video_note", "edited", "dice", None])
async def test_unsupported_message_kinds(kind: str | None, chat: MemoryChannel, store: Store) -> None:
    ok(await chat.other("h1", kind or ""))
    await at_question_step(chat)
    replies = await chat.other("h1", kind or "")
    ok(replies)
    assert texts.ASK_QUESTION in texts_of(replies)


async def test_callback_after_delete_is_harmless(chat: MemoryChannel, store: Store) -> None:
    await at_question_step(chat)
    await chat.text("h1", QUESTION)
    await chat.text("h1", "/xoa")
    await chat.press("h1", "del:yes")
    for data in ("retopic:1", "more:add", "unit:TPST", "name:anon", "del:yes", "again", "mine"):
        replies = await chat.press("h1", data)
        ok(replies)
        assert "consent:yes" in buttons_of(replies)
    assert await questions(store) == [] and await _youth_count(store) == 0


async def test_group_and_channel_messages_ask_for_private_chat(chat: MemoryChannel, store: Store) -> None:
    for text in ("/start", QUESTION, "/xoa"):
        assert texts_of(await chat.text("-100", text, private=False)) == texts.GROUP_CHAT
    assert await _youth_count(store) == 0


async def test_concurrent_messages_from_one_youth_stay_ordered(chat: MemoryChannel, store: Store) -> None:
    await at_question_step(chat)
    await chat.text("h1", QUESTION)
    await chat.text("h1", "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?")
    results = await asyncio.gather(*(chat.press("h1", "more:add") for _ in range(10)))
    assert sum(texts.FOLLOWUP_ADDED.split("{")[0] in texts_of(r) for r in results) == 1
    [question] = await questions(store)
    assert question.text_raw.count("nuôi tôm") == 1


async def test_flood_from_one_youth_is_slowed_with_a_clear_message(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    await at_question_step(chat)  # 3 messages
    verdicts = [texts_of(await chat.text("h1", f"tin nhắn số {i} về vay vốn khởi nghiệp")) for i in range(25)]
    assert verdicts.count(texts.FLOOD) == 1
    assert verdicts[17:].count("") >= 7  # after the warning, the rest of the window is dropped silently
    # Another youth is not affected, and the flooder recovers after the window.
    assert texts.FLOOD not in texts_of(await chat.text("other", "/start"))
    clock.advance(seconds=61)
    assert texts.FLOOD not in texts_of(await chat.text("h1", "/cauhoi"))
