"""/xem and /gan_chu_de: evidence, retagging as a stored correction, routing, forged buttons."""

from handlers.admin import texts
from storage import Question, Store, TopicCorrection
from storage.models_admin import AuditEntry
from tests.admin.conftest import ADMIN, HEALTH, STARTUP, Outbox, ask, rows
from tests.support import MemoryChannel, buttons_of, texts_of


async def test_view_shows_the_question_with_its_tagging(chat: MemoryChannel) -> None:
    code = await ask(chat, "y1")
    view = texts_of(await chat.text(STARTUP, f"/xem {code}"))
    assert code in view and "Khởi nghiệp 1.00" in view and "Huyện Kế Sách" in view and "Ẩn danh" in view
    assert "Sở Kế hoạch và Đầu tư" in view and "vay vốn" in view
    assert texts_of(await chat.text(HEALTH, f"/xem {code}")) == texts.FORBIDDEN_QUESTION.format(code=code)


async def test_retag_with_buttons_stores_a_correction_and_routes(chat: MemoryChannel, store: Store, outbox: Outbox) -> None:
    code = await ask(chat, "y1")
    [question] = await rows(store, Question)
    replies = await chat.text(STARTUP, f"/gan_chu_de {code}")
    assert f"adm:retag:{question.id}:suc_khoe" in buttons_of(replies)
    done = texts_of(await chat.press(STARTUP, f"adm:retag:{question.id}:suc_khoe"))
    assert "Sức khỏe" in done and "Sở Y tế" in done
    [question] = await rows(store, Question)
    assert (question.topic, question.topic_source, question.needs_review) == ("suc_khoe", "coordinator", False)
    [correction] = await rows(store, TopicCorrection)
    assert (correction.old_topic, correction.new_topic, correction.by) == ("khoi_nghiep", "suc_khoe", "memory:coord_startup")
    async with store.unit() as uow:
        assert await uow.questions.corrections(include_youth=False) == [(question.text_raw, "suc_khoe")]
    [notice] = outbox.to(HEALTH)  # routing follows the new topic
    assert code in notice.text
    # Now it is the health coordinator's question, no longer the startup one's.
    assert code in texts_of(await chat.text(HEALTH, f"/xem {code}"))
    assert texts_of(await chat.text(STARTUP, f"/xem {code}")) == texts.FORBIDDEN_QUESTION.format(code=code)


async def test_retag_typed_and_unknown_topic(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1")
    assert "không có" in texts_of(await chat.text(ADMIN, f"/gan_chu_de {code} bong_da"))
    assert "Văn hóa" in texts_of(await chat.text(ADMIN, f"/gan_chu_de {code} van_hoa_tinh_than"))
    assert [c.new_topic for c in await rows(store, TopicCorrection)] == ["van_hoa_tinh_than"]


async def test_forged_retag_buttons_are_refused(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1")
    [question] = await rows(store, Question)
    # A youth pressing a staff button (crafted callback data) gets nothing.
    assert texts_of(await chat.press("y1", f"adm:retag:{question.id}:khac")) == texts.FORBIDDEN
    # A coordinator pressing a button for a question outside their scope is refused too.
    assert texts_of(await chat.press(HEALTH, f"adm:retag:{question.id}:suc_khoe")) == texts.FORBIDDEN_QUESTION.format(code=code)
    assert texts_of(await chat.press(ADMIN, "adm:retag:abc:khac")) == texts.STALE
    [question] = await rows(store, Question)
    assert question.topic == "khoi_nghiep" and await rows(store, TopicCorrection) == []
    assert sum(not e.allowed for e in await rows(store, AuditEntry)) == 2
