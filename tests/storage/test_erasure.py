"""The erasure's SQL on each backend: keyed keys, scrubbed replies of other chats, a pseudonymous block."""

from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from storage import Question, Store
from storage.migrate import upgrade
from storage.staff_files import StaffFile

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)
TEXT = "Ở xã Đại Ân có hỗ trợ học nghề cho thanh niên không?"


async def test_erasure_reaches_other_chats_replies_and_keeps_the_block(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "u55", NOW)
        youth.name = "Đỗ Văn Nghề"
        await uow.youth.save(youth)
        q = await uow.questions.add(
            Question(youth_id=youth.id, channel="telegram", text_raw=TEXT, text_norm=TEXT, created_at=NOW), "ST2023")
        await uow.updates.record("telegram", "1", "telegram:u55", [{"text": "Đã lưu"}], NOW)
        await uow.updates.record("telegram", "2", "telegram:admin", [{"text": f"{q.code}: {TEXT} — Đỗ Văn Nghề"}], NOW)
        await uow.updates.record("telegram", "3", "telegram:admin", [{"text": "Không liên quan"}], NOW)
        await uow.admin.block("telegram", "u55", "telegram:admin", NOW)
        await uow.admin.audit("telegram:admin", "admin", "chan", NOW, detail="telegram:u55")
        await uow.admin.audit("telegram:admin", "admin", "chan", NOW, detail="telegram:u555")
    async with store.unit() as uow:
        await uow.youth.erase(await uow.youth.get("telegram", "u55"))
    async with store.unit() as uow:
        assert await uow.updates.replies_for("telegram", "1") is None
        assert await uow.updates.replies_for("telegram", "2") == []  # the mark stays, the text goes
        assert await uow.updates.replies_for("telegram", "3") == [{"text": "Không liên quan"}]
        assert await uow.admin.is_blocked("telegram", "u55")
        assert not await uow.admin.is_blocked("telegram", "u56")
        details = [line.detail for line in await uow.admin.audit_log()]
        assert details[0] == "telegram:u555" and details[1].startswith("erased:")
    async with store.unit() as uow:
        assert await uow.admin.unblock("telegram", "u55")
        assert not await uow.admin.is_blocked("telegram", "u55")


async def test_erasing_a_youth_with_questions_drops_the_staff_files_that_may_quote_them(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("zalo", "z7", NOW)
        await uow.questions.add(
            Question(youth_id=youth.id, channel="zalo", text_raw=TEXT, text_norm=TEXT, created_at=NOW), "ST2023")
        uow.session.add(StaffFile(id="f" * 22, filename="cau-hoi.xlsx", mime_type="application/octet-stream",
                                  content=TEXT.encode(), owner="o", created_at=NOW, expires_at=NOW))
    async with store.unit() as uow:
        await uow.youth.erase(await uow.youth.get("zalo", "z7"))
    async with store.unit() as uow:
        assert (await uow.session.exec(select(StaffFile))).all() == []
