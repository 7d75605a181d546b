"""Cross-process per-chat locks: a PostgreSQL transaction-level advisory lock per chat.

Several worker processes may receive two updates of one youth at once (webhook behind one URL).
Taking `pg_advisory_xact_lock(hash(chat))` first thing in the message's transaction orders them
across processes the way the in-process asyncio lock orders them inside one; the lock is released
by the commit or rollback, so a crashed worker never leaves it behind. SQLite needs nothing: one
process owns the file, and its asyncio lock already serialises a chat.
"""

import hashlib

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.types import Address

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit key (PostgreSQL's bigint) for any string parts."""
    raw = hashlib.sha256("\x1f".join(parts).encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


def chat_lock_key(address: Address) -> int:
    """The advisory-lock key of one chat (channel + chat id)."""
    return lock_key("chat", address.channel, address.chat_id)


async def lock_chat(session: AsyncSession, address: Address) -> None:
    """Wait for this chat's lock until the session's transaction ends (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()  # the transaction's own connection
        await connection.execute(_LOCK, {"key": chat_lock_key(address)})
