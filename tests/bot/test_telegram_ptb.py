"""The python-telegram-bot adapter's error mapping and webhook mode against the fake Bot API."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.channels.telegram_ptb import PtbChannel
from bot.errors import PermanentChannelError, RecipientUnreachable, TransientChannelError
from bot.pacing import Pacer
from handlers.types import Address, Button, IncomingMessage, Reply
from tests.fakes.telegram_api import FakeTelegramAPI

TOKEN = "123456:TEST-token"
SECRET = "ptb-webhook-secret"


class Echo:
    def __init__(self) -> None:
        self.seen: list[IncomingMessage] = []

    async def __call__(self, msg: IncomingMessage) -> list[Reply]:
        self.seen.append(msg)
        return [Reply(f"echo {msg.text}", ((Button("Có", "yes"),),))]


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(TOKEN) as fake:
        yield fake


async def test_send_maps_errors_and_retries(api: FakeTelegramAPI) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    channel = PtbChannel(TOKEN, Echo(), api_base=api.base_url, sleep=sleep)
    await channel.application.initialize()
    try:
        api.fail_next("sendMessage", 429, retry_after=3)
        api.fail_next("sendMessage", 500)
        await channel.send(Address("telegram", "42"), Reply("xin chào", ((Button("Có", "yes"),),)))
        [sent] = api.sent_messages(42)
        assert sent["text"] == "xin chào" and sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
        assert slept[0] == 3.0 and len(slept) == 2
        api.block_chat(43)
        with pytest.raises(RecipientUnreachable):
            await channel.send(Address("telegram", "43"), Reply("xin chào"))
        api.fail_next("sendMessage", 400)
        with pytest.raises(PermanentChannelError):
            await channel.send(Address("telegram", "42"), Reply("xin chào"))
        api.fail_next("sendMessage", 502, count=6)
        with pytest.raises(TransientChannelError):
            await channel.send(Address("telegram", "42"), Reply("xin chào"))
        assert "TEST-token" not in repr(channel)
    finally:
        await channel.application.shutdown()


async def test_a_429_holds_back_the_shared_pacer(api: FakeTelegramAPI) -> None:
    """With the app's pacer, a 429 pauses every sender sharing it instead of one caller sleeping alone."""
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # a clock that moves only when someone waits
        slept.append(seconds)
        now[0] += seconds

    channel = PtbChannel(TOKEN, Echo(), api_base=api.base_url, sleep=sleep)
    channel.pacer = Pacer(1000, per_chat_interval=0, sleep=sleep, monotonic=lambda: now[0])
    await channel.application.initialize()
    try:
        api.fail_next("sendMessage", 429, retry_after=2)
        await channel.send(Address("telegram", "42"), Reply("xin chào"))
        assert [m["text"] for m in api.sent_messages(42)] == ["xin chào"]
        assert channel.pacer.paused_total >= 2 and channel.pacer.cuts == 1
        assert 2 <= sum(slept) < 3  # the retry waited for the pause, through the pacer
    finally:
        await channel.application.shutdown()


async def test_webhook_mode_checks_the_secret(api: FakeTelegramAPI) -> None:
    echo = Echo()
    server = web.Application()
    runner = web.AppRunner(server)
    channel = PtbChannel(TOKEN, echo, api_base=api.base_url, mode="webhook", webhook_secret=SECRET,
                         webhook_path="/telegram/webhook")
    channel.mount(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram/webhook"
    channel.webhook_url = url
    await channel.start()
    try:
        assert api.webhook_info["url"] == url and api.webhook_info["secret_token"] == SECRET
        assert api.webhook_info["max_connections"] == 100
        api.push_text(77, "qua webhook")
        await api.deliver_webhook()
        [reply] = await api.wait_for_messages(77, 1)
        assert reply["text"] == "echo qua webhook" and echo.seen[0].text == "qua webhook"
        await api.stop_webhook()
        api.push_text(77, "sai mật khẩu")
        await api.deliver_webhook(url, "wrong-secret", max_attempts=1)
        await api.wait_until(lambda: any(a.status == 401 for a in api.webhook_attempts))
        assert len(echo.seen) == 1
    finally:
        await api.stop_webhook()
        await channel.stop()
        await runner.cleanup()
