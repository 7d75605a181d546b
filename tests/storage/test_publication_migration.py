"""Migration 0007 (publication) on SQLite and PostgreSQL: a 0006 database keeps every row."""

from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from storage import Question, Store
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
