"""Two processes' dispatchers (two engines) on one PostgreSQL database: one chat's updates serialise.

A redelivered update racing its twin creates one question; a twin that slipped past the dedupe
read (simulated) hits the ProcessedUpdate primary key and answers nothing.
"""

import asyncio

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from bot.locks import chat_lock_key, lock_chat
from handlers.conversation import Conversation
from handlers.types import Address
from storage import Store, unit_of_work
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, local, texts_of

QUESTION = "Tỉnh có hỗ trợ vốn vay cho thanh niên khởi nghiệp không?"


def channels(stores: tuple[Store, Store], config: AppConfig) -> tuple[MemoryChannel, MemoryChannel]:
    clock = FakeClock(local(2023, 5, 10))
    return tuple(  # type: ignore[return-value]
        MemoryChannel(Dispatcher(store, Conversation(config, ScriptedTagger(), clock), clock).handle) for store in stores
    )


async def _to_question(chat: MemoryChannel, user: str) -> None:
    for step in ("consent:yes", "unit:TPST", "name:anon"):
        await chat.press(user, step, update_id=f"{user}-{step}")


async def count_questions(store: Store) -> int:
    async with store.unit() as uow:
        return len(list(await uow.questions.all()))


async def test_a_redelivered_twin_never_makes_two_questions(stores: tuple[Store, Store], config: AppConfig) -> None:
    one, two = channels(stores, config)
    await one.text("u1", "/start", update_id="u1-start")
    await _to_question(one, "u1")
    first, second = await asyncio.gather(
        one.text("u1", QUESTION, update_id="u1-q"), two.text("u1", QUESTION, update_id="u1-q")
    )
    assert await count_questions(stores[0]) == 1
    assert "ST2023-0001" in texts_of(first) and texts_of(first) == texts_of(second)  # the twin replays


async def test_a_twin_past_the_dedupe_read_answers_nothing(
    stores: tuple[Store, Store], config: AppConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = channels(stores, config)
    await one.text("u2", "/start", update_id="u2-start")
    await _to_question(one, "u2")
    assert "ST2023-0001" in texts_of(await one.text("u2", QUESTION, update_id="u2-q"))

    read = unit_of_work.open_chat

    async def not_seen(session: AsyncSession, channel: str, chat_id: str, update_key: str | None) -> None:
        await read(session, channel, chat_id, update_key)
        return None  # as if the twin had read before the first one committed

    monkeypatch.setattr(unit_of_work, "open_chat", not_seen)
    await two.text("u2", "/start", update_id="u2-start")  # the IntegrityError path
    assert await two.text("u2", QUESTION, update_id="u2-q") == []
    assert await count_questions(stores[0]) == 1


async def test_the_chat_lock_is_held_until_the_transaction_ends(stores: tuple[Store, Store]) -> None:
    address = Address("telegram", "42")
    async with stores[0].unit() as uow:
        await lock_chat(uow.session, address)
        async with stores[1].engine.connect() as other:
            from sqlalchemy import text

            taken = await other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": chat_lock_key(address)})
            assert taken is False
    async with stores[1].engine.connect() as other:
        from sqlalchemy import text

        assert await other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": chat_lock_key(address)})
