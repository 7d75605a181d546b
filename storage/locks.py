"""Per-chat transaction locks on PostgreSQL (`pg_advisory_xact_lock`), for every writer of a chat's rows.

The dispatcher takes a chat's lock first thing in each of its updates' transactions; any other
transaction that reads a chat's state to write it back (the follow-up sweep) takes the same lock,
so neither overwrites what the other wrote. The lock ends with the transaction, so a crashed
process never leaves it behind. SQLite needs nothing: its units of work take turns
(storage/unit_of_work.py).
"""

import hashlib

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.states import forget
from storage.statements import advisory_lock


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit key (PostgreSQL's bigint) for any string parts."""
    raw = hashlib.sha256("\x1f".join(parts).encode()).digest()[:8]
    return int.from_bytes(raw, "big", signed=True)


def chat_lock_key(channel: str, chat_id: str) -> int:
    """The advisory-lock key of one chat."""
    return lock_key("chat", channel, chat_id)


async def lock_chat(session: AsyncSession, channel: str, chat_id: str) -> None:
    """Wait for this chat's lock until the session's transaction ends (PostgreSQL only).

    A state of the chat read earlier in the transaction is read again after it (storage/states.py).
    Taken first thing in a transaction, the lock goes to the server with its BEGIN: no round trip
    of its own. It cannot ride on the redelivery read that follows, whose snapshot would be taken
    before the lock is granted (it would miss what the twin holding the lock commits)."""
    forget(session, f"{channel}:{chat_id}")
    if session.get_bind().dialect.name == "postgresql":
        await advisory_lock(session, chat_lock_key(channel, chat_id))
