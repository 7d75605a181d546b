"""Publication storage on SQLite and PostgreSQL: migration 0007 keeps a 0006 database's rows, the page's query."""

from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from storage import Question, Store, publication
from storage.migrate import upgrade
from storage.models_admin import Answer

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


async def test_upgrading_a_0006_database_keeps_questions_answers_and_consents_nothing(engine: AsyncEngine) -> None:
    await upgrade(engine, "0006")
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO youth (id, channel, chat_id, name, consent_at, reminders_ok, reachable, created_at)"
            " VALUES (1, 'telegram', '501', 'Lê Văn Tèo', :at, false, true, :at)"), {"at": NOW})
        for number, status in ((1, "answered"), (2, "new")):
            await conn.execute(text(
                "INSERT INTO question (id, code, youth_id, channel, source, text_raw, text_norm, topic_source,"
                " topic_scores, needs_review, status, late, created_at) VALUES (:id, :code, 1, 'telegram', 'chat',"
                " 'Câu hỏi về vay vốn', 'cau hoi', 'tagger', '{}', false, :status, false, :at)"),
                {"id": number, "code": f"ST2023-{number:04d}", "status": status, "at": NOW})
        await conn.execute(text(
            "INSERT INTO answer (question_id, text, answered_by, answerer_name, delivered, created_at)"
            " VALUES (1, 'Có gói vay ưu đãi', 'telegram:9', 'Sở', true, :at)"), {"at": NOW})
    await upgrade(engine)
    async with Store(engine).unit() as uow:
        questions = (await uow.session.exec(select(Question).order_by(Question.id))).all()
        answers = (await uow.session.exec(select(Answer))).all()
    assert [(q.code, q.status, q.text_raw) for q in questions] == [
        ("ST2023-0001", "answered", "Câu hỏi về vay vốn"), ("ST2023-0002", "new", "Câu hỏi về vay vốn")]
    assert [a.text for a in answers] == ["Có gói vay ưu đãi"]
    # asked before the choice existed: silence is not consent, and nothing is approved
    assert [(q.public_ok, q.public_ok_at, q.public_text, q.public_at) for q in questions] == [(False, None, None, None)] * 2


async def test_only_consented_approved_answered_questions_are_published_on_this_backend(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "501", NOW)
        rows = [Question(youth_id=youth.id, channel="telegram", text_raw=f"Câu hỏi {n} về vay vốn",
                         text_norm="x", status="answered" if n < 3 else "new", created_at=NOW) for n in range(4)]
        for row in rows:
            await uow.questions.add(row, "ST2023")
        for row in rows[:3]:
            uow.session.add(Answer(question_id=row.id or 0, text=f"Trả lời {row.code}", answered_by="telegram:9",
                                   created_at=NOW))
        for row in (rows[0], rows[1], rows[3]):
            await publication.set_consent(uow.session, row, True, NOW)
        for row in rows:  # approved as if a coordinator had: only 0 is consented, approved and answered
            await publication.approve(uow.session, row, row.text_raw, NOW)
        await publication.set_consent(uow.session, rows[1], False, NOW)  # withdrawn: the approval goes too
    async with store.unit() as uow:
        shown = await publication.published(uow.session)
        assert [(q.code, a.text) for q, a in shown] == [("ST2023-0001", "Trả lời ST2023-0001")]
        again = await uow.session.get(Question, rows[1].id)
        assert again is not None and again.public_text is None and again.public_at is None
