"""Shared fixtures: settings from the shipped config, a fresh SQLite store, a fake clock."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import AppConfig, load_config
from bot.dispatcher import Dispatcher
from handlers.conversation import Conversation
from storage import Store, create_all, create_engine
from tests.admin.conftest import Outbox, RecordingAnnouncer
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, local

ROOT = Path(__file__).resolve().parent.parent


def require_services() -> bool:
    """CI sets DOITHOAI_REQUIRE_SERVICES=1: a missing service is then a failure, not a skip."""
    return os.environ.get("DOITHOAI_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally, fail in CI."""
    if require_services():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def config() -> AppConfig:
    return load_config(ROOT / "config.yaml", env={})


@pytest.fixture
def clock() -> FakeClock:
    # Seed plan: dialogue 15/6/2023, deadline = end of 26/5/2023 local.
    return FakeClock(local(2023, 5, 10))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    await create_all(engine)
    store = Store(engine)
    yield store
    await store.close()


@pytest.fixture
def tagger() -> ScriptedTagger:
    return ScriptedTagger()


@pytest.fixture
def dispatcher(store: Store, config: AppConfig, clock: FakeClock, tagger: ScriptedTagger) -> Dispatcher:
    return Dispatcher(store, Conversation(config, tagger, clock), clock)


@pytest.fixture
def chat(dispatcher: Dispatcher) -> MemoryChannel:
    return MemoryChannel(dispatcher.handle)


@pytest.fixture
def outbox() -> Outbox:
    """What the dispatcher delivers to chats other than the sender (tests/admin/conftest.py)."""
    return Outbox()


@pytest.fixture
def announcer() -> RecordingAnnouncer:
    """The Announcer seam, recording instead of sending."""
    return RecordingAnnouncer()
