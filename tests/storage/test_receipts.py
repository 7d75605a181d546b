"""Receipt codes are never given twice in a campaign, whatever is deleted (SQLite and PostgreSQL)."""

import asyncio
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import Question, Store
from storage.migrate import upgrade

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


def question(youth_id: int | None, body: str = "Câu hỏi về vốn vay khởi nghiệp") -> Question:
    return Question(youth_id=youth_id, channel="telegram", text_raw=body, text_norm=body, created_at=NOW)


async def test_a_code_is_not_reissued_after_the_youth_erased(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        first = await uow.youth.create("telegram", "1", NOW)
        kept = await uow.questions.add(question(first.id), "ST2023")
        gone = await uow.questions.add(question(first.id), "ST2023")
    async with store.unit() as uow:
        youth = await uow.youth.get("telegram", "1")
        await uow.youth.erase(youth)
    async with store.unit() as uow:
        second = await uow.youth.create("telegram", "2", NOW)
        fresh = await uow.questions.add(question(second.id), "ST2023")
        other_campaign = await uow.questions.add(question(second.id), "ST2024")
    assert (kept.code, gone.code) == ("ST2023-0001", "ST2023-0002")
    assert fresh.code == "ST2023-0003"
    assert other_campaign.code == "ST2024-0001"


async def test_concurrent_units_never_share_a_number(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)

    async def one(n: int) -> str:
        async with store.unit() as uow:
            stored = await uow.questions.add(question(None, f"Câu hỏi số {n} về việc làm"), "ST2023")
            await asyncio.sleep(0)  # let the others reach their UPDATE while this one holds the row
            return stored.code or ""

    codes = await asyncio.gather(*(one(n) for n in range(20)))
    assert sorted(codes) == [f"ST2023-{n:04d}" for n in range(1, 21)]


async def test_the_migration_starts_counters_above_every_code_already_given(engine: AsyncEngine) -> None:
    await upgrade(engine, "0001")
    async with engine.begin() as conn:
        for number in (1, 2, 7):
            await conn.execute(text(
                "INSERT INTO question (code, channel, source, text_raw, text_norm, topic_source, topic_scores,"
                " needs_review, status, late, created_at) VALUES (:code, 'web', 'chat', 'x', 'x', 'tagger', '{}',"
                " false, 'new', false, :at)"
            ), {"code": f"ST2023-{number:04d}", "at": NOW})
        await conn.execute(text(
            "INSERT INTO auditentry (actor, role, action, question_code, detail, allowed, created_at)"
            " VALUES ('telegram:9', 'admin', 'tra_loi', 'ST2023-0009', '', true, :at)"
        ), {"at": NOW})
        await conn.execute(text("DELETE FROM question WHERE code = 'ST2023-0007'"))
    await upgrade(engine)
    async with Store(engine).unit() as uow:
        assert (await uow.questions.add(question(None), "ST2023")).code == "ST2023-0010"
