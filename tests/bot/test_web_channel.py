"""The web chat API through aiohttp's test client, with a scripted conversation."""

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import TEXTS, create_web_app, parse_text
from bot.channels.web_session import SessionSigner
from handlers.types import Address, Attachment, Button, IncomingMessage, Kind, Reply

SECRET = b"test-secret-for-web-sessions-0123456789"
SESSION = SessionSigner(SECRET).issue()
SESSION_ID = SESSION.split(".")[0]


class ScriptedConversation:
    """Records what it receives and answers with canned replies."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []
        self.fail = False

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        self.received.append(message)
        if self.fail:
            raise RuntimeError("conversation exploded")
        return [
            Reply(
                "Chào bạn!\nBạn chọn lĩnh vực:",
                buttons=(
                    (Button("Việc làm", "topic:jobs"), Button("Giáo dục", "topic:edu")),
                    (Button("Khác", "topic:other"),),
                ),
            ),
            Reply("Biểu đồ", attachments=(Attachment("chart.png", b"\x89PNG", "image/png"),)),
            Reply("Gửi quản trị", address=Address("telegram", "42")),
        ]


@pytest.fixture
def convo() -> ScriptedConversation:
    return ScriptedConversation()


@pytest.fixture
async def client(convo: ScriptedConversation) -> AsyncIterator[TestClient]:
    app = create_web_app(convo, secret=SECRET, frame_ancestors=["https://tinhdoan.example.vn"], max_body_bytes=2_000)
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


async def post(client: TestClient, body: Any) -> tuple[int, dict[str, Any]]:
    resp = await client.post("/api/message", json=body)
    return resp.status, await resp.json()


async def test_session_is_a_random_signed_token(client: TestClient) -> None:
    first = await (await client.post("/api/session", json={})).json()
    second = await (await client.post("/api/session", json={})).json()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}\.[0-9a-f]{32}", first["session"])
    assert first["session"] != second["session"]
    assert SessionSigner(SECRET).verify(first["session"]) == first["session"].split(".")[0]
    assert SessionSigner(b"another-secret").verify(first["session"]) is None


async def test_text_becomes_incoming_text(client: TestClient, convo: ScriptedConversation) -> None:
    status, _ = await post(client, {"session": SESSION, "mid": "m1", "text": "Xin chào"})
    assert status == 200
    assert convo.received == [
        IncomingMessage(
            address=Address("web", SESSION_ID), kind=Kind.TEXT, text="Xin chào",
            update_id=f"{SESSION_ID}:m1",
        )
    ]


async def test_start_command_with_args(client: TestClient, convo: ScriptedConversation) -> None:
    await post(client, {"session": SESSION, "mid": "m2", "text": "/Start@doithoai_bot   U05 "})
    (msg,) = convo.received
    assert (msg.kind, msg.command, msg.args) == (Kind.COMMAND, "start", "U05")
    assert msg.update_id == f"{SESSION_ID}:m2"


@pytest.mark.parametrize(
    ("text", "kind", "command", "args"),
    [
        ("/start", Kind.COMMAND, "start", ""),
        ("/HuongDan\nmột hai", Kind.COMMAND, "huongdan", "một hai"),
        ("/", Kind.TEXT, None, ""),
        ("/ xin chào", Kind.TEXT, None, ""),
        ("/@bot", Kind.TEXT, None, ""),
        (" /start", Kind.TEXT, None, ""),
    ],
)
def test_slash_parsing(text: str, kind: Kind, command: str | None, args: str) -> None:
    msg = parse_text(Address("web", SESSION_ID), text, "u1")
    assert (msg.kind, msg.command, msg.args, msg.text) == (kind, command, args, text)


async def test_button_becomes_incoming_button(
    client: TestClient, convo: ScriptedConversation
) -> None:
    await post(client, {"session": SESSION, "mid": "m3", "button": "topic:jobs"})
    (msg,) = convo.received
    assert (msg.kind, msg.button_data) == (Kind.BUTTON, "topic:jobs")
    assert msg.address == Address("web", SESSION_ID)


async def test_replies_keep_button_rows_and_attachment_metadata(client: TestClient) -> None:
    status, body = await post(client, {"session": SESSION, "mid": "m4", "text": "hi"})
    assert status == 200
    assert body == {
        "replies": [
            {
                "text": "Chào bạn!\nBạn chọn lĩnh vực:",
                "buttons": [
                    [
                        {"label": "Việc làm", "data": "topic:jobs"},
                        {"label": "Giáo dục", "data": "topic:edu"},
                    ],
                    [{"label": "Khác", "data": "topic:other"}],
                ],
            },
            {
                "text": "Biểu đồ",
                "buttons": [],
                "attachments": [{"filename": "chart.png", "mime_type": "image/png"}],
            },
        ]
    }


async def test_null_bytes_are_stripped(client: TestClient, convo: ScriptedConversation) -> None:
    await post(client, {"session": SESSION, "mid": "m5", "text": "a\x00b\x00"})
    assert convo.received[0].text == "ab"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"session": SESSION, "mid": "bad mid", "text": "hi"}, "bad_mid"),
        ({"session": SESSION, "text": "hi"}, "bad_mid"),
        ({"session": SESSION, "mid": "m1", "text": "hi", "button": "b"}, "one_of"),
        ({"session": SESSION, "mid": "m1"}, "one_of"),
        ({"session": SESSION, "mid": "m1", "button": "x" * 65}, "bad_button"),
        ({"session": SESSION, "mid": "m1", "button": "ệ" * 22}, "bad_button"),
        ({"session": SESSION, "mid": "m1", "button": 3}, "bad_button"),
        ({"session": SESSION, "mid": "m1", "text": ["hi"]}, "bad_json"),
        ({"session": SESSION, "mid": "m1", "text": " \n\x00"}, "empty_text"),
        (["not", "an", "object"], "bad_json"),
    ],
)
async def test_invalid_bodies_are_rejected(
    client: TestClient, convo: ScriptedConversation, caplog: pytest.LogCaptureFixture,
    body: Any, key: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.channels.web"):
        status, data = await post(client, body)
    assert status == 400
    assert data == {"error": TEXTS[key]}
    assert convo.received == []
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    assert "hi" not in caplog.text


@pytest.mark.parametrize(
    "session",
    [None, "short", "aaaaaaaaaaaaaaaa", SESSION + "<", 12345678901234567, SESSION_ID,
     SESSION_ID + "." + "0" * 32, SessionSigner(b"another-secret").issue()],
)
async def test_invented_sessions_are_401(
    client: TestClient, convo: ScriptedConversation, caplog: pytest.LogCaptureFixture, session: Any
) -> None:
    body = {"mid": "m1", "text": "hi"} | ({} if session is None else {"session": session})
    with caplog.at_level(logging.WARNING, logger="bot.channels.web"):
        status, data = await post(client, body)
    assert (status, data) == (401, {"error": TEXTS["bad_session"]})
    assert convo.received == []
    assert "bad_session" in caplog.text


async def test_malformed_json_is_400(client: TestClient, convo: ScriptedConversation) -> None:
    resp = await client.post(
        "/api/message", data=b'{"session": "x', headers={"Content-Type": "application/json"}
    )
    assert resp.status == 400
    assert (await resp.json())["error"] == TEXTS["bad_json"]
    assert convo.received == []


async def test_oversize_body_is_413_json(client: TestClient, convo: ScriptedConversation) -> None:
    status, data = await post(client, {"session": SESSION, "mid": "m1", "text": "x" * 3_000})
    assert status == 413
    assert data == {"error": TEXTS["too_large"]}
    assert convo.received == []


async def test_oversize_chunked_body_is_413_json(
    client: TestClient, convo: ScriptedConversation
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"session": "' + SESSION.encode() + b'", "mid": "m1", "text": "'
        for _ in range(5):
            yield b"y" * 1_000
        yield b'"}'

    resp = await client.post("/api/message", data=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status == 413
    assert (await resp.json())["error"] == TEXTS["too_large"]
    assert convo.received == []


async def test_text_over_transport_limit_is_rejected(convo: ScriptedConversation) -> None:
    app = create_web_app(convo, secret=SECRET, max_body_bytes=1_000_000)
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        status, data = await post(c, {"session": SESSION, "mid": "m1", "text": "x" * 100_001})
        assert (status, data) == (400, {"error": TEXTS["text_too_long"]})
        status, _ = await post(c, {"session": SESSION, "mid": "m2", "text": "x" * 100_000})
        assert status == 200
    assert len(convo.received) == 1


async def test_conversation_failure_is_a_polite_500(
    client: TestClient, convo: ScriptedConversation, caplog: pytest.LogCaptureFixture
) -> None:
    convo.fail = True
    status, data = await post(client, {"session": SESSION, "mid": "m1", "text": "hi"})
    assert status == 500
    assert data == {"error": "Hệ thống đang gặp sự cố, bạn vui lòng thử lại sau ít phút."}
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.ERROR)


async def test_index_is_embeddable(client: TestClient) -> None:
    resp = await client.get("/")
    assert resp.status == 200
    assert resp.content_type == "text/html"
    assert "frame-ancestors 'self' https://tinhdoan.example.vn" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in resp.headers
    page = await resp.text()
    assert "<title>Hỏi đáp thanh niên</title>" in page
    assert 'name="viewport"' in page


async def test_title_is_escaped(convo: ScriptedConversation) -> None:
    app = create_web_app(convo, secret=SECRET, title="Đoàn <b>&</b>")
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        page = await (await c.get("/")).text()
    assert "<title>Đoàn &lt;b&gt;&amp;&lt;/b&gt;</title>" in page


async def test_static_assets_and_health(client: TestClient) -> None:
    for path, kind in [("/static/chat.js", "javascript"), ("/static/chat.css", "text/css")]:
        resp = await client.get(path)
        assert resp.status == 200
        assert kind in resp.content_type
        await resp.read()
    resp = await client.get("/healthz")
    assert (resp.status, await resp.json()) == (200, {"ok": True})


async def test_unknown_api_route_is_json_404(client: TestClient) -> None:
    resp = await client.post("/api/nope", json={})
    assert resp.status == 404
    assert "error" in await resp.json()
