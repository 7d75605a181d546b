"""The Announcer behind /thongbao: hands one announcement to the broadcast engine in the background.

An announcement is written down (its text and recipients, as a pending row keyed by its
occurrence) before the first send, and deleted when every recipient's row is final. A process
killed mid-way leaves the row and its open claims; the next start resumes the run once the dead
run's claims pass their lease, and the sent-log skips whoever was already marked sent.
"""

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from bot.broadcast import Broadcaster, Deliver, Outgoing
from bot.config import AppConfig
from handlers.clock import Clock
from handlers.types import Address, Reply, reply_from_dict, reply_to_dict
from storage import Store
from storage.deliveries import ANNOUNCE_JOB, CLAIMED, DeliveryRepo
from storage.erasure import ANNOUNCE_RUN
from storage.models_admin import PendingInput

log = logging.getLogger(__name__)

JOB = ANNOUNCE_JOB
KIND = ANNOUNCE_RUN  # the pending row that keeps a running announcement (chat_key: announce-run:<occurrence>)
MARGIN = timedelta(seconds=1)


def _key(occurrence: str) -> str:
    return f"{KIND}:{occurrence}"


class BroadcastAnnouncer:
    """Implements handlers.admin.Announcer over bot.broadcast.Broadcaster (exactly-once, paced, resumable)."""

    def __init__(self, broadcaster: Broadcaster, clock: Clock) -> None:
        self.broadcaster = broadcaster
        self.clock = clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._waiting: set[asyncio.Task[None]] = set()  # the watcher, and resumptions waiting for a lease
        self._mine: set[str] = set()  # occurrences this process is sending or about to resume

    def submit(self, recipients: Sequence[Address], reply: Reply) -> str:
        """Start sending; the admin's chat is answered at once, the sends continue in the background.

        Returns the run's occurrence (its key in the sent-log and of its kept row).
        """
        occurrence = f"{self.clock.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        payload = {"reply": reply_to_dict(reply), "to": [[a.channel, a.chat_id] for a in recipients]}
        self._spawn(self._first_run(occurrence, payload), f"announce-{occurrence}", self._tasks)
        return occurrence

    def _spawn(self, work: Any, name: str, into: set[asyncio.Task[None]]) -> None:
        task = asyncio.create_task(work, name=name)
        into.add(task)
        task.add_done_callback(into.discard)

    async def _first_run(self, occurrence: str, payload: dict[str, Any]) -> None:
        self._mine.add(occurrence)
        async with self.broadcaster.store.unit() as uow:
            await uow.admin.set_pending(_key(occurrence), KIND, payload, self.clock.now())
        await self._run(occurrence, payload)

    async def _run(self, occurrence: str, payload: dict[str, Any]) -> None:
        reply = reply_from_dict(payload["reply"])
        messages = [Outgoing(Address(channel, chat_id), (reply,)) for channel, chat_id in payload["to"]]

        async def build() -> list[Outgoing]:
            return messages

        try:
            report = await self.broadcaster.run_once(JOB, occurrence, build)
            await self._forget_if_done(occurrence)
        except Exception:  # noqa: BLE001 - a background task: log, never crash the loop
            log.exception("announcement %s failed", occurrence)
            return
        finally:
            self._mine.discard(occurrence)
        if report is not None:
            log.info("announcement %s: %d sent, %d unreachable, %d failed, %d skipped", occurrence,
                     len(report.sent), len(report.unreachable), len(report.failed), report.skipped)

    async def _forget_if_done(self, occurrence: str) -> None:
        """Delete the kept announcement once no claim of it is open (here or in another process)."""
        async with self.broadcaster.store.unit() as uow:
            if (await DeliveryRepo(uow.session).statuses(JOB, occurrence)).get(CLAIMED, 0) == 0:
                await uow.admin.clear_pending(_key(occurrence))

    def resume(self) -> None:
        """At start, and every third of the lease: resume each announcement a dead process left half-sent.

        Every worker watches, so a run is resumed even when the process that died never comes back;
        the run's own sent-log row lets only one of them own it.
        """
        self._spawn(self._watch(), "announce-watch", self._waiting)

    def resume_now(self, occurrence: str) -> None:
        """Resume one half-sent announcement now (the desk's «Tiếp tục gửi»), as the watcher would."""
        self._spawn(self._look(occurrence), f"announce-look-{occurrence}", self._waiting)

    async def _watch(self) -> None:
        while True:
            await self._look()
            await asyncio.sleep(max(self.broadcaster.lease.total_seconds() / 3, 0.5))

    async def _look(self, only: str | None = None) -> None:
        try:
            await self._resume_due(only)
        except Exception:  # noqa: BLE001 - a background task: keep watching
            log.exception("looking for half-sent announcements failed")

    async def _resume_due(self, only: str | None = None) -> None:
        """Resume each kept run (or only the one named) that no run of this process is sending."""
        store, lease = self.broadcaster.store, self.broadcaster.lease
        async with store.unit() as uow:
            kept = (await uow.session.exec(select(PendingInput).where(col(PendingInput.kind) == KIND))).all()
            runs = [(row.chat_key.removeprefix(f"{KIND}:"), dict(row.payload)) for row in kept]
            open_claims = {o: latest for j, o, latest in await DeliveryRepo(uow.session).unfinished() if j == JOB}
        for occurrence, payload in runs:
            if only is not None and occurrence != only:
                continue
            if occurrence in self._mine:
                continue  # being sent, or already waiting, in this process
            latest = open_claims.get(occurrence)
            wait = 0.0 if latest is None else (latest + lease + MARGIN - self.clock.now()).total_seconds()
            log.info("announcement %s was left half-sent: resumes in %.0f s", occurrence, max(wait, 0))
            self._mine.add(occurrence)
            self._spawn(self._resume_one(occurrence, payload, wait), f"announce-resume-{occurrence}", self._waiting)

    async def _resume_one(self, occurrence: str, payload: dict[str, Any], wait: float) -> None:
        try:
            if wait > 0:
                await asyncio.sleep(wait)  # the dead run's claims are taken over only after their lease
        except asyncio.CancelledError:
            self._mine.discard(occurrence)
            raise
        self._spawn(self._run(occurrence, payload), f"announce-{occurrence}", self._tasks)

    async def drain(self) -> None:
        """Stop waiting to resume, and wait for every announcement still being sent (shutdown, tests)."""
        for task in list(self._waiting):
            task.cancel()
        await asyncio.gather(*list(self._waiting), return_exceptions=True)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def announcer_for(config: AppConfig, store: Store, deliver: Deliver, clock: Clock) -> BroadcastAnnouncer:
    """The /thongbao announcer with coordination.broadcast's limits: concurrency, lease, a mark after each send."""
    limits = config.coordination.broadcast
    broadcaster = Broadcaster(
        store, deliver, clock, concurrency=limits.concurrency, lease=timedelta(minutes=limits.lease_minutes),
        flush_every=limits.mark_every,
    )
    return BroadcastAnnouncer(broadcaster, clock)
