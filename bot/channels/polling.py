"""Long polling that never lets Telegram forget an update before it is handled or kept.

Telegram's getUpdates confirms every update below the offset it is given, and never sends a
confirmed update again. aiogram's and python-telegram-bot's own loops both ask for the next batch
(and so confirm this one) while its updates are still being handled, so a crash lost them. One
loop here serves both Telegram libraries, so they behave the same, in one of two ways:

- With an inbox (`Kept`, what the app uses): each batch is written to the database
  (storage/inbox.py) before anything else, then handed to the dispatcher, and the next batch is
  asked for at once, so the batches overlap. The next getUpdates confirms a batch only once it is
  kept; a row is deleted once its update is handled. After a crash the restarted bot handles what
  is left in the inbox before it polls again. One chat's updates are still handled one after
  another, in order, and at most `MAX_IN_FLIGHT` at once.
- Without one: a batch is handled whole before the offset moves past it, so a crash leaves the
  batch unconfirmed and Telegram sends it again. An update had to wait for the whole batch
  before it, and the bot's core sat idle while each getUpdates went out and came back (about an
  eighth of the time at 500 updates/s, bench/pipeline.py --rate).

Either way an update handled twice (sent again after a crash) replays its stored replies instead
of running again (the dispatcher's processed-update marks).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from handlers.clock import Clock
from storage import Store

log = logging.getLogger(__name__)

U = TypeVar("U")
RETRY_SECONDS = 1.0  # after a failed getUpdates (not the send backoff: tests skip that one)
CONFIRM_SECONDS = 5  # a stop waits this long at most to confirm the last batch
MAX_IN_FLIGHT = 100  # updates being handled at once (Telegram's own limit per getUpdates and per webhook)
GATHER_SECONDS = 0.05  # while updates are in hand, ask for the next batch at most this often (bench: 0.02 gave p99 0.95-1.19 s at 500/s, 0.05 and 0.1 under 250 ms)
FORGET_SECONDS = 1.0  # once idle, drop the handled updates from the inbox after this long

Fetch = Callable[[int | None], Awaitable[Sequence[U]]]  # getUpdates from this offset (long poll)
Confirm = Callable[[int], Awaitable[object]]  # getUpdates(offset, timeout=0): confirm without waiting


class Inbox(Protocol):
    """Where polled updates wait until they are handled."""

    async def keep(self, channel: str, updates: list[tuple[int, str]], forget: list[int]) -> None:
        """Store `updates` (id, JSON) and drop the handled `forget`, in one transaction."""

    async def forget(self, channel: str, update_ids: list[int]) -> None:
        """Drop handled updates."""

    async def pending(self, channel: str) -> list[tuple[int, str]]:
        """Kept updates not handled yet, oldest first."""


class StoreInbox:
    """`Inbox` in the app's database (storage/inbox.py)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store, self._clock = store, clock

    async def keep(self, channel: str, updates: list[tuple[int, str]], forget: list[int]) -> None:
        async with self._store.unit() as uow:
            if forget:
                await uow.inbox.forget(channel, forget)
            await uow.inbox.keep(channel, updates, self._clock.now())

    async def forget(self, channel: str, update_ids: list[int]) -> None:
        async with self._store.unit() as uow:
            await uow.inbox.forget(channel, update_ids)

    async def pending(self, channel: str) -> list[tuple[int, str]]:
        async with self._store.unit() as uow:
            return await uow.inbox.pending(channel)


@dataclass(frozen=True)
class Kept(Generic[U]):
    """How a library's updates are kept: the inbox, and the update as JSON, back, and its chat."""

    inbox: Inbox
    channel: str
    dump: Callable[[U], str]
    load: Callable[[str], U]
    chat_of: Callable[[U], Hashable | None]  # updates of one chat are handled in order


async def replay_kept(
    inbox: Inbox, channel: str, load: Callable[[str], U], handle: Callable[[U], Awaitable[None]], name: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> list[int]:
    """Handle, one at a time and in order, what a stopped process kept and did not finish, then drop
    it; the kept numbers (none: nothing was left). For every channel that keeps what it polls
    (Telegram's poller here, Zalo's in bot/channels/zalo.py). Nothing is polled before the inbox is
    read: a kept update would be overtaken by a newer one of its chat."""
    while True:
        try:
            rows = await inbox.pending(channel)
            break
        except Exception as exc:  # noqa: BLE001 - the database may be starting
            log.error("%s inbox not read (%s); trying again", name, type(exc).__name__)
            await sleep(RETRY_SECONDS)
    if not rows:
        return []
    log.warning("%s: %d updates received before a restart and not handled: handling them first", name, len(rows))
    for number, body in rows:
        try:
            update = load(body)
        except Exception as exc:  # noqa: BLE001 - a row the library cannot read is dropped, not retried forever
            log.error("%s kept update %s unreadable (%s): dropped", name, number, type(exc).__name__)
            continue
        try:
            await handle(update)
        except Exception as exc:  # noqa: BLE001 - one update's failure is logged; the rest go on
            log.error("%s update %s failed: %s", name, number, type(exc).__name__)
    numbers = [number for number, _ in rows]
    try:
        await inbox.forget(channel, numbers)
    except Exception as exc:  # noqa: BLE001 - left in the inbox: the next start replays their stored replies
        log.warning("%s replayed updates not dropped from the inbox (%s)", name, type(exc).__name__)
    return numbers


class ConfirmingPoller(Generic[U]):
    """Fetch a batch, keep it (or handle all of it), then move the offset past it; confirm at stop."""

    def __init__(
        self, fetch: Fetch[U], handle: Callable[[U], Awaitable[None]], update_id: Callable[[U], int],
        confirm: Confirm, transient: tuple[type[BaseException], ...], name: str = "telegram",
        prepare: Callable[[], Awaitable[object]] | None = None, kept: Kept[U] | None = None,
    ) -> None:
        self._fetch, self._handle, self._update_id, self._confirm = fetch, handle, update_id, confirm
        self._prepare = prepare  # run once in the task before the first poll (remove a webhook)
        self._transient, self._name = transient, name
        self._kept = kept
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None  # without an inbox: the polled updates being handled
        self._running: dict[int, asyncio.Task[None]] = {}  # with one: update id → its handling
        self._tails: dict[Hashable, asyncio.Task[None]] = {}  # chat → its last update's handling
        self._handled: list[int] = []  # handled, still in the inbox
        self._room = asyncio.Event()  # set when fewer than MAX_IN_FLIGHT are being handled
        self._room.set()
        self._idle = asyncio.Event()  # set when no update is being handled
        self._idle.set()
        self._forgetting: asyncio.Task[None] | None = None
        self.offset: int | None = None  # the next getUpdates offset: confirms every update before it

    def start(self) -> None:
        """Poll in a task until stop()."""
        self._task = asyncio.create_task(self.run(), name=f"{self._name}-polling")

    async def run(self) -> None:
        """Long-poll until cancelled."""
        if self._prepare is not None:
            await self._prepare()
        if self._kept is not None:
            await self._replay(self._kept)
        while True:
            await self._room.wait()
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
            fresh = [u for u in updates if self.offset is None or self._update_id(u) >= self.offset]
            if not fresh:
                continue
            if self._kept is not None and await self._keep(self._kept, fresh):
                self.offset = self._update_id(fresh[-1]) + 1
                for update in fresh:
                    self._start(self._kept, update)
                await self._gather()
                continue
            self._batch = asyncio.ensure_future(self._handle_batch(fresh))
            await asyncio.shield(self._batch)  # a stop lets the batch finish (stop, below)

    async def _handle_batch(self, updates: Sequence[U]) -> None:
        outcomes = await asyncio.gather(*(self._handle(u) for u in updates), return_exceptions=True)
        for update, outcome in zip(updates, outcomes):
            if isinstance(outcome, Exception):
                log.error("%s update %s failed: %s", self._name, self._update_id(update), type(outcome).__name__)
        self.offset = self._update_id(updates[-1]) + 1

    async def _keep(self, kept: Kept[U], updates: Sequence[U]) -> bool:
        """Write the batch to the inbox (and drop what was handled since the last one); False when
        the database refused: this batch is then handled whole before the offset moves."""
        forget = list(self._handled)
        try:
            await kept.inbox.keep(kept.channel, [(self._update_id(u), kept.dump(u)) for u in updates], forget)
        except Exception as exc:  # noqa: BLE001 - not kept: fall back to handling before confirming
            log.error("%s updates not kept (%s): this batch is handled before the next is asked for",
                      self._name, type(exc).__name__)
            return False
        self._drop_handled(forget)
        return True

    async def _gather(self) -> None:
        """Before asking for more: at once when nothing is left to handle (the core is free, so an
        update waiting at Telegram should come now), else after GATHER_SECONDS, so that a busy bot
        asks once for several updates instead of once for each (each getUpdates costs CPU)."""
        try:  # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow a stop's cancellation
            async with asyncio.timeout(GATHER_SECONDS):
                await self._idle.wait()
        except TimeoutError:
            pass

    def _drop_handled(self, forgotten: list[int]) -> None:
        gone = set(forgotten)
        self._handled = [n for n in self._handled if n not in gone]

    def _start(self, kept: Kept[U], update: U) -> None:
        """Handle `update` in a task of its own, after the chat's previous update."""
        number, chat = self._update_id(update), kept.chat_of(update)
        before = self._tails.get(chat) if chat is not None else None
        task = asyncio.ensure_future(self._one(update, number, before))
        self._running[number] = task
        self._idle.clear()
        if chat is not None:
            self._tails[chat] = task
        if len(self._running) >= MAX_IN_FLIGHT:
            self._room.clear()
        task.add_done_callback(lambda done, number=number, chat=chat: self._finished(number, chat, done))

    async def _one(self, update: U, number: int, before: "asyncio.Task[None] | None") -> None:
        if before is not None:
            await asyncio.wait([before])  # its outcome is its own
        try:
            await self._handle(update)
        except Exception as exc:  # noqa: BLE001 - one update's failure is logged; the rest go on
            log.error("%s update %s failed: %s", self._name, number, type(exc).__name__)

    def _finished(self, number: int, chat: Hashable | None, task: "asyncio.Task[None]") -> None:
        self._running.pop(number, None)
        if chat is not None and self._tails.get(chat) is task:
            del self._tails[chat]
        self._handled.append(number)
        if len(self._running) < MAX_IN_FLIGHT:
            self._room.set()
        if not self._running:
            self._idle.set()
            if self._forgetting is None or self._forgetting.done():
                self._forgetting = asyncio.ensure_future(self._forget_later())

    async def _forget_later(self) -> None:
        """Once idle for FORGET_SECONDS, drop the handled updates (under load each keep does it)."""
        await asyncio.sleep(FORGET_SECONDS)
        if not self._running:
            await self._forget()

    async def _forget(self) -> None:
        """Drop the handled updates from the inbox (when idle; under load the next keep does it)."""
        kept, forget = self._kept, list(self._handled)
        if kept is None or not forget:
            return
        try:
            await kept.inbox.forget(kept.channel, forget)
        except Exception as exc:  # noqa: BLE001 - left in the inbox: a restart replays their stored replies
            log.warning("%s handled updates not dropped from the inbox (%s)", self._name, type(exc).__name__)
            return
        self._drop_handled(forget)

    async def replay(self) -> None:
        """Handle what a stopped process kept and did not finish, without polling afterwards: for
        a bot that restarts in webhook mode after polling (its inbox is read only here)."""
        if self._kept is not None:
            await self._replay(self._kept)

    async def _replay(self, kept: Kept[U]) -> None:
        """Handle what a stopped process kept, then poll from past it."""
        numbers = await replay_kept(kept.inbox, kept.channel, kept.load, self._handle, self._name)
        if numbers:
            self.offset = max(numbers) + 1

    async def _settle(self) -> None:
        """Wait for every update being handled."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)

    async def stop(self) -> None:
        """Stop polling; on a clean stop let the updates in hand finish, then confirm them, so a
        restart does not get them again."""
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
        await self._settle()
        if self._forgetting is not None:
            self._forgetting.cancel()
            await asyncio.gather(self._forgetting, return_exceptions=True)
        await self._forget()
        if self.offset is None:
            return
        try:
            await asyncio.wait_for(self._confirm(self.offset), CONFIRM_SECONDS)
        except (*self._transient, asyncio.TimeoutError) as exc:
            log.warning("%s updates not confirmed at stop (%s): they come again, replayed", self._name,
                        type(exc).__name__)
