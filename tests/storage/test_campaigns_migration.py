"""Migration 0008 (several campaigns) on SQLite and PostgreSQL: a single-campaign database keeps every row."""

from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from storage import Question, Store, Youth
from storage.migrate import upgrade
from storage.models import PRIMARY_CAMPAIGN
from storage.models_admin import RoleGrant

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


async def test_upgrading_a_0007_database_keeps_questions_codes_sent_log_and_grants(engine: AsyncEngine) -> None:
    await upgrade(engine, "0007")
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO youth (id, channel, chat_id, name, unit_code, consent_at, reminders_ok, reachable, created_at)"
            " VALUES (1, 'zalo', '77', 'Thạch Sô Phia', 'KESACH', :at, true, true, :at)"), {"at": NOW})
        for number in (1, 2, 3):
            await conn.execute(text(
                "INSERT INTO question (id, code, youth_id, channel, source, unit_code, text_raw, text_norm, topic,"
                " topic_source, topic_scores, needs_review, status, late, created_at) VALUES (:id, :code, 1, 'zalo',"
                " 'chat', 'KESACH', 'Vay vốn khởi nghiệp thế nào?', 'vay von', 'khoi_nghiep', 'tagger', '{}', false,"
                " 'new', false, :at)"), {"id": number, "code": f"ST2023-{number:04d}", "at": NOW})
        await conn.execute(text("INSERT INTO receiptcounter (prefix, last) VALUES ('ST2023', 3)"))
        await conn.execute(text(
            "INSERT INTO rolegrant (channel, chat_id, role, name, scope, granted_by, created_at)"
            " VALUES ('zalo', '9', 'coordinator', 'Sở Y tế', '[\"suc_khoe\"]', 'telegram:1', :at)"), {"at": NOW})
        await conn.execute(text(
            "INSERT INTO delivery (job, occurrence, recipient, status, attempts, claimed_at)"
            " VALUES ('reminder:d7', '2023-05-19', 'abc', 'sent', 1, :at)"), {"at": NOW})
    await upgrade(engine)
    async with Store(engine).unit() as uow:
        questions = (await uow.session.exec(select(Question).order_by(Question.id))).all()
        youth = (await uow.session.exec(select(Youth))).one()
        grant = (await uow.session.exec(select(RoleGrant))).one()
        counter = (await uow.session.exec(text("SELECT last FROM receiptcounter WHERE prefix = 'ST2023'"))).scalar()
        sent = (await uow.session.exec(text("SELECT job, occurrence, status FROM delivery"))).all()
    assert [(q.code, q.campaign, q.unit_code, q.topic) for q in questions] == [
        (f"ST2023-{n:04d}", PRIMARY_CAMPAIGN, "KESACH", "khoi_nghiep") for n in (1, 2, 3)]
    assert (youth.campaign, youth.unit_code, youth.reminders_ok) == (PRIMARY_CAMPAIGN, "KESACH", True)
    assert (grant.campaign, grant.scope) == (None, ["suc_khoe"])  # a province grant stays the province's
    assert counter == 3  # the next code is ST2023-0004: none is reissued
    assert [tuple(row) for row in sent] == [("reminder:d7", "2023-05-19", "sent")]  # not sent again
