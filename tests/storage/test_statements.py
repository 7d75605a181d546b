"""Statements run without the ORM (storage/statements.py) read and write what the ORM would, on each backend."""

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import BigInteger, bindparam, func, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col, select

from bot.dispatcher import duplicate_update
from storage import Question, Store, Youth, create_engine
from storage.clock import from_db
from storage.locks import chat_lock_key, lock_chat
from storage.migrate import upgrade
from storage.models_admin import Answer
from storage.postgres import Direct
from storage.statements import DIRECT, Statement, _connection

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


async def test_save_writes_only_the_changed_columns(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        await uow.youth.create("telegram", "7", NOW)
    async with store.unit() as uow:
        stale = await uow.youth.get("telegram", "7")
    async with store.unit() as uow:  # meanwhile a delivery finds the chat unreachable
        other = await uow.youth.get("telegram", "7")
        assert other is not None
        other.reachable = False
        await uow.youth.save(other)
    async with store.unit() as uow:
        assert stale is not None and stale.reachable
        stale.unit_code = "CHAUTHANH"
        await uow.youth.save(stale)
        await uow.youth.save(stale)  # nothing left to write
    async with store.unit() as uow:
        found = await uow.session.exec(select(Youth).where(Youth.chat_id == "7"))
        youth = found.one()
        assert (youth.unit_code, youth.reachable, youth.reminders_ok) == ("CHAUTHANH", False, False)
        assert from_db(youth.consent_at) == NOW


async def test_rows_read_as_the_orm_reads_them(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "8", NOW)
        question = await uow.questions.add(Question(
            youth_id=youth.id, channel="telegram", text_raw="Hỏi gì đó", text_norm="hoi gi do", topic="viec_lam",
            topic_scores={"viec_lam": 0.75, "khac": 0.25}, needs_review=True, late=True, created_at=NOW), "ST2023")
        assert question.id is not None and question.code == "ST2023-0001"
        await uow.questions.add(Question(youth_id=youth.id, channel="telegram", text_raw="Thêm", text_norm="them",
                                         created_at=NOW), "ST2023")
    async with store.unit() as uow:
        plain = (await uow.questions.of_youth(youth.id or 0))[-1]
        orm = (await uow.session.exec(select(Question).where(Question.id == question.id))).one()
        assert plain.model_dump() == orm.model_dump()
        assert plain.topic_scores == {"viec_lam": 0.75, "khac": 0.25} and plain.needs_review is True
        assert await uow.questions.count_of_youth(youth.id or 0) == 2
        fresh = await uow.youth.get("telegram", "8")
        loaded = (await uow.session.exec(select(Youth).where(Youth.chat_id == "8"))).one()
        assert fresh is not None and fresh.model_dump() == loaded.model_dump()


async def test_a_plain_row_added_to_a_session_is_updated_not_inserted(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "9", NOW)
        question = await uow.questions.add(
            Question(youth_id=youth.id, channel="telegram", text_raw="A", text_norm="a", created_at=NOW), "ST2023")
        question.status = "answered"
        uow.session.add(question)  # as older code does with a question it changed
        await uow.session.flush()
    async with store.unit() as uow:
        assert [q.status for q in await uow.questions.of_youth(youth.id or 0)] == ["answered"]


async def test_in_lists_and_duplicate_keys(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "10", NOW)
        ids = []
        for text in ("A", "B", "C"):
            q = await uow.questions.add(
                Question(youth_id=youth.id, channel="telegram", text_raw=text, text_norm=text, created_at=NOW), "ST")
            ids.append(q.id or 0)
        for question_id, text in ((ids[0], "first"), (ids[2], "old"), (ids[2], "latest")):
            await uow.admin.add_answer(Answer(question_id=question_id, text=text, answered_by="x", created_at=NOW))
    async with store.unit() as uow:
        answers = await uow.admin.answers_of(ids)
        assert {k: a.text for k, a in answers.items()} == {ids[0]: "first", ids[2]: "latest"}
        assert await uow.admin.answers_of([ids[1]]) == {}
        await uow.updates.record("telegram", "u1", "telegram:10", [], NOW)
    with pytest.raises(IntegrityError) as caught:  # the dispatcher tells a redelivered twin by this
        async with store.unit() as uow:
            await uow.updates.record("telegram", "u1", "telegram:10", [], NOW)
    assert "processedupdate" in (caught.value.statement or "").lower()


async def test_a_failed_unit_leaves_nothing_and_a_good_one_keeps_both_kinds_of_write(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)

    async def failing() -> None:
        async with store.unit() as uow:
            await uow.youth.create("telegram", "11", NOW)  # plain statements only
            await asyncio.sleep(0.01)  # the next unit queues for its turn (on SQLite: its connection)
            raise RuntimeError("the handler failed")

    async def next_in_turn() -> None:
        await asyncio.sleep(0.001)
        async with store.unit() as uow:
            await uow.youth.create("telegram", "13", NOW)

    failed, _ = await asyncio.gather(failing(), next_in_turn(), return_exceptions=True)
    assert isinstance(failed, RuntimeError)
    with pytest.raises(RuntimeError):
        async with store.unit() as uow:
            await uow.youth.create("telegram", "11", NOW)  # a plain statement
            await uow.admin.block("telegram", "12", "telegram:1", NOW)  # and the ORM
            raise RuntimeError("the handler failed")
    async with store.unit() as uow:
        assert await uow.youth.get("telegram", "11") is None
        assert not await uow.admin.blocked_chats()
        await uow.admin.block("telegram", "12", "telegram:1", NOW)
        await uow.youth.create("telegram", "11", NOW)
    async with store.unit() as uow:
        assert await uow.youth.get("telegram", "11") is not None
        assert await uow.youth.get("telegram", "13") is not None
        assert await uow.admin.blocked_chats() == {("telegram", "12")}


async def test_units_in_turn_give_their_connection_back(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)

    async def one(n: int) -> None:
        async with store.unit() as uow:
            await uow.youth.create("telegram", str(100 + n), NOW)

    await asyncio.gather(*(one(n) for n in range(20)))
    assert engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with store.unit() as uow:
        found = await uow.session.exec(select(Youth))
        assert len(found.all()) == 20


async def test_a_state_is_read_once_per_unit_but_not_past_an_erasure(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store = Store(engine)
    async with store.unit() as uow:
        await uow.youth.create("telegram", "14", NOW)
        await uow.states.put("telegram:14", "idle", {"k": 1}, NOW)
        state = await uow.states.get("telegram:14")
        assert state is not None and (state.step, state.data) == ("idle", {"k": 1})
    async with store.unit() as uow:
        assert (await uow.states.get("telegram:14")) is not None
        await uow.states.put("telegram:14", "name", {}, NOW)
        assert (await uow.states.get("telegram:14")).step == "name"  # type: ignore[union-attr]
        youth = await uow.youth.get("telegram", "14")
        assert youth is not None
        await uow.youth.erase(youth)
        assert await uow.states.get("telegram:14") is None


async def test_taking_a_chats_lock_reads_its_state_again(engine: AsyncEngine) -> None:
    await upgrade(engine)
    store, other_worker = Store(engine), Store(engine)
    async with store.unit() as uow:
        await uow.states.put("telegram:15", "idle", {}, NOW)
    async with store.unit() as uow:
        assert (await uow.states.get("telegram:15")).step == "idle"  # type: ignore[union-attr]
        async with other_worker.unit() as elsewhere:
            await elsewhere.states.put("telegram:15", "followup", {"pending": 1}, NOW)
        assert (await uow.states.get("telegram:15")).step == "idle"  # type: ignore[union-attr]  # read once
        await lock_chat(uow.session, "telegram", "15")
        assert (await uow.states.get("telegram:15")).step == "followup"  # type: ignore[union-attr]


async def test_on_postgresql_statements_run_on_the_asyncpg_connection_of_the_transaction(pg_url: str) -> None:
    engine = create_engine(pg_url)
    store = Store(engine)
    try:
        async with store.unit() as uow:
            youth = await uow.youth.create("telegram", "20", NOW)
            connection, _ = await _connection(uow.session)
            assert isinstance(connection, Direct)
            assert connection.adapter._transaction is not None  # the adapter's own transaction, begun for it
            ids = []
            for text, review in (("A", True), ("B", False), ("C", None)):
                q = await uow.questions.add(Question(
                    youth_id=youth.id, channel="telegram", text_raw=text, text_norm=text, created_at=NOW,
                    topic_scores={"viec_lam": 0.5, "list": [1, "hai"]}, needs_review=bool(review)), "ST")
                ids.append(q.id or 0)
            await uow.session.exec(select(Youth))  # the ORM in the same unit: the same transaction
        async with store.unit() as uow:
            found = await uow.questions.of_youth(youth.id or 0)
            assert [(q.needs_review, q.topic_scores, from_db(q.created_at)) for q in reversed(found)] == [
                (flag, {"viec_lam": 0.5, "list": [1, "hai"]}, NOW) for flag in (True, False, False)]
            # An IN list between two other parameters, numbered after them as SQLAlchemy numbers them.
            between = Statement(select(Question.id).where(
                col(Question.channel) == bindparam("channel"), col(Question.id).in_(bindparam("ids", expanding=True)),
                col(Question.text_raw) != bindparam("text")).order_by(col(Question.id)))
            assert await between.all(uow.session, {"channel": "telegram", "ids": ids, "text": "B"}) == [
                (ids[0],), (ids[2],)]
            assert await between.all(uow.session, {"channel": "telegram", "ids": [], "text": "B"}) == []
            changed = Statement(update(Question).where(col(Question.youth_id) == bindparam("youth_id")), keys=["status"])
            assert await changed.run(uow.session, {"youth_id": youth.id, "status": "answered"}) == 3
        async with store.unit() as uow:
            assert {q.status for q in await uow.questions.of_youth(youth.id or 0)} == {"answered"}
    finally:
        await store.close()


async def test_on_postgresql_the_chat_lock_goes_with_begin_and_holds_until_the_unit_ends(pg_url: str) -> None:
    engine = create_engine(pg_url)
    store = Store(engine)
    key = chat_lock_key("telegram", "21")
    probe = Statement(select(func.pg_try_advisory_xact_lock(bindparam("key", type_=BigInteger))))

    async def free() -> bool:
        async with store.unit() as other:
            return bool(await probe.scalar(other.session, {"key": key}))

    try:
        async with store.unit() as uow:
            await lock_chat(uow.session, "telegram", "21")
            assert uow.session.info[DIRECT][0].adapter._transaction is not None
            assert not await free()
            await uow.youth.create("telegram", "21", NOW)
        assert await free()
        with pytest.raises(RuntimeError):
            async with store.unit() as uow:
                await lock_chat(uow.session, "telegram", "21")
                await uow.youth.create("telegram", "22", NOW)
                raise RuntimeError("the handler failed")
        assert await free()
        async with store.unit() as uow:
            assert await uow.youth.get("telegram", "21") is not None
            assert await uow.youth.get("telegram", "22") is None
    finally:
        await store.close()


async def test_on_postgresql_a_lock_that_fails_with_begin_leaves_the_connection_usable(pg_url: str) -> None:
    engine = create_async_engine(pg_url, pool_size=1, max_overflow=1,
                                 connect_args={"server_settings": {"lock_timeout": "200"}})
    store = Store(engine)
    try:
        async with store.unit() as holder:
            await lock_chat(holder.session, "telegram", "23")
            with pytest.raises(DBAPIError, match="lock timeout"):  # the exception SQLAlchemy raised before
                async with store.unit() as waiter:
                    await lock_chat(waiter.session, "telegram", "23")
        for chat in ("23", "24"):  # both pooled connections still work
            async with store.unit() as uow:
                await lock_chat(uow.session, "telegram", chat)
                await uow.youth.create("telegram", chat, NOW)
        async with store.unit() as uow:
            assert await uow.youth.get("telegram", "24") is not None
    finally:
        await store.close()


async def test_on_postgresql_a_duplicate_update_is_an_integrity_error_naming_its_table(pg_url: str) -> None:
    store = Store(create_engine(pg_url))
    try:
        async with store.unit() as uow:
            await lock_chat(uow.session, "telegram", "25")
            await uow.updates.record("telegram", "u9", "telegram:25", [{"text": "a"}], NOW)
        with pytest.raises(IntegrityError) as caught:
            async with store.unit() as uow:
                await lock_chat(uow.session, "telegram", "25")
                assert await uow.updates.replies_for("telegram", "u9") == [{"text": "a"}]
                await uow.updates.record("telegram", "u9", "telegram:25", [], NOW)
        assert duplicate_update(caught.value)  # the dispatcher's test for a redelivered twin
        assert "$1" in (caught.value.statement or "")  # raised by the direct path
    finally:
        await store.close()
