"""Repositories and migrations on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from bot.dispatcher import Dispatcher
from handlers.conversation import Conversation
from storage import Question, Store
from storage.migrate import upgrade
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, local, texts_of

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


def _diff(connection) -> list:
    return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


async def test_migrations_build_exactly_the_models_schema(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    await upgrade(engine)  # idempotent


@pytest.fixture
async def store(engine: AsyncEngine) -> Store:
    await upgrade(engine)
    return Store(engine)


def question(youth_id: int | None, text: str = "Câu hỏi về vốn vay khởi nghiệp") -> Question:
    return Question(youth_id=youth_id, channel="web", text_raw=text, text_norm=text, created_at=NOW)


async def test_youth_is_unique_per_channel_address(store: Store) -> None:
    async with store.unit() as uow:
        youth = await uow.youth.create("telegram", "42", NOW)
        assert (await uow.youth.get("telegram", "42")).id == youth.id
        assert await uow.youth.get("web", "42") is None
    with pytest.raises(IntegrityError):
        async with store.unit() as uow:
            await uow.youth.create("telegram", "42", NOW)


async def test_receipt_codes_follow_insertion_and_times_stay_aware(store: Store) -> None:
    async with store.unit() as uow:
        youth = await uow.youth.create("web", "s1", NOW)
        first = await uow.questions.add(question(youth.id), "ST2023")
        second = await uow.questions.add(question(youth.id), "ST2023")
    assert (first.code, second.code) == ("ST2023-0001", "ST2023-0002")
    async with store.unit() as uow:
        found = await uow.questions.by_code("st2023-0002")
        assert found is not None and found.id == second.id
        assert found.created_at == NOW and found.created_at.tzinfo is not None
        assert [q.code for q in await uow.questions.of_youth(youth.id)] == ["ST2023-0002", "ST2023-0001"]


async def test_state_round_trips_json(store: Store) -> None:
    data = {"draft": {"n": 2, "text": "Vốn vay ưu đãi?", "scores": {"khoi_nghiep": 0.9}}, "choices": [["Đúng", "x"]]}
    async with store.unit() as uow:
        await uow.states.put("web:s1", "confirm_topic", data, NOW)
    async with store.unit() as uow:
        await uow.states.put("web:s1", "confirm_topic", {**data, "drafts": 2}, NOW + timedelta(minutes=1))
    async with store.unit() as uow:
        state = await uow.states.get("web:s1")
    assert state.step == "confirm_topic" and state.data["draft"]["text"] == "Vốn vay ưu đãi?"
    assert state.data["drafts"] == 2


async def test_processed_update_rejects_a_twin(store: Store) -> None:
    async with store.unit() as uow:
        await uow.updates.record("telegram", "77", "telegram:1", [{"text": "ok"}], NOW)
    async with store.unit() as uow:
        assert await uow.updates.replies_for("telegram", "77") == [{"text": "ok"}]
        assert await uow.updates.replies_for("web", "77") is None
    with pytest.raises(IntegrityError):
        async with store.unit() as uow:
            await uow.updates.record("telegram", "77", "telegram:1", [], NOW)


async def test_corrections_are_training_pairs(store: Store) -> None:
    async with store.unit() as uow:
        q1 = await uow.questions.add(question(None, "Sân bóng xã bị lấn chiếm"), "ST2023")
        q2 = await uow.questions.add(question(None, "Tiêm vắc xin HPV ở đâu"), "ST2023")
        await uow.questions.correct_topic(q1, "van_hoa_tinh_than", "telegram:9", NOW)
        await uow.questions.correct_topic(q2, "suc_khoe", "youth", NOW)
    async with store.unit() as uow:
        assert await uow.questions.corrections() == [
            ("Sân bóng xã bị lấn chiếm", "van_hoa_tinh_than"),
            ("Tiêm vắc xin HPV ở đâu", "suc_khoe"),
        ]
        assert await uow.questions.corrections(include_youth=False) == [("Sân bóng xã bị lấn chiếm", "van_hoa_tinh_than")]
        assert (await uow.questions.by_code(q1.code)).topic_source == "coordinator"


async def test_erase_removes_everything_of_one_youth(store: Store) -> None:
    async with store.unit() as uow:
        youth = await uow.youth.create("web", "gone", NOW)
        other = await uow.youth.create("web", "stays", NOW)
        q = await uow.questions.add(question(youth.id), "ST2023")
        await uow.questions.add(question(other.id), "ST2023")
        await uow.questions.correct_topic(q, "khac", "web:admin", NOW)
        await uow.states.put("web:gone", "idle", {}, NOW)
        await uow.updates.record("web", "gone:m1", "web:gone", [], NOW)
    async with store.unit() as uow:
        youth = await uow.youth.get("web", "gone")
        assert await uow.youth.erase(youth) == 1
    async with store.unit() as uow:
        assert await uow.youth.get("web", "gone") is None
        assert await uow.states.get("web:gone") is None
        assert await uow.updates.replies_for("web", "gone:m1") is None
        assert [q.youth_id for q in await uow.questions.all()] == [other.id]


async def test_the_conversation_runs_on_this_backend(store: Store, config) -> None:
    clock = FakeClock(local(2023, 5, 10))
    chat = MemoryChannel(Dispatcher(store, Conversation(config, ScriptedTagger(), clock), clock).handle)
    await chat.text("u1", "/start")
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:TPST")
    await chat.press("u1", "name:anon")
    replies = await chat.text("u1", "Tỉnh có hỗ trợ vốn vay cho thanh niên khởi nghiệp không?")
    assert "ST2023-0001" in texts_of(replies)
