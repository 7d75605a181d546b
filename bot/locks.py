"""Cross-process per-chat locks for the dispatcher: storage/locks.py, keyed by a handlers Address.

Several worker processes may receive two updates of one youth at once (webhook behind one URL).
Taking `pg_advisory_xact_lock(hash(chat))` first thing in the message's transaction orders them
across processes the way the in-process asyncio lock orders them inside one.
"""

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.types import Address
from storage import locks
from storage.locks import lock_key

__all__ = ["chat_lock_key", "lock_chat", "lock_key"]


def chat_lock_key(address: Address) -> int:
    """The advisory-lock key of one chat (channel + chat id)."""
    return locks.chat_lock_key(address.channel, address.chat_id)


async def lock_chat(session: AsyncSession, address: Address) -> None:
    """Wait for this chat's lock until the session's transaction ends (PostgreSQL only)."""
    await locks.lock_chat(session, address.channel, address.chat_id)
