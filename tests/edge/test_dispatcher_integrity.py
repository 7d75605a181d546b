"""Only the processed-update key means "a duplicate": any other constraint failure is an error the youth hears about."""

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from handlers.types import Address, IncomingMessage, Kind
from storage import ConversationState, ProcessedUpdate, create_all
from tests.conftest import ROOT
from tests.support import FakeClock

START = IncomingMessage(Address("telegram", "71"), Kind.COMMAND, text="/start", command="start", update_id="9001")
CONSENT = IncomingMessage(Address("telegram", "71"), Kind.BUTTON, button_data="consent:yes", update_id="9002")


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    config = load_config(ROOT / "config.yaml", env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"})
    built = await build_app(config, clock=clock, tagger=None, secret=b"k" * 32)
    await create_all(built.store.engine)
    yield built
    await built.store.close()


async def _trigger(app: App, sql: str) -> None:
    async with app.store.engine.begin() as connection:
        await connection.execute(text(sql))


async def _count(app: App, model: type) -> int:
    async with app.store.unit() as uow:
        return len((await uow.session.exec(select(model))).all())


@pytest.mark.parametrize("model", [ConversationState, ProcessedUpdate])
async def test_another_constraint_failure_is_an_error_not_a_duplicate(
    app: App, caplog: pytest.LogCaptureFixture, model: type
) -> None:
    assert texts.INTERNAL_ERROR not in (await app.dispatcher.handle(START))[0].text
    handled = await _count(app, ProcessedUpdate)
    table = model.__table__.name  # type: ignore[attr-defined]
    await _trigger(app, f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                        "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: provoked'); END")
    with caplog.at_level(logging.INFO):
        replies = await app.dispatcher.handle(CONSENT)
    assert [r.text for r in replies] == [texts.INTERNAL_ERROR]  # never silence
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.dispatcher"]
    assert len(errors) == 1 and table in errors[0].getMessage()
    assert await _count(app, ProcessedUpdate) == handled and await _count(app, ConversationState) == 0  # rolled back
    await _trigger(app, "DROP TRIGGER refuse")
    replies = await app.dispatcher.handle(CONSENT)  # Telegram redelivers: now it is handled
    assert replies and texts.INTERNAL_ERROR not in replies[0].text


async def test_a_twin_on_the_processed_update_key_answers_nothing(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    """A twin recorded after our read (another worker): its handler sends the replies, this one stays quiet."""
    table = ProcessedUpdate.__table__.name  # type: ignore[attr-defined]
    await _trigger(app, f"CREATE TRIGGER twin BEFORE INSERT ON {table} BEGIN "
                        f"INSERT INTO {table} (key, chat_key, replies, processed_at) "
                        "VALUES (NEW.key, NEW.chat_key, '[]', NEW.processed_at); END")
    with caplog.at_level(logging.INFO):
        replies = await app.dispatcher.handle(START)
    assert replies == []
    assert "handled concurrently elsewhere" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
