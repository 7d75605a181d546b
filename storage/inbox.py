"""Polled updates kept from their arrival until they are handled (bot/channels/polling.py)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models_channels import PolledUpdate
from storage.statements import Statement

_FORGET = Statement(delete(PolledUpdate).where(
    PolledUpdate.channel == bindparam("channel"),  # type: ignore[arg-type]
    PolledUpdate.update_id.in_(bindparam("ids", expanding=True))))  # type: ignore[attr-defined]
_PENDING = Statement(select(PolledUpdate.update_id, PolledUpdate.body)  # type: ignore[call-overload]
                     .where(PolledUpdate.channel == bindparam("channel"))  # type: ignore[arg-type]
                     .order_by(PolledUpdate.update_id))
_FORGET_CHUNK = 500  # ids per DELETE (SQLite's limit on parameters is far above)


class InboxRepo:
    """Each channel's polled updates that are not handled yet."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def keep(self, channel: str, updates: Sequence[tuple[int, str]], now: datetime) -> None:
        """Store received updates (id, JSON body). The poller keeps only updates past its offset,
        which it never received before (after a restart, the kept ones are handled first and the
        offset moved past them), so the key never clashes."""
        if not updates:
            return
        received = to_db(now)
        # One executemany (one round trip on PostgreSQL) rather than a statement per update.
        await self._session.exec(insert(PolledUpdate), params=[  # type: ignore[call-overload]
            {"channel": channel, "update_id": update_id, "body": body, "received_at": received}
            for update_id, body in updates])

    async def forget(self, channel: str, update_ids: Iterable[int]) -> None:
        """Drop handled updates."""
        ids = sorted(set(update_ids))
        for start in range(0, len(ids), _FORGET_CHUNK):
            await _FORGET.run(self._session, {"channel": channel, "ids": ids[start:start + _FORGET_CHUNK]})

    async def pending(self, channel: str) -> list[tuple[int, str]]:
        """The updates received and not yet handled, oldest first."""
        return [(int(update_id), body) for update_id, body in await _PENDING.all(self._session, {"channel": channel})]
