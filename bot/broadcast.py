"""Send many messages exactly once: claim in the sent-log, send through the app's channels, mark.

Claims are taken in chunks ahead of the senders, outcomes are written in small batches, and a
claim left unsent by a crash is taken over after the lease. Pacing and inline retries (429
retry_after, 5xx, timeouts) belong to the channel adapter and its shared Pacer; this engine owns
concurrency, persistence and what a failure means for the recipient.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.errors import ChannelError, RecipientUnreachable
from handlers.clock import Clock
from handlers.types import Address, Reply
from storage import Store
from storage.coordination import CoordinationRepo
from storage.deliveries import CLAIMED, FAILED, RUN_MARKER, SENT, UNREACHABLE, DeliveryRepo

log = logging.getLogger(__name__)

Deliver = Callable[[Address, Reply], Awaitable[None]]
_DONE = None


@dataclass(frozen=True)
class Outgoing:
    """Everything one recipient gets in one job occurrence (one sent-log row)."""

    address: Address
    replies: tuple[Reply, ...]


@dataclass
class BroadcastReport:
    """What happened to each recipient in this run."""

    sent: list[Address] = field(default_factory=list)
    unreachable: list[Address] = field(default_factory=list)
    failed: list[Address] = field(default_factory=list)
    skipped: int = 0  # done before, or owned by another process right now


class Broadcaster:
    """Runs one (job, occurrence) over its recipients.

    `chunk` stays small: claiming a chunk builds one multi-row INSERT on the event loop, and a
    long claim stalls every sender the pacer is spacing (200 rows took ~20 ms, 50 take ~5).
    """

    def __init__(
        self, store: Store, deliver: Deliver, clock: Clock, *, concurrency: int = 8,
        lease: timedelta = timedelta(minutes=10), chunk: int = 50, flush_every: int = 25,
    ) -> None:
        self.store, self.deliver, self.clock = store, deliver, clock
        self.concurrency, self.lease, self.chunk, self.flush_every = concurrency, lease, chunk, flush_every

    async def run_once(
        self, job: str, occurrence: str, build: Callable[[], Awaitable[Sequence[Outgoing]]]
    ) -> BroadcastReport | None:
        """Run a job occurrence unless another run owns it or finished it (None then).

        A run claims a row of its own first; a run that crashed is taken over after the lease and
        resumes, its recipients' rows skipping whoever was already sent to.
        """
        run_key = [RUN_MARKER]
        async with self.store.unit() as uow:
            owned = await DeliveryRepo(uow.session).claim(job, occurrence, run_key, self.clock.now(), self.lease)
        if not owned:
            log.info("%s/%s already done or running elsewhere", job, occurrence)
            return None
        async with self._renewing(job, occurrence, {RUN_MARKER}):  # a long build must not look dead
            messages = await build()
        report = await self.run(job, occurrence, messages, held=(RUN_MARKER,))
        async with self.store.unit() as uow:
            repo = DeliveryRepo(uow.session)
            if (await repo.statuses(job, occurrence)).get(CLAIMED, 0) > 1:
                # Someone else's claims are still open (a crashed run's): leave ours open too, so
                # the run is taken over after the lease and those recipients are not orphaned.
                log.warning("%s/%s: recipients still claimed elsewhere; the run stays open", job, occurrence)
                return report
            await repo.finish(job, occurrence, [(RUN_MARKER, SENT, None)], self.clock.now())
        return report

    async def run(
        self, job: str, occurrence: str, messages: Sequence[Outgoing], *, held: Sequence[str] = ()
    ) -> BroadcastReport:
        """Send each message whose recipient this process can claim; returns the outcome.

        Claims wait in the queue behind the pacer, which at Telegram's pace can take longer than
        the lease; so while the run lives it renews what it holds (and `held`, the run's own row)
        every third of the lease. Only a dead run's claims go stale and are taken over.
        """
        report = BroadcastReport()
        queue: asyncio.Queue[Outgoing | None] = asyncio.Queue(maxsize=self.chunk * 2)
        pending: list[tuple[Address, str, str | None]] = []
        lock = asyncio.Lock()
        claimed: set[str] = set(held)  # claimed by this run and not yet marked

        async def produce() -> None:
            try:
                for start in range(0, len(messages), self.chunk):
                    batch = messages[start : start + self.chunk]
                    owned = await self._claim(job, occurrence, batch)
                    claimed.update(owned)
                    report.skipped += len(batch) - len(owned)
                    for message in batch:
                        if str(message.address) in owned:
                            await queue.put(message)
            finally:
                for _ in range(self.concurrency):
                    await queue.put(_DONE)

        async def work() -> None:
            while (message := await queue.get()) is not _DONE:
                status, error = await self._send(message)
                pending.append((message.address, status, error))
                {SENT: report.sent, UNREACHABLE: report.unreachable}.get(status, report.failed).append(message.address)
                if len(pending) >= self.flush_every:
                    # Wait for a flush in progress rather than skip it: with mark_every 1 no worker takes
                    # its next message before its last outcome is written, so a crash re-sends at most
                    # `concurrency` messages (a skip let outcomes pile up behind a slow commit: 12 of 8).
                    async with lock:
                        if len(pending) >= self.flush_every:
                            await self._flush(job, occurrence, pending, claimed)

        async with self._renewing(job, occurrence, claimed):
            await asyncio.gather(produce(), *(work() for _ in range(self.concurrency)))
            async with lock:
                await self._flush(job, occurrence, pending, claimed)
        log.info("broadcast %s/%s: %d sent, %d unreachable, %d failed, %d skipped", job, occurrence,
                 len(report.sent), len(report.unreachable), len(report.failed), report.skipped)
        return report

    @contextlib.asynccontextmanager
    async def _renewing(self, job: str, occurrence: str, held: set[str]) -> AsyncIterator[None]:
        """While the block runs, renew the claims in `held` (a live set) every third of the lease."""

        async def keep_fresh() -> None:
            while True:
                await asyncio.sleep(max(self.lease.total_seconds() / 3, 0.1))
                if held:
                    async with self.store.unit() as uow:
                        await DeliveryRepo(uow.session).renew(job, occurrence, list(held), self.clock.now())

        heartbeat = asyncio.create_task(keep_fresh(), name=f"renew {job}/{occurrence}")
        try:
            yield
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _claim(self, job: str, occurrence: str, batch: Sequence[Outgoing]) -> set[str]:
        async with self.store.unit() as uow:
            return await DeliveryRepo(uow.session).claim(
                job, occurrence, [str(m.address) for m in batch], self.clock.now(), self.lease
            )

    async def _send(self, message: Outgoing) -> tuple[str, str | None]:
        """Deliver every reply; the adapter has already retried what was worth retrying."""
        try:
            for reply in message.replies:
                await self.deliver(message.address, reply)
        except RecipientUnreachable as exc:
            return UNREACHABLE, str(exc)
        except ChannelError as exc:
            log.warning("send to a %s recipient failed: %s", message.address.channel, type(exc).__name__)
            return FAILED, f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - the job's boundary: one bad send must not stop the rest
            log.exception("unexpected error sending to a %s recipient", message.address.channel)
            return FAILED, f"{type(exc).__name__}: {exc}"
        return SENT, None

    async def _flush(
        self, job: str, occurrence: str, pending: list[tuple[Address, str, str | None]], claimed: set[str]
    ) -> None:
        """Write outcomes; a blocked youth becomes unreachable in the same transaction."""
        if not pending:
            return
        batch, pending[:] = list(pending), []
        async with self.store.unit() as uow:
            await DeliveryRepo(uow.session).finish(
                job, occurrence, [(str(a), s, e) for a, s, e in batch], self.clock.now()
            )
            repo = CoordinationRepo(uow.session)
            for address, status, _ in batch:
                if status == UNREACHABLE:
                    await repo.mark_unreachable(address.channel, address.chat_id)
        claimed.difference_update(str(a) for a, _, _ in batch)
