"""Repository of processed updates (drops redeliveries, replays their replies)."""

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import ProcessedUpdate
from storage.secret import secret_of, update_chat_key
from storage.statements import Statement


def digest(*parts: str) -> str:
    """A stable hash of identifiers that are not personal (a platform's update id).

    Not for chat ids: they can be enumerated, so a bare hash of one is reversible; those are keyed
    with the server secret (storage/secret.py)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# Built once and run on the session's connection: every message reads and writes here, and building
# the statement, its cache key and the ORM's execution path each time cost about 0.3 ms a statement
# on the 2-core machine (storage/states.py has the measurement; storage/statements.py the rest).
_REPLIES = Statement(select(ProcessedUpdate.replies).where(ProcessedUpdate.key == bindparam("key")))  # type: ignore[arg-type]
_RECORD = Statement(insert(ProcessedUpdate), keys=("key", "chat_key", "replies", "processed_at"))


class UpdateRepo:
    """Remember which updates were handled and what was answered."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replies_for(self, channel: str, update_id: str) -> list[Any] | None:
        """The stored replies when this update was already handled, else None."""
        row = await _REPLIES.first(self._session, {"key": digest(channel, update_id)})
        return None if row is None else list(row[0])

    async def record(
        self, channel: str, update_id: str, chat_key: str, replies: list[Any], now: datetime
    ) -> None:
        """Mark the update handled (the primary key rejects a concurrent twin)."""
        await _RECORD.run(
            self._session,
            {"key": digest(channel, update_id), "chat_key": update_chat_key(secret_of(self._session), chat_key),
             "replies": replies, "processed_at": to_db(now)},
        )

    async def prune(self, before: datetime) -> int:
        """Forget updates handled before `before` (platforms stop redelivering within a day); returns how many."""
        result = await self._session.exec(  # type: ignore[call-overload]
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < to_db(before))  # type: ignore[arg-type]
        )
        return int(result.rowcount or 0)
