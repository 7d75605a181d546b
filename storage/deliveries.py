"""The sent-log: claim a (job, occurrence, recipient) row before sending, mark it after."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import from_db, to_db
from storage.models_coordination import Delivery
from storage.secret import recipient_key, secret_of
from storage.upsert import insert_for

CLAIMED, SENT, UNREACHABLE, FAILED = "claimed", "sent", "unreachable", "failed"
FINAL = (SENT, UNREACHABLE)
RUN_MARKER = "run:"  # the sent-log row of a whole run (no address looks like this)
ANNOUNCE_JOB = "announce"  # the sent-log job of /thongbao runs (bot/announce.py)


class DeliveryRepo:
    """Exactly-once bookkeeping shared by every process on one database."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._secret = secret_of(session)

    def _key(self, recipient: str) -> str:
        """What the sent-log keeps of an address: a keyed pseudonym (a bare hash of an enumerable
        chat id could be reversed by trying every id)."""
        return recipient_key(self._secret, recipient)

    def _insert(self) -> sqlite.Insert | postgresql.Insert:
        return insert_for(self._session, Delivery)

    async def claim(
        self, job: str, occurrence: str, recipients: Sequence[str], now: datetime, lease: timedelta
    ) -> set[str]:
        """The recipients this caller now owns: new rows, failed ones, or claims older than `lease`."""
        keys = {self._key(r): r for r in recipients}
        if not keys:
            return set()
        rows = [
            {"job": job, "occurrence": occurrence, "recipient": k, "status": CLAIMED, "attempts": 1,
             "claimed_at": to_db(now)}
            for k in keys
        ]
        statement = (
            self._insert()
            .values(rows)
            .on_conflict_do_nothing(index_elements=["job", "occurrence", "recipient"])
            .returning(col(Delivery.recipient))
        )
        owned = {keys[k] for k in (await self._session.exec(statement)).scalars().all()}  # type: ignore[call-overload]
        rest = [k for k in keys if keys[k] not in owned]
        if rest:
            owned |= {keys[k] for k in await self._take_over(job, occurrence, rest, now, lease)}
        await self._session.flush()
        return owned

    async def _take_over(
        self, job: str, occurrence: str, keys: list[str], now: datetime, lease: timedelta
    ) -> list[str]:
        """Re-claim failed rows and abandoned claims; the attempts counter guards against races."""
        found = await self._session.exec(
            select(Delivery).where(
                Delivery.job == job, Delivery.occurrence == occurrence, col(Delivery.recipient).in_(keys)
            )
        )
        taken = []
        for row in found.all():
            stale = row.status == CLAIMED and from_db(row.claimed_at) < now - lease
            if row.status != FAILED and not stale:
                continue
            result = await self._session.exec(
                update(Delivery)  # type: ignore[call-overload]
                .where(col(Delivery.id) == row.id, col(Delivery.attempts) == row.attempts)
                .values(status=CLAIMED, attempts=row.attempts + 1, claimed_at=to_db(now), error=None)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                taken.append(row.recipient)
        return taken

    async def renew(self, job: str, occurrence: str, recipients: Sequence[str], now: datetime) -> None:
        """Keep the claims a live run still holds fresh, so a slow run is never taken for a dead one."""
        keys = [self._key(r) for r in recipients]
        for start in range(0, len(keys), 500):
            await self._session.exec(
                update(Delivery)  # type: ignore[call-overload]
                .where(col(Delivery.job) == job, col(Delivery.occurrence) == occurrence)
                .where(col(Delivery.recipient).in_(keys[start : start + 500]), col(Delivery.status) == CLAIMED)
                .values(claimed_at=to_db(now))
                .execution_options(synchronize_session=False)
            )

    async def finish(
        self, job: str, occurrence: str, outcomes: Iterable[tuple[str, str, str | None]], now: datetime
    ) -> None:
        """Record (recipient, status, error) for claimed rows (one statement per status without error)."""
        plain: dict[str, list[str]] = {}
        for recipient, status, error in outcomes:
            if error:
                await self._update(job, occurrence, [self._key(recipient)], now, status, error[:200])
            else:
                plain.setdefault(status, []).append(self._key(recipient))
        for status, keys in plain.items():
            for start in range(0, len(keys), 500):
                await self._update(job, occurrence, keys[start : start + 500], now, status, None)
        await self._session.flush()

    async def _update(
        self, job: str, occurrence: str, keys: list[str], now: datetime, status: str, error: str | None
    ) -> None:
        await self._session.exec(
            update(Delivery)  # type: ignore[call-overload]
            .where(col(Delivery.job) == job, col(Delivery.occurrence) == occurrence, col(Delivery.recipient).in_(keys))
            .values(status=status, finished_at=to_db(now), error=error)
            .execution_options(synchronize_session=False)
        )

    async def statuses(self, job: str, occurrence: str) -> dict[str, int]:
        """How many rows of an occurrence are in each status."""
        result = await self._session.exec(
            select(Delivery.status).where(Delivery.job == job, Delivery.occurrence == occurrence)
        )
        counts: dict[str, int] = {}
        for status in result.all():
            counts[status] = counts.get(status, 0) + 1
        return counts

    async def unfinished(self) -> list[tuple[str, str, datetime]]:
        """(job, occurrence, latest claim) of every occurrence with claims not yet marked (a crashed run)."""
        result = await self._session.exec(
            select(Delivery.job, Delivery.occurrence, func.max(Delivery.claimed_at))  # type: ignore[call-overload]
            .where(Delivery.status == CLAIMED)
            .group_by(Delivery.job, Delivery.occurrence)
        )
        return [(job, occurrence, from_db(latest)) for job, occurrence, latest in result.all()]
