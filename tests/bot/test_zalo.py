"""The Zalo adapter and client against the fake Zalo Bot API on 127.0.0.1."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.channels.zalo import ZaloChannel, incoming_from_event, render
from bot.channels.zalo_api import ZaloApiError, ZaloBotAPI
from bot.config import load_config
from bot.errors import PermanentChannelError, RecipientUnreachable, TransientChannelError
from handlers import texts
from handlers.types import Address, Button, IncomingMessage, Kind, Reply
from tests.bot.channel_users import ZALO_TOKEN, ZaloChatUser
from tests.conftest import ROOT
from tests.fakes.inbox import MemoryInbox
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import FakeClock

SECRET = "s3cret-zalo-webhook"
ADDRESS = Address("zalo", "u1")


class Recorder:
    """A conversation that records what it gets and echoes it."""

    def __init__(self) -> None:
        self.seen: list[IncomingMessage] = []

    async def __call__(self, msg: IncomingMessage) -> list[Reply]:
        self.seen.append(msg)
        return [Reply(f"echo {msg.text}")]


async def no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def api() -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(ZALO_TOKEN) as fake:
        yield fake


@pytest.fixture
async def client(api: FakeZaloAPI) -> AsyncIterator[ZaloBotAPI]:
    zalo = ZaloBotAPI(ZALO_TOKEN, base_url=api.base_url)
    yield zalo
    await zalo.close()


def test_buttons_become_numbered_choices() -> None:
    reply = Reply("Bạn thuộc đơn vị nào?", ((Button("Huyện Kế Sách", "unit:KESACH"),), (Button("Huyện Mỹ Tú", "unit:MYTU"),)))
    assert render(reply) == f"Bạn thuộc đơn vị nào?\n\n1. Huyện Kế Sách\n2. Huyện Mỹ Tú\n{texts.CHOICE_HINT_TYPED}"
    assert render(Reply("Chào bạn")) == "Chào bạn"


def test_events_become_incoming_messages(api: FakeZaloAPI) -> None:
    text = incoming_from_event(api.event("u1", "message.text.received", text="/start KESACH", message_id="42"))
    assert text is not None
    assert (text.kind, text.command, text.args, text.update_id, text.is_private) == (
        Kind.COMMAND, "start", "KESACH", "u1:42", True
    )
    assert text.display_name == "Người dùng u1"
    hidden = incoming_from_event(api.event("u1", "message.unsupported.received"))
    assert hidden is not None and (hidden.kind, hidden.unsupported_kind) == (Kind.UNSUPPORTED, "unsupported")
    group = incoming_from_event(api.event("u1", "message.text.received", text="hi", chat_type="GROUP", chat_id="g1"))
    assert group is not None and not group.is_private and group.address == Address("zalo", "g1")
    assert incoming_from_event({"event_name": "message.reaction.received"}) is None
    # Without a message_id the update id is a stable hash of the event (redeliveries match).
    event = api.event("u1", "message.text.received", text="hi")
    del event["message"]["message_id"]
    first, again = incoming_from_event(event), incoming_from_event(dict(event))
    assert first is not None and again is not None and first.update_id == again.update_id


async def test_send_splits_at_2000_on_word_boundaries(api: FakeZaloAPI, client: ZaloBotAPI) -> None:
    channel = ZaloChannel(client, Recorder(), sleep=no_sleep)
    sentence = "Thanh niên Sóc Trăng cần được hỗ trợ vay vốn khởi nghiệp. "
    await channel.send(ADDRESS, Reply(sentence * 80))  # ~4,700 characters
    sent = api.sent_messages("u1")
    assert len(sent) == 3 and all(1 <= len(piece) <= 2000 for piece in sent)
    assert all(piece.endswith("khởi nghiệp.") for piece in sent)
    assert " ".join(sent) == (sentence * 80).strip()


async def test_error_mapping(api: FakeZaloAPI, client: ZaloBotAPI) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    channel = ZaloChannel(client, Recorder(), sleep=sleep)
    api.fail_next("sendMessage", 429, count=2)  # "Quota exceeded": retried with backoff
    api.fail_next("sendMessage", 502)  # 5xx: retried
    await channel.send(ADDRESS, Reply("xin chào"))
    assert api.sent_messages("u1") == ["xin chào"] and len(slept) == 3
    api.blocked.add("u2")
    with pytest.raises(RecipientUnreachable):
        await channel.send(Address("zalo", "u2"), Reply("xin chào"))
    api.fail_next("sendMessage", 400)
    with pytest.raises(PermanentChannelError):
        await channel.send(ADDRESS, Reply("xin chào"))
    api.fail_next("sendMessage", 500, count=6)
    with pytest.raises(TransientChannelError):
        await channel.send(ADDRESS, Reply("xin chào"))
    wrong = ZaloBotAPI("wrong", base_url=api.base_url)
    with pytest.raises(ZaloApiError) as bad_token:
        await wrong.get_me()
    await wrong.close()
    assert bad_token.value.status == 401 and "wrong" not in str(bad_token.value)


async def test_fake_enforces_the_text_limit(client: ZaloBotAPI) -> None:
    with pytest.raises(PermanentChannelError):
        await client.send_message("u1", "x" * 2001)
    with pytest.raises(PermanentChannelError):
        await client.send_message("u1", "")
    assert "<redacted>" in repr(client) and ZALO_TOKEN not in repr(client)


async def test_polling_handles_one_update_per_call(api: FakeZaloAPI, client: ZaloBotAPI) -> None:
    convo = Recorder()
    channel = ZaloChannel(client, convo, poll_timeout=1, sleep=no_sleep)
    await channel.start()
    try:
        api.push_text("u1", "một")
        api.push_text("u1", "hai")
        assert await api.wait_for_messages("u1", 2) == ["echo một", "echo hai"]
        assert [m.text for m in convo.seen] == ["một", "hai"]
        assert all(call[1] == {"timeout": 1} for call in api.calls_to("getUpdates"))
    finally:
        await channel.stop()


@pytest.fixture
async def webhook(api: FakeZaloAPI, client: ZaloBotAPI) -> AsyncIterator[tuple[ZaloChannel, Recorder, str]]:
    convo = Recorder()
    app = web.Application()
    runner = web.AppRunner(app)
    channel = ZaloChannel(client, convo, mode="webhook", webhook_secret=SECRET, webhook_path="/zalo/webhook")
    channel.mount(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo/webhook"
    channel.webhook_url = url
    await channel.start()
    yield channel, convo, url
    await channel.stop()
    await runner.cleanup()


async def test_webhook_checks_the_secret(api: FakeZaloAPI, webhook: tuple[ZaloChannel, Recorder, str]) -> None:
    _channel, convo, url = webhook
    assert api.webhook == {"url": url, "secret_token": SECRET}  # set at start
    event = api.event("u1", "message.text.received", text="xin chào")
    assert await api.post_webhook(event, url=url, secret="wrong-secret") == 403
    assert await api.post_webhook(event, url=url, secret=None) == 401
    assert convo.seen == [] and api.sent_messages("u1") == []
    assert await api.post_webhook(event, url=url, secret=SECRET) == 200
    assert [m.text for m in convo.seen] == ["xin chào"] and api.sent_messages("u1") == ["echo xin chào"]


async def test_webhook_delivery_from_the_platform(api: FakeZaloAPI, webhook: tuple[ZaloChannel, Recorder, str]) -> None:
    api.push_text("u1", "qua webhook")
    assert await api.wait_for_messages("u1", 1) == ["echo qua webhook"]
    await api.wait_until(lambda: api.webhook_statuses == [200])


def test_config_reads_zalo_from_the_environment() -> None:
    config = load_config(ROOT / "config.yaml", env={"ZALO_BOT_TOKEN": "t", "ZALO_WEBHOOK_SECRET": "12345678",
                                                     "ZALO_MODE": "webhook", "ZALO_API_BASE": "http://x"})
    zalo = config.channels.zalo
    assert (zalo.mode, zalo.api_base, zalo.webhook_secret and zalo.webhook_secret.get_secret_value()) == (
        "webhook", "http://x", "12345678"
    )
    assert "12345678" not in repr(config)
    with pytest.raises(Exception, match="8-256"):
        load_config(ROOT / "config.yaml", env={"ZALO_WEBHOOK_SECRET": "short"})


async def test_typed_numbers_answer_the_choices(tmp_path: Path, clock: FakeClock, api: FakeZaloAPI) -> None:
    from bot.app import build_app
    from storage import create_all

    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0",
           "ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": api.base_url}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await create_all(app.store.engine)
    await app.start()
    try:
        assert set(app.channels) >= {"zalo"}
        youth = ZaloChatUser(api, "u7", by="number")
        [notice] = await youth.say("chào bot")  # no /start on Zalo: any text opens
        assert notice.text.startswith(texts.CONSENT_REQUIRED) and len(notice.choices) == 3
        [ask_unit] = await youth.choose("Đồng ý")
        assert ask_unit.text.startswith(texts.ASK_UNIT)
        [ask_name] = await youth.choose("Huyện Kế Sách")
        assert "Huyện Kế Sách" in ask_name.text and texts.ASK_NAME in ask_name.text
    finally:
        await app.stop()


async def test_a_polled_event_in_hand_at_a_crash_is_handled_after_the_restart(
        api: FakeZaloAPI, client: ZaloBotAPI) -> None:
    """Zalo's getUpdates forgets an event once it has handed it over: the event is kept until
    handled, and a restarted channel handles what a crashed one left, before polling."""
    inbox = MemoryInbox("zalo")
    stuck = asyncio.Event()

    class Stuck(Recorder):
        async def __call__(self, msg: IncomingMessage) -> list[Reply]:
            self.seen.append(msg)
            await stuck.wait()  # the process dies while handling this
            return []

    first = ZaloChannel(client, Stuck(), poll_timeout=1, sleep=no_sleep)
    first.inbox = inbox
    await first.start()
    api.push_text("u1", "Xin hỏi về vốn vay khởi nghiệp?")
    await api.wait_until(lambda: bool(inbox.rows) and bool(first._handling))
    assert "vốn vay" in next(iter(inbox.rows.values()))
    assert first._poller is not None
    first._poller.cancel()  # the crash: polling and the handler die without finishing
    for task in list(first._handling):
        task.cancel()
    await asyncio.gather(first._poller, *first._handling, return_exceptions=True)
    assert len(inbox.rows) == 1  # still kept: Zalo will not send it again

    convo = Recorder()
    second = ZaloChannel(ZaloBotAPI(ZALO_TOKEN, base_url=api.base_url), convo, poll_timeout=1, sleep=no_sleep)
    second.inbox = inbox
    await second.start()
    try:
        api.push_text("u1", "câu sau")
        assert await api.wait_for_messages("u1", 2) == ["echo Xin hỏi về vốn vay khởi nghiệp?", "echo câu sau"]
        await api.wait_until(lambda: not inbox.rows)  # each dropped once handled
    finally:
        await second.stop()


async def test_a_bot_restarted_in_webhook_mode_handles_what_polling_kept(api: FakeZaloAPI, client: ZaloBotAPI) -> None:
    inbox = MemoryInbox("zalo")
    event = api.event("u7", "message.text.received", text="câu hỏi còn dở")  # kept, never handled
    inbox.rows[5] = json.dumps(event, ensure_ascii=False)
    convo = Recorder()
    channel = ZaloChannel(client, convo, mode="webhook", webhook_secret=SECRET, webhook_path="/zalo/webhook")
    channel.inbox = inbox
    await channel.start()
    try:
        assert [m.text for m in convo.seen] == ["câu hỏi còn dở"] and inbox.rows == {}
        assert await api.wait_for_messages("u7", 1) == ["echo câu hỏi còn dở"]
    finally:
        await channel.stop()
