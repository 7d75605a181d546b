"""The seam every channel adapter implements for outgoing messages."""

from typing import Protocol

from handlers.types import Address, Reply


class OutboundChannel(Protocol):
    """Something that can deliver a Reply to an address on its channel.

    `send` retries what is worth retrying (429 retry_after, 5xx, timeouts) and raises
    bot.errors.RecipientUnreachable (blocked/never started), PermanentChannelError (bad request)
    or TransientChannelError (gave up) otherwise.
    """

    name: str

    async def send(self, address: Address, reply: Reply) -> None: ...
