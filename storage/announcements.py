"""What the desk shows of /thongbao runs: the audit line that started each, its kept run, its sent-log rows.

An announcement is started by an audit line (action `thongbao`, its code the run's occurrence), kept
as a pending row while any recipient is unmarked (bot/announce.py), and counted in the sent-log
(job `announce`). A finished run has no kept row left: its audit line and sent-log rows remain.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import from_db
from storage.deliveries import ANNOUNCE_JOB, CLAIMED, RUN_MARKER
from storage.erasure import ANNOUNCE_RUN
from storage.models_admin import AuditEntry, PendingInput
from storage.models_coordination import Delivery
from storage.secret import recipient_key, secret_of

STARTED = "thongbao"  # the audit action of a confirmed /thongbao (handlers/admin/announce.py)


@dataclass
class AnnouncementRun:
    """One run as stored: who started it, what is kept of it, and its recipients' rows per status."""

    occurrence: str
    started_at: datetime
    started_by: str = ""  # channel:chat_id of the admin ("" when the audit line is missing)
    detail: str = ""  # the audit line's detail (target, count, the text's beginning)
    kept: dict[str, Any] | None = None  # the kept run's payload while it is unfinished
    counts: dict[str, int] = field(default_factory=dict)  # recipients' rows per status (the run's own row apart)
    run_status: str | None = None  # the run's own row: claimed while a run owns it, sent when it ended
    latest_claim: datetime | None = None  # the freshest open claim (a live run renews its claims)


class AnnouncementRepo:
    """Reads the latest announcements with their progress (nothing is written here)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._run_key = recipient_key(secret_of(session), RUN_MARKER)

    async def latest(self, limit: int = 30) -> list[AnnouncementRun]:
        """The `limit` latest runs, newest first, with every unfinished run among them."""
        runs = {run.occurrence: run for run in await self._started(limit)}
        for row in (await self._session.exec(select(PendingInput).where(col(PendingInput.kind) == ANNOUNCE_RUN))).all():
            occurrence = row.chat_key.removeprefix(f"{ANNOUNCE_RUN}:")
            run = runs.setdefault(occurrence, AnnouncementRun(occurrence, from_db(row.created_at)))
            run.kept = dict(row.payload)
        await self._progress(runs)
        return sorted(runs.values(), key=lambda r: (r.started_at, r.occurrence), reverse=True)

    async def _started(self, limit: int) -> Sequence[AnnouncementRun]:
        query = (
            select(AuditEntry)
            .where(col(AuditEntry.action) == STARTED, col(AuditEntry.allowed), col(AuditEntry.question_code).is_not(None))
            .order_by(col(AuditEntry.id).desc())
            .limit(limit)
        )
        return [
            AnnouncementRun(str(line.question_code), from_db(line.created_at), line.actor, line.detail)
            for line in (await self._session.exec(query)).all()
        ]

    async def _progress(self, runs: dict[str, AnnouncementRun]) -> None:
        """Recipients' rows per status, then each run's own row (its status, and its claim if still open)."""
        if not runs:
            return
        of_these = (col(Delivery.job) == ANNOUNCE_JOB, col(Delivery.occurrence).in_(list(runs)))
        grouped = await self._session.exec(
            select(Delivery.occurrence, Delivery.status, func.count(), func.max(Delivery.claimed_at))  # type: ignore[call-overload]
            .where(*of_these, col(Delivery.recipient) != self._run_key)
            .group_by(Delivery.occurrence, Delivery.status)
        )
        for occurrence, status, count, latest in grouped.all():
            runs[occurrence].counts[status] = count
            if status == CLAIMED:
                self._claimed(runs[occurrence], from_db(latest))
        own = await self._session.exec(
            select(Delivery.occurrence, Delivery.status, Delivery.claimed_at)  # type: ignore[call-overload]
            .where(*of_these, col(Delivery.recipient) == self._run_key)
        )
        for occurrence, status, claimed_at in own.all():
            runs[occurrence].run_status = status
            if status == CLAIMED:
                self._claimed(runs[occurrence], from_db(claimed_at))

    @staticmethod
    def _claimed(run: AnnouncementRun, moment: datetime) -> None:
        run.latest_claim = moment if run.latest_claim is None else max(run.latest_claim, moment)
