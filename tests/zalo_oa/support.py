"""An OA channel wired to the fake Zalo OA platform and a fresh store, without the whole app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.channels.zalo_oa import ZaloOAChannel
from bot.channels.zalo_oa_api import OAuthClient, ZaloOAAPI
from bot.channels.zalo_oa_tokens import TokenKeeper
from handlers.types import IncomingMessage, Reply
from storage import Store
from tests.bot.channel_users import OA_APP_ID, OA_APP_SECRET, OA_SECRET_KEY
from tests.fakes.zalo_oa_api import FakeZaloOA
from tests.support import FakeClock


class Recorder:
    """A conversation that records what it gets and echoes it."""

    def __init__(self) -> None:
        self.seen: list[IncomingMessage] = []

    async def __call__(self, msg: IncomingMessage) -> list[Reply]:
        self.seen.append(msg)
        return [Reply(f"echo {msg.text or msg.button_data}")]


async def no_sleep(_seconds: float) -> None:
    return None


def keeper_for(
    store: Store, oa: FakeZaloOA, clock: FakeClock, seed: str | None = None, kind: type[TokenKeeper] = TokenKeeper
) -> TokenKeeper:
    """One worker's token keeper on `store` (close it afterwards)."""
    oauth = OAuthClient(OA_APP_ID, OA_APP_SECRET, base_url=oa.base_url)
    return kind(store, oauth, clock, seed=seed, poll_seconds=0.01)


@dataclass
class Wired:
    oa: FakeZaloOA
    channel: ZaloOAChannel
    keeper: TokenKeeper
    convo: Recorder
    url: str
    clock: FakeClock


@asynccontextmanager
async def wired(store: Store, clock: FakeClock) -> AsyncIterator[Wired]:
    """A fake OA platform, a started channel on its own web server, and an echoing conversation."""
    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa:
        keeper = keeper_for(store, oa, clock, seed=oa.issue_refresh_token())
        convo = Recorder()
        channel = ZaloOAChannel(
            ZaloOAAPI(keeper, base_url=oa.base_url), convo, app_id=OA_APP_ID, secret_key=OA_SECRET_KEY,
            clock=clock, keeper=keeper, sleep=no_sleep, max_event_age=timedelta(minutes=5),
        )
        app = web.Application()
        channel.mount(app)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        await channel.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}{channel.webhook_path}"
        try:
            yield Wired(oa, channel, keeper, convo, url, clock)
        finally:
            await channel.stop()
            await runner.cleanup()
