"""An update's opening read (storage/opening.py): one statement, the same rows as the reads it replaces,
and never a stale row once the unit has written."""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col, select

from storage import Store, Youth
from storage.migrate import upgrade
from storage.statements import DIRECT, Statement

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every statement the repositories run from here on."""
    ran: list[str] = []

    def counted(method: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
        async def counting(self: Statement, session: object, params: object) -> object:
            ran.append(str(self.statement).split()[0])
            return await method(self, session, params)
        return counting

    monkeypatch.setattr(Statement, "_rows", counted(Statement._rows))
    monkeypatch.setattr(Statement, "run", counted(Statement.run))
    yield ran


async def _youth_with_state(store: Store) -> None:
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "7", NOW)
        youth.unit_code = "TPST"
        await uow.youth.save(youth)
        await uow.states.put("telegram:7", "ask", {"draft": "xin chào"}, NOW)
        await uow.admin.set_pending("telegram:7", "comment", {"answer_id": 3}, NOW)
        await uow.updates.record("telegram", "u1", "telegram:7", [{"text": "Đã nhận"}], NOW)


@pytest.fixture
async def store(engine: AsyncEngine) -> AsyncIterator[Store]:
    """A youth with a unit, a state, an awaited comment and a handled update, on each backend."""
    await upgrade(engine)
    store = Store(engine)
    await _youth_with_state(store)
    yield store


async def test_one_statement_reads_what_the_four_reads_would(store: Store, statements: list[str]) -> None:
    async with store.unit() as uow:  # what the repositories read on their own
        expected = (await uow.youth.get("telegram", "7"), await uow.states.get("telegram:7"),
                    await uow.admin.pending("telegram:7"), await uow.updates.replies_for("telegram", "u1"))
    statements.clear()
    async with store.unit() as uow:
        replies = await uow.open_chat("telegram", "7", "u1")
        youth, state = await uow.youth.get("telegram", "7"), await uow.states.get("telegram:7")
        pending = await uow.admin.pending("telegram:7")
        assert statements == ["SELECT"]  # the opening read, nothing after it
    assert replies == expected[3] == [{"text": "Đã nhận"}]
    assert youth is not None and expected[0] is not None
    assert youth.model_dump() == expected[0].model_dump() and youth.unit_code == "TPST"
    assert state is not None and expected[1] is not None and state.model_dump() == expected[1].model_dump()
    assert pending is not None and expected[2] is not None and pending.model_dump() == expected[2].model_dump()


async def test_a_new_chat_opens_with_nothing(store: Store, statements: list[str]) -> None:
    statements.clear()
    async with store.unit() as uow:
        assert await uow.open_chat("zalo", "7", "u1") is None  # another channel's update and chat
        assert await uow.open_chat("zalo", "8", None) is None  # no update id (the web chat's first page)
        assert await uow.youth.get("zalo", "8") is None
        assert await uow.states.get("zalo:8") is None
        assert await uow.admin.pending("zalo:8") is None
        assert statements == ["SELECT", "SELECT"]


async def test_a_row_read_ahead_is_handed_out_once(store: Store, statements: list[str]) -> None:
    statements.clear()
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        first, second = await uow.youth.get("telegram", "7"), await uow.youth.get("telegram", "7")
        assert statements == ["SELECT", "SELECT"]  # the second get reads again
        assert first is not None and second is not None and first is not second


async def test_a_write_through_the_orm_drops_what_was_read_ahead(store: Store) -> None:
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        await uow.admin.clear_pending("telegram:7")  # an ORM delete
        assert await uow.admin.pending("telegram:7") is None
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        await uow.admin.set_pending("telegram:7", "answer", {"ids": [1]}, NOW)  # an ORM flush
        pending = await uow.admin.pending("telegram:7")
        assert pending is not None and pending.kind == "answer"
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        loaded = (await uow.session.exec(select(Youth).where(col(Youth.chat_id) == "7"))).one()  # a read keeps them
        await uow.youth.erase(loaded)  # ORM deletes
        assert await uow.youth.get("telegram", "7") is None
        assert await uow.states.get("telegram:7") is None


async def test_a_direct_write_drops_what_was_read_ahead(store: Store, statements: list[str]) -> None:
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        await uow.states.put("telegram:7", "idle", {}, NOW)  # an upsert through a plain statement
        youth = await uow.youth.get("telegram", "7")
        assert statements[-3:] == ["SELECT", "INSERT", "SELECT"] and youth is not None  # read again
        youth.name = "Lan"
        await uow.youth.save(youth)
    async with store.unit() as uow:
        await uow.open_chat("telegram", "7", None)
        await uow.youth.create("telegram", "9", NOW)  # INSERT … RETURNING: a write that returns rows
        statements.clear()
        youth = await uow.youth.get("telegram", "7")
        assert statements == ["SELECT"] and youth is not None and youth.name == "Lan"


async def test_on_postgresql_a_unit_gives_its_connection_back_clean(pg_url: str) -> None:
    """The unit commits statements it ran on the connection itself, commits the ORM's with them, and a
    failed unit's work is rolled back by the pool: one pooled connection, used over and over."""
    engine = create_async_engine(pg_url, pool_size=1, max_overflow=0)
    await upgrade(engine)
    store = Store(engine)
    try:
        async with store.unit() as uow:  # plain statements only: committed without the session
            await uow.youth.create("telegram", "1", NOW)
            assert not uow.session.in_transaction()
        async with store.unit() as uow:  # plain statements and the ORM: one transaction
            await uow.youth.create("telegram", "2", NOW)
            await uow.admin.set_pending("telegram:2", "comment", {}, NOW)
        with pytest.raises(RuntimeError):
            async with store.unit() as uow:
                await uow.youth.create("telegram", "3", NOW)
                await uow.admin.set_pending("telegram:3", "comment", {}, NOW)
                raise RuntimeError("the handler failed")
        with pytest.raises(RuntimeError):
            async with store.unit() as uow:
                await uow.youth.create("telegram", "4", NOW)
                raise RuntimeError("the handler failed")
        async with store.unit() as uow:
            direct = uow.session.info[DIRECT][0]
            assert not direct.driver.is_in_transaction()  # the pool rolled the failed ones back
            assert [await uow.youth.get("telegram", c) is not None for c in "1234"] == [True, True, False, False]
            assert await uow.admin.pending("telegram:2") is not None
            assert await uow.admin.pending("telegram:3") is None
    finally:
        await store.close()
