"""The Announcer behind /thongbao: hands one announcement to the broadcast engine in the background."""

import asyncio
import logging
import uuid
from collections.abc import Sequence

from bot.broadcast import Broadcaster, Outgoing
from handlers.clock import Clock
from handlers.types import Address, Reply

log = logging.getLogger(__name__)

JOB = "announce"


class BroadcastAnnouncer:
    """Implements handlers.admin.Announcer over bot.broadcast.Broadcaster (exactly-once, paced)."""

    def __init__(self, broadcaster: Broadcaster, clock: Clock) -> None:
        self.broadcaster = broadcaster
        self.clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, recipients: Sequence[Address], reply: Reply) -> int:
        """Start sending; the admin's chat is answered at once, the sends continue in the background."""
        occurrence = f"{self.clock.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        messages = [Outgoing(address, (reply,)) for address in recipients]
        task = asyncio.create_task(self._run(occurrence, messages), name=f"announce-{occurrence}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return len(messages)

    async def _run(self, occurrence: str, messages: list[Outgoing]) -> None:
        try:
            report = await self.broadcaster.run(JOB, occurrence, messages)
        except Exception:  # noqa: BLE001 - a background task: log, never crash the loop
            log.exception("announcement %s failed", occurrence)
            return
        log.info(
            "announcement %s: %d sent, %d unreachable, %d failed",
            occurrence, len(report.sent), len(report.unreachable), len(report.failed),
        )

    async def drain(self) -> None:
        """Wait for every announcement still being sent (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
