"""Long polling that confirms a batch of updates only once every update in it is handled.

Telegram's getUpdates confirms every update below the offset it is given, and never sends a
confirmed update again. aiogram's and python-telegram-bot's own loops both ask for the next batch
(and so confirm this one) while its updates are still being handled, so a crash lost them. Here a
crash leaves the batch unconfirmed: after a restart Telegram sends it again, and the updates
already handled replay their stored replies (processed-update marks) instead of running twice.
One loop for both Telegram libraries, so they behave the same.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

U = TypeVar("U")
RETRY_SECONDS = 1.0  # after a failed getUpdates (not the send backoff: tests skip that one)
CONFIRM_SECONDS = 5  # a stop waits this long at most to confirm the last batch

Fetch = Callable[[int | None], Awaitable[Sequence[U]]]  # getUpdates from this offset (long poll)
Confirm = Callable[[int], Awaitable[object]]  # getUpdates(offset, timeout=0): confirm without waiting


class ConfirmingPoller(Generic[U]):
    """Fetch a batch, handle all of it, then move the offset past it; confirm the last batch at stop."""

    def __init__(
        self, fetch: Fetch[U], handle: Callable[[U], Awaitable[None]], update_id: Callable[[U], int],
        confirm: Confirm, transient: tuple[type[BaseException], ...], name: str = "telegram",
        prepare: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._fetch, self._handle, self._update_id, self._confirm = fetch, handle, update_id, confirm
        self._prepare = prepare  # run once in the task before the first poll (remove a webhook)
        self._transient, self._name = transient, name
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None  # the polled updates being handled
        self.offset: int | None = None  # the next getUpdates offset: confirms every update before it

    def start(self) -> None:
        """Poll in a task until stop()."""
        self._task = asyncio.create_task(self.run(), name=f"{self._name}-polling")

    async def run(self) -> None:
        """Long-poll until cancelled."""
        if self._prepare is not None:
            await self._prepare()
        while True:
            try:
                updates = await self._fetch(self.offset)
            except self._transient as exc:
                log.warning("%s getUpdates failed (%s); trying again", self._name, type(exc).__name__)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            except Exception as exc:  # noqa: BLE001 - a batch the library cannot parse must not end polling
                log.error("%s getUpdates answer refused (%s); trying again", self._name, type(exc).__name__)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if updates:
                self._batch = asyncio.ensure_future(self._handle_batch(updates))
                await asyncio.shield(self._batch)  # a stop lets the batch finish (stop, below)

    async def _handle_batch(self, updates: Sequence[U]) -> None:
        outcomes = await asyncio.gather(*(self._handle(u) for u in updates), return_exceptions=True)
        for update, outcome in zip(updates, outcomes):
            if isinstance(outcome, Exception):
                log.error("%s update %s failed: %s", self._name, self._update_id(update), type(outcome).__name__)
        self.offset = self._update_id(updates[-1]) + 1

    async def stop(self) -> None:
        """Stop polling; on a clean stop let the batch in hand finish, then confirm it, so a restart
        does not get it again."""
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)
        if self.offset is None:
            return
        try:
            await asyncio.wait_for(self._confirm(self.offset), CONFIRM_SECONDS)
        except (*self._transient, asyncio.TimeoutError) as exc:
            log.warning("%s updates not confirmed at stop (%s): they come again, replayed", self._name,
                        type(exc).__name__)
