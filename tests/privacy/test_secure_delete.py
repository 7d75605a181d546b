"""Erased text does not stay readable in the SQLite file or its WAL (secure_delete, checkpoint)."""

from pathlib import Path

from storage import Store
from tests.privacy.test_erasure import QUESTION, _ask_with_name
from tests.support import MemoryChannel


def _file_bytes(store: Store) -> bytes:
    database = Path(store.engine.url.database or "")
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_erased_question_text_is_gone_from_the_database_files(chat: MemoryChannel, store: Store) -> None:
    await _ask_with_name(chat, "y1")
    needle = QUESTION.encode()
    assert needle in _file_bytes(store)
    await chat.text("y1", "/xoa")
    await chat.press("y1", "del:yes")
    assert needle not in _file_bytes(store)
    assert "Lê Thị Bưởi".encode() not in _file_bytes(store)
