"""The answer loop: a coordinator answers, the youth receives it, rates it; failures keep it for /cauhoi."""

from handlers.admin import texts
from storage import Question, Store
from storage.models_admin import Answer, AuditEntry
from tests.admin.conftest import ADMIN, HEALTH, STARTUP, Outbox, ask, rows
from tests.support import FakeClock, MemoryChannel, buttons_of, local, texts_of


async def test_coordinator_answers_and_the_youth_rates(chat: MemoryChannel, store: Store, outbox: Outbox) -> None:
    code = await ask(chat, "y1")
    assert texts.ANSWER_ASK.split("{")[0] in texts_of(await chat.text(STARTUP, f"/tra_loi {code.lower()}"))
    done = await chat.text(STARTUP, "Tỉnh có gói vay ưu đãi đến 100 triệu qua Ngân hàng CSXH.")
    assert "Đã lưu câu trả lời" in texts_of(done) and all(r.address is None for r in done)
    [delivered] = outbox.to("y1")
    assert "gói vay ưu đãi" in delivered.text and code in delivered.text and "Sở KH&ĐT" in delivered.text
    [answer] = await rows(store, Answer)
    assert buttons_of([delivered]) == [f"rate:{answer.id}:good", f"rate:{answer.id}:bad"]
    [question] = await rows(store, Question)
    assert question.status == "answered" and answer.delivered
    replies = await chat.press("y1", f"rate:{answer.id}:bad")
    assert texts.RATING_THANKS in texts_of(replies)
    assert texts.COMMENT_THANKS in texts_of(await chat.text("y1", "Em cần biết thủ tục cụ thể hơn"))
    [answer] = await rows(store, Answer)
    assert (answer.rating, answer.comment) == ("bad", "Em cần biết thủ tục cụ thể hơn")
    # The youth's conversation carries on as before.
    assert "Khởi nghiệp" in texts_of(await chat.text("y1", "Cho em hỏi thủ tục đăng ký hộ kinh doanh online"))
    assert "👎 1" in texts_of(await chat.text(ADMIN, "/thongke"))
    assert "đã có trả lời" in texts_of(await chat.text(ADMIN, f"/xem {code}"))
    actions = [(e.action, e.question_code) for e in await rows(store, AuditEntry)]
    assert ("tra_loi", code) in actions


async def test_an_unreachable_youth_reads_the_answer_in_cauhoi(chat: MemoryChannel, outbox: Outbox) -> None:
    code = await ask(chat, "y1")
    outbox.unreachable.add("y1")
    await chat.text(ADMIN, f"/tra_loi {code}")
    await chat.text(ADMIN, "Câu trả lời của Sở.")
    assert outbox.to("y1") == []
    mine = texts_of(await chat.text("y1", "/cauhoi"))
    assert "đã có trả lời" in mine and "Câu trả lời của Sở." in mine


async def test_a_list_of_codes_answers_near_duplicates_together(chat: MemoryChannel, store: Store, outbox: Outbox) -> None:
    first = await ask(chat, "y1")
    second = await ask(chat, "y2", "Tỉnh có hỗ trợ vốn vay cho thanh niên mở tiệm sửa xe không ạ?")
    await chat.text(STARTUP, f"/tra_loi {first},{second}")
    await chat.text(STARTUP, "Có, qua Ngân hàng CSXH.")
    assert len(outbox.to("y1")) == len(outbox.to("y2")) == 1
    assert {q.status for q in await rows(store, Question)} == {"answered"}


async def test_out_of_scope_and_cancel(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1")  # khoi_nghiep: not the health coordinator's
    assert texts_of(await chat.text(HEALTH, f"/tra_loi {code}")) == texts.FORBIDDEN_QUESTION.format(code=code)
    assert texts.NOT_FOUND.format(code="ST2023-9999") in texts_of(await chat.text(STARTUP, "/tra_loi ST2023-9999"))
    await chat.text(STARTUP, f"/tra_loi {code}")
    assert texts_of(await chat.text(STARTUP, "/huy")) == texts.CANCELLED
    await chat.text(STARTUP, "không phải câu trả lời")
    assert await rows(store, Answer) == []


async def test_forged_rating_buttons_are_refused(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1")
    await ask(chat, "y2", "Cho em hỏi về chính sách vay vốn khởi nghiệp ạ")
    await chat.text(ADMIN, f"/tra_loi {code}")
    await chat.text(ADMIN, "Trả lời.")
    [answer] = await rows(store, Answer)
    assert texts_of(await chat.press("y2", f"rate:{answer.id}:good")) == texts.STALE
    assert texts_of(await chat.press("y2", "rate:999:good")) == texts.STALE
    [answer] = await rows(store, Answer)
    assert answer.rating is None
    assert [e.allowed for e in await rows(store, AuditEntry) if e.action == "rate"] == [False, False]


async def test_overdue_questions_are_flagged_to_their_coordinator(chat: MemoryChannel, store: Store, clock: FakeClock, config) -> None:
    from handlers.admin import overdue_notices

    code = await ask(chat, "y1")
    async with store.unit() as uow:
        assert await overdue_notices(config, uow, clock.now(), days_before=7) == []  # 36 days left
        replies = await overdue_notices(config, uow, local(2023, 6, 10), days_before=7)
    assert [str(r.address) for r in replies] == ["memory:coord_startup"]
    assert code in replies[0].text and "5 ngày" in replies[0].text


async def test_tuong_tu_answers_the_open_near_duplicates_too(chat: MemoryChannel, store: Store, outbox: Outbox) -> None:
    first = await ask(chat, "y1")
    await ask(chat, "y2", "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ??")
    await ask(chat, "y3", "Cho em hỏi lịch tiêm vắc xin cho thanh niên ở huyện")
    ask_reply = texts_of(await chat.text(ADMIN, f"/tra_loi {first} tuong_tu"))
    assert "ST2023-0001, ST2023-0002" in ask_reply and "ST2023-0003" not in ask_reply
    await chat.text(ADMIN, "Có, qua Ngân hàng CSXH.")
    assert len(outbox.to("y1")) == len(outbox.to("y2")) == 1 and outbox.to("y3") == []
