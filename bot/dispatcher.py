"""The single error boundary: dedupe, one transaction per message, polite failure."""

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError

from bot.errors import ChannelError
from bot.flood import Flood, FloodGuard, Verdict
from bot.locks import lock_chat

from handlers import texts
from handlers.clock import Clock
from handlers.conversation import Conversation
from handlers.types import Address, IncomingMessage, Reply, coalesce, reply_from_dict, reply_to_dict
from storage import ProcessedUpdate, Store

log = logging.getLogger(__name__)
_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)

Outbound = Callable[[Address, Reply], Awaitable[None]]  # App.deliver


class _ChatLocks:
    """One lock per chat so a youth's rapid messages are handled in order (bounded LRU)."""

    def __init__(self, size: int = 10_000) -> None:
        self._locks: OrderedDict[Address, asyncio.Lock] = OrderedDict()
        self._size = size

    def get(self, address: Address) -> asyncio.Lock:
        lock = self._locks.pop(address, None) or asyncio.Lock()
        self._locks[address] = lock
        while len(self._locks) > self._size:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            del self._locks[oldest]
        return lock


class Dispatcher:
    """Turns an incoming message into replies, exactly once per update id."""

    def __init__(self, store: Store, conversation: Conversation, clock: Clock, outbound: Outbound | None = None) -> None:
        self.store = store
        self.conversation = conversation
        self.clock = clock
        self.outbound = outbound  # delivers replies addressed to someone else (an answer to a youth)
        self._locks = _ChatLocks()
        limits = conversation.settings.limits
        self.flood: Flood = FloodGuard(clock, limits.flood_messages, limits.flood_window_seconds)  # or Redis

    async def handle(self, msg: IncomingMessage) -> list[Reply]:
        """Replies for `msg`; a redelivered update gets the replies it got the first time."""
        async with self._locks.get(msg.address):
            try:
                replies = coalesce(await self._handle(msg))
            except IntegrityError as exc:
                if duplicate_update(exc):
                    # A twin of this update was recorded after our read: its handler sends the replies.
                    log.info("update %s on %s handled concurrently elsewhere", msg.update_id, msg.address.channel)
                    return []
                # Any other constraint is a real failure: rolled back, reported, and the sender told.
                log.error("a %s message on %s broke a database constraint (table %s, %s)", msg.kind.value,
                          msg.address.channel, _table_of(exc) or "?", type(exc.orig).__name__)
                log.debug("the constraint failure", exc_info=True)  # its parameters may hold youth text
                return [Reply(texts.INTERNAL_ERROR)]
            except Exception:
                log.exception("failed to handle a %s message on %s", msg.kind.value, msg.address.channel)
                return [Reply(texts.INTERNAL_ERROR)]
            await self._deliver_elsewhere([r for r in replies if not _for_sender(r, msg)])
        return [r for r in replies if _for_sender(r, msg)]

    async def _deliver_elsewhere(self, replies: list[Reply]) -> None:
        """Send replies meant for other people; a failure leaves what was stored for them to read later."""
        for reply in replies:
            assert reply.address is not None
            if self.outbound is None:
                log.warning("no outbound channel: a reply to %s was dropped", reply.address.channel)
                continue
            try:
                await self.outbound(reply.address, reply)
            except ChannelError as exc:
                log.info("reply to a chat on %s not delivered: %s", reply.address.channel, type(exc).__name__)
            except Exception:
                log.exception("reply to a chat on %s failed", reply.address.channel)

    async def _handle(self, msg: IncomingMessage) -> list[Reply]:
        channel = msg.address.channel
        async with self.store.unit() as uow:
            await lock_chat(uow.session, msg.address)  # orders one chat's updates across processes
            cached = await uow.open_chat(channel, msg.address.chat_id, msg.update_id)  # + the chat's rows
            if cached is not None:
                log.info("redelivered update on %s dropped", channel)
                return [reply_from_dict(r) for r in cached]
            # After the redelivery check: a platform re-sending an update is not the youth flooding.
            verdict = await self.flood.verdict(msg.address)
            if verdict is not Verdict.PASS:
                log.info("flood from a chat on %s: %s", channel, verdict.value)
                return [Reply(texts.FLOOD)] if verdict is Verdict.WARN else []
            replies = await self.conversation.handle(msg, uow)
            if msg.update_id is not None:
                stored = [reply_to_dict(r) for r in replies if _for_sender(r, msg)]
                await uow.updates.record(channel, msg.update_id, str(msg.address), stored, self.clock.now())
        return replies


def duplicate_update(exc: IntegrityError) -> bool:
    """Whether the failure is the processed-update key's uniqueness (SQLite's or PostgreSQL's wording)."""
    reason = str(exc.orig).lower()
    unique = "unique constraint failed" in reason or "duplicate key" in reason
    return unique and _table_of(exc) == ProcessedUpdate.__table__.name  # type: ignore[attr-defined]


def _table_of(exc: IntegrityError) -> str | None:
    """The table the failed statement wrote to (lower case), if it names one."""
    match = _TABLE.match(exc.statement or "")
    return match.group(1).lower() if match else None


def _for_sender(reply: Reply, msg: IncomingMessage) -> bool:
    """Whether a reply goes back to the chat that sent `msg`."""
    return reply.address is None or reply.address == msg.address
