"""The Zalo Official Account adapter against the fake OA platform on 127.0.0.1."""

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.broadcast import Broadcaster, Outgoing
from bot.channels.zalo_oa import BUTTON_PREFIX, incoming_from_event, render, signature
from bot.config import load_config
from bot.errors import ConfigError
from handlers import texts
from handlers.types import Address, Button, Kind, Reply
from storage import Store, create_all
from tests.bot.channel_users import OA_APP_ID, OA_APP_SECRET, OA_SECRET_KEY, ZaloOAChatUser
from tests.conftest import ROOT
from tests.fakes.zalo_oa_api import WINDOW_CLOSED, FakeZaloOA
from tests.support import FakeClock
from tests.zalo_oa.support import Wired, wired

QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, tỉnh có chính sách cho vay ưu đãi không ạ?"
CONSENT = Reply("Bạn đồng ý chứ?", ((Button("Đồng ý", "consent:yes"), Button("Không đồng ý", "consent:no")),))


@pytest.fixture
async def oa_channel(store: Store, clock: FakeClock) -> AsyncIterator[Wired]:
    async with wired(store, clock) as w:
        yield w


def test_signature_is_a_plain_sha256_of_the_concatenation() -> None:
    body = b'{"event_name":"user_send_text"}'
    expected = hashlib.sha256(b"4410" + body + b"1700000000000" + b"key").hexdigest()
    assert signature("4410", body, "1700000000000", "key") == expected


async def test_signed_events_only(oa_channel: Wired) -> None:
    w = oa_channel
    event = w.oa.text_event("u1", "xin chào", w.clock.now())
    assert await w.oa.post_event(w.url, event, signature=None) == 401
    assert await w.oa.post_event(w.url, event, signature="wrong") == 403
    assert await w.oa.post_event(w.url, event, signature="mac=") == 403
    raw = json.dumps(event, ensure_ascii=False).encode()
    tampered = dict(event, message={"text": "giả mạo", "msg_id": "x"})  # a good MAC of another body
    assert await w.oa.post_event(w.url, tampered, signature=w.oa.sign(raw, event["timestamp"])) == 403
    stale = w.oa.text_event("u1", "cũ", w.clock.now() - timedelta(minutes=6))
    assert await w.oa.post_event(w.url, stale) == 403  # a replay of a once-valid event
    future = w.oa.text_event("u1", "sau", w.clock.now() + timedelta(minutes=6))
    assert await w.oa.post_event(w.url, future) == 403
    await w.channel.drain()
    assert w.convo.seen == [] and w.oa.messages("u1") == []
    assert await w.oa.post_event(w.url, event) == 200
    await w.channel.drain()
    assert [m.text for m in w.convo.seen] == ["xin chào"]
    assert w.oa.messages("u1") == [{"text": "echo xin chào"}]


def test_events_become_incoming_messages() -> None:
    oa = FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET)
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    text = incoming_from_event(oa.text_event("u1", "/start KESACH", now, msg_id="42"))
    assert text is not None
    assert (text.kind, text.command, text.args, text.update_id, text.address) == (
        Kind.COMMAND, "start", "KESACH", "u1:42", Address("zalo_oa", "u1")
    )
    press = incoming_from_event(oa.text_event("u1", BUTTON_PREFIX + "unit:KESACH", now))
    assert press is not None and (press.kind, press.button_data) == (Kind.BUTTON, "unit:KESACH")
    sticker = incoming_from_event(oa.kind_event("u1", "sticker", now))
    assert sticker is not None and (sticker.kind, sticker.unsupported_kind) == (Kind.UNSUPPORTED, "sticker")
    follow = incoming_from_event(oa.follow_event("u2", now))
    assert follow is not None and (follow.kind, follow.command, follow.address.chat_id) == (Kind.COMMAND, "start", "u2")
    echo = oa.text_event("u1", "tin của OA", now)
    echo["event_name"] = "oa_send_text"  # our own sends come back as events: never answered
    assert incoming_from_event(echo) is None
    assert incoming_from_event({"event_name": "user_seen_message"}) is None


def test_buttons_render_as_a_button_list_or_numbered_text() -> None:
    text, buttons = render(CONSENT)
    assert text == {"text": "Bạn đồng ý chứ?"}
    payload = buttons["attachment"]["payload"]
    assert payload["template_type"] == "list" and payload["elements"] == [{"title": texts.OA_CHOICES_TITLE}]
    assert payload["buttons"] == [
        {"title": "Đồng ý", "type": "oa.query.hide", "payload": "#btn:consent:yes"},
        {"title": "Không đồng ý", "type": "oa.query.hide", "payload": "#btn:consent:no"},
    ]
    many = Reply("Bạn thuộc đơn vị nào?", tuple((Button(f"Xã {n}", f"unit:X{n}"),) for n in range(1, 8)))
    [numbered] = render(many)
    assert numbered["text"].endswith(f"7. Xã 7\n{texts.CHOICE_HINT_TYPED}")
    assert len(texts.OA_CHOICES_TITLE) <= 100
    long = render(Reply("Thanh niên cần vốn khởi nghiệp. " * 150))
    assert len(long) == 3 and all(len(m["text"]) <= 2000 for m in long)


async def test_send_text_and_buttons(oa_channel: Wired) -> None:
    w = oa_channel
    await w.channel.send(Address("zalo_oa", "u1"), CONSENT)
    [text, buttons] = w.oa.messages("u1")
    assert text == {"text": "Bạn đồng ý chứ?"} and len(buttons["attachment"]["payload"]["buttons"]) == 2


# --- the whole intake through the app -------------------------------------------------------------


async def oa_app(oa: FakeZaloOA, tmp_path: Path, clock: FakeClock, refresh: str) -> App:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0", **oa.env(),
           "ZALO_OA_REFRESH_TOKEN": refresh}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await create_all(app.store.engine)
    await app.start()
    return app


async def intake(youth: ZaloOAChatUser) -> str:
    """consent → unit → name → question → receipt, whatever steps lie between; the receipt text."""
    [notice] = await youth.say("chào bạn")
    assert texts.BTN_CONSENT_YES in notice.choices
    [ask_unit] = await youth.choose(texts.BTN_CONSENT_YES)
    assert "Huyện Kế Sách" in ask_unit.choices
    said = await youth.choose("Huyện Kế Sách")
    assert "Huyện Kế Sách" in said[-1].text and texts.ASK_NAME in said[-1].text
    said = await youth.choose(texts.BTN_ANONYMOUS)
    assert texts.ASK_QUESTION in said[-1].text
    said = await youth.say(QUESTION)
    for _ in range(3):  # any confirmation between the question and the receipt: take the first choice
        if "ST2023-" in said[-1].text or not said[-1].choices:
            break
        said = await youth.choose(said[-1].choices[0])
    return said[-1].text


@pytest.mark.parametrize("by", ["button", "number", "label"])
async def test_the_whole_intake_with_presses_or_typed_answers(by: str, tmp_path: Path, clock: FakeClock) -> None:
    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa:
        app = await oa_app(oa, tmp_path, clock, oa.issue_refresh_token())
        try:
            youth = ZaloOAChatUser(oa, app, "oa-youth", by=by)
            assert "ST2023-0001" in await intake(youth)
            async with app.store.unit() as uow:
                [stored] = await uow.questions.all()
            assert (stored.channel, stored.unit_code) == ("zalo_oa", "KESACH")
            assert any("attachment" in m for m in oa.messages("oa-youth"))  # real buttons were shown
        finally:
            await app.stop()


async def test_unreachable_when_the_window_closes_or_on_unfollow_reachable_when_writing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa:
        app = await oa_app(oa, tmp_path, clock, oa.issue_refresh_token())
        try:
            youth = ZaloOAChatUser(oa, app, "oa-youth")
            await intake(youth)
            oa.unreachable["oa-youth"] = WINDOW_CLOSED
            address = Address("zalo_oa", "oa-youth")
            broadcaster = Broadcaster(app.store, app.deliver, clock)
            report = await broadcaster.run("reminder:d3", "2023-05-23", [Outgoing(address, (Reply("Nhắc hạn"),))])
            assert report.unreachable == [address] and not await reachable(app, address)
            del oa.unreachable["oa-youth"]  # the youth writes again: the window reopens
            clock.moment += timedelta(minutes=5)
            await youth.say("/cauhoi")
            assert await reachable(app, address)
            url = f"http://127.0.0.1:{app.web_port}/zalo-oa/webhook"
            unfollow = dict(oa.follow_event("oa-youth", clock.now()), event_name="unfollow")
            assert await oa.post_event(url, unfollow) == 200
            await app.channels["zalo_oa"].drain()  # type: ignore[attr-defined]
            assert not await reachable(app, address)
        finally:
            await app.stop()


async def reachable(app: App, address: Address) -> bool:
    async with app.store.unit() as uow:
        person = await uow.youth.get(address.channel, address.chat_id)
    assert person is not None
    return person.reachable


async def test_follow_greets_and_both_zalo_channels_run_at_once(tmp_path: Path, clock: FakeClock) -> None:
    from tests.bot.channel_users import ZALO_TOKEN
    from tests.fakes.zalo_api import FakeZaloAPI

    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa, FakeZaloAPI(ZALO_TOKEN) as bot_api:
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0", **oa.env(),
               "ZALO_OA_REFRESH_TOKEN": oa.issue_refresh_token(), "ZALO_BOT_TOKEN": ZALO_TOKEN,
               "ZALO_API_BASE": bot_api.base_url}
        app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
        await create_all(app.store.engine)
        await app.start()
        try:
            assert set(app.channels) == {"web", "zalo", "zalo_oa"}
            url = f"http://127.0.0.1:{app.web_port}/zalo-oa/webhook"
            assert await oa.post_event(url, oa.follow_event("f1", clock.now())) == 200
            await app.channels["zalo_oa"].drain()  # type: ignore[attr-defined]
            greeting = oa.messages("f1")
            assert greeting and texts.BTN_CONSENT_YES in json.dumps(greeting, ensure_ascii=False)
        finally:
            await app.stop()


def test_config_reads_the_oa_from_the_environment(tmp_path: Path) -> None:
    env = {"ZALO_OA_APP_ID": "4410", "ZALO_OA_SECRET_KEY": "sk-123", "ZALO_OA_APP_SECRET": "as-456",
           "ZALO_OA_REFRESH_TOKEN": "rt-789"}
    oa = load_config(ROOT / "config.yaml", env=env).channels.zalo_oa
    assert oa.app_id == "4410" and oa.secret_key is not None and oa.secret_key.get_secret_value() == "sk-123"
    assert not any(secret in repr(oa) for secret in ("sk-123", "as-456", "rt-789"))
    assert load_config(ROOT / "config.yaml", env={}).channels.zalo_oa.app_id is None
    with pytest.raises(ConfigError, match="ZALO_OA_APP_SECRET"):
        load_config(ROOT / "config.yaml", env={"ZALO_OA_APP_ID": "4410"})
    leaky = tmp_path / "config.yaml"
    leaky.write_text((ROOT / "config.yaml").read_text(encoding="utf-8").replace(
        "channels:", "channels:\n  zalo_oa:\n    secret_key: oops", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="channels.zalo_oa.secret_key"):
        load_config(leaky, env={})
