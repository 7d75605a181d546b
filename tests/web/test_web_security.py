"""The web chat API's defences over real HTTP: signed sessions, JSON only, same site, per-address limits."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.web import TEXTS, WebChannel
from bot.channels.web_guard import Limits
from bot.channels.web_session import SessionSigner
from handlers.types import Address, IncomingMessage, Reply

SECRET = b"web-security-test-secret-0123456789abcdef"
PORTAL = "https://tinhdoan.example.vn"
PROXY_LIMITS = Limits(sessions=5, consents=3, window_seconds=600, trusted_proxies=("127.0.0.1",), max_addresses=50)


class Echo:
    """Records messages and answers each with one reply."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        self.received.append(message)
        return [Reply("Mình đã nhận.")]


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.value = 1_000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def known() -> set[Address]:
    return set()


@pytest.fixture
async def channel(echo: Echo, seconds: Seconds, known: set[Address]) -> WebChannel:
    async def is_known(address: Address) -> bool:
        return address in known

    return WebChannel(echo, secret=SECRET, frame_ancestors=[PORTAL], limits=PROXY_LIMITS, known=is_known, now=seconds)


@pytest.fixture
async def client(channel: WebChannel) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(channel.app, host="127.0.0.1")) as c:
        yield c


def from_address(address: str) -> dict[str, str]:
    """Headers of a request relayed by the trusted proxy (127.0.0.1) for `address`."""
    return {"X-Forwarded-For": f"{address}, 127.0.0.1"}


async def new_session(client: TestClient, address: str = "203.0.113.7") -> tuple[int, dict[str, Any]]:
    resp = await client.post("/api/session", json={}, headers=from_address(address))
    return resp.status, await resp.json()


async def message(client: TestClient, body: dict[str, Any], **headers: str) -> tuple[int, dict[str, Any]]:
    resp = await client.post("/api/message", json=body, headers=headers)
    return resp.status, await resp.json()


async def test_an_invented_session_is_refused_and_a_signed_one_accepted(client: TestClient, echo: Echo) -> None:
    status, data = await message(client, {"session": "aaaaaaaaaaaaaaaa", "mid": "m1", "text": "/start"})
    assert (status, data) == (401, {"error": TEXTS["bad_session"]})
    forged = "A" * 22 + "." + "0" * 32
    assert (await message(client, {"session": forged, "mid": "m1", "text": "/start"}))[0] == 401
    assert echo.received == []
    _, issued = await new_session(client)
    status, data = await message(client, {"session": issued["session"], "mid": "m1", "text": "/start"})
    assert (status, data) == (200, {"replies": [{"text": "Mình đã nhận.", "buttons": []}]})
    assert echo.received[0].address.chat_id == issued["session"].split(".")[0]  # the signature is not stored


@pytest.mark.parametrize("path", ["/api/session", "/api/message", "/api/poll"])
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
async def test_only_json_bodies_are_read(
    client: TestClient, echo: Echo, caplog: pytest.LogCaptureFixture, path: str, content_type: str | None
) -> None:
    session = SessionSigner(SECRET).issue()
    body = f'{{"session": "{session}", "mid": "m1", "text": "/start"}}'.encode()
    headers = {"Content-Type": content_type} if content_type else {}
    with caplog.at_level(logging.WARNING, logger="bot.channels.web"):
        resp = await client.post(path, data=body, headers=headers)
    assert resp.status == 415
    assert await resp.json() == {"error": TEXTS["not_json"]}
    assert echo.received == []
    assert "not_json" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://tinhdoan.example.vn.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    ],
)
@pytest.mark.parametrize("path", ["/api/session", "/api/message", "/api/poll"])
async def test_cross_site_posts_are_refused(
    client: TestClient, echo: Echo, headers: dict[str, str], path: str
) -> None:
    body = {"session": SessionSigner(SECRET).issue(), "mid": "m1", "text": "/start", "after": 0}
    resp = await client.post(path, json=body, headers=headers)
    assert (resp.status, await resp.json()) == (403, {"error": TEXTS["cross_site"]})
    assert echo.received == []


async def test_same_origin_portal_and_header_less_posts_are_accepted(client: TestClient) -> None:
    own = f"http://{client.host}:{client.port}"
    for headers in (
        {},  # curl, a server-side check
        {"Origin": own, "Sec-Fetch-Site": "same-origin"},
        {"Origin": PORTAL, "Sec-Fetch-Site": "cross-site"},  # a configured portal
        {"Sec-Fetch-Site": "none"},
    ):
        resp = await client.post("/api/session", json={}, headers=headers)
        assert resp.status == 200, headers
        await resp.read()


async def test_the_page_behind_a_host_rewriting_proxy_is_still_same_origin(client: TestClient) -> None:
    # nginx's default proxy_pass sends Host: <upstream>; the browser's Origin names the public host.
    public = {"Origin": "https://hoidap.tinhdoan.example.vn", "Host": "doithoai"}
    resp = await client.post("/api/session", json={}, headers=public | {"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 200  # a browser's own Sec-Fetch-Site cannot be forged by a page
    await resp.read()
    resp = await client.post("/api/session", json={}, headers=public)  # an older browser, no Sec-Fetch-*
    assert resp.status == 403
    await resp.read()
    forwarded = public | {"X-Forwarded-Host": "hoidap.tinhdoan.example.vn"}  # from the trusted proxy
    resp = await client.post("/api/session", json={}, headers=forwarded)
    assert resp.status == 200
    await resp.read()


async def test_forwarded_host_is_ignored_from_untrusted_peers(echo: Echo) -> None:
    channel = WebChannel(echo, secret=SECRET)
    headers = {"Origin": "https://evil.example", "X-Forwarded-Host": "evil.example"}
    async with TestClient(TestServer(channel.app, host="127.0.0.1")) as c:
        resp = await c.post("/api/session", json={}, headers=headers)
        assert resp.status == 403
        await resp.read()


async def test_token_travels_only_in_post_bodies(client: TestClient) -> None:
    session = SessionSigner(SECRET).issue()
    resp = await client.get("/api/poll", params={"session": session, "after": "0"})
    assert resp.status == 405 and "error" in await resp.json()
    resp = await client.post("/api/poll", json={"session": session, "after": 0})
    assert (resp.status, await resp.json()) == (200, {"messages": []})
    for body in ({"session": "aaaaaaaaaaaaaaaa", "after": 0}, {"after": 0}):
        assert (await client.post("/api/poll", json=body)).status == 401
    for after in ("0", -1, 1.5, True, 10**18, None):
        resp = await client.post("/api/poll", json={"session": session, "after": after})
        assert (resp.status, await resp.json()) == (400, {"error": TEXTS["bad_json"]}), after


async def test_a_session_flood_from_one_address_is_capped_and_logged_once(
    client: TestClient, channel: WebChannel, seconds: Seconds, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.channels.web"):
        statuses = [(await new_session(client, "198.51.100.9"))[0] for _ in range(40)]
    assert statuses == [200] * 5 + [429] * 35
    status, data = await new_session(client, "198.51.100.9")
    assert (status, data) == (429, {"error": TEXTS["too_many_sessions"].format(minutes=10)})
    assert "10 phút" in data["error"]
    assert caplog.text.count("too_many_sessions") == 1  # one line per address and window, not per request
    assert (await new_session(client, "198.51.100.10"))[0] == 200  # the neighbour is not punished
    seconds.value += 600
    assert (await new_session(client, "198.51.100.9"))[0] == 200  # a new window forgets the old one
    assert len(channel.sessions) == 1


async def test_ipv6_clients_count_per_64_block(client: TestClient) -> None:
    statuses = [(await new_session(client, f"2001:db8:1:2::{i:x}"))[0] for i in range(1, 8)]
    assert statuses == [200] * 5 + [429] * 2
    assert (await new_session(client, "2001:db8:1:3::1"))[0] == 200


async def test_forwarded_for_is_ignored_from_untrusted_peers(echo: Echo, seconds: Seconds) -> None:
    limits = Limits(sessions=2, consents=2, window_seconds=600)  # no trusted proxy
    channel = WebChannel(echo, secret=SECRET, limits=limits, now=seconds)
    async with TestClient(TestServer(channel.app, host="127.0.0.1")) as c:
        statuses = [(await c.post("/api/session", json={}, headers=from_address(f"192.0.2.{i}"))).status
                    for i in range(4)]
    assert statuses == [200, 200, 429, 429]  # a client cannot pick its own address


async def test_memory_stays_bounded_under_a_many_address_flood(
    client: TestClient, channel: WebChannel, seconds: Seconds
) -> None:
    for i in range(300):
        await new_session(client, f"10.{i // 250}.{i % 250}.1")
    assert len(channel.sessions) <= PROXY_LIMITS.max_addresses + 1
    # beyond max_addresses the newcomers share one budget instead of each getting a fresh one
    assert (await new_session(client, "10.9.9.9"))[0] == 429
    seconds.value += 600
    await new_session(client, "10.9.9.9")
    assert len(channel.sessions) == 1


async def test_consents_per_address_are_capped(client: TestClient, echo: Echo, known: set[Address]) -> None:
    signer = SessionSigner(SECRET)
    attempts = [{"button": "consent:yes"}, {"button": "consent:yes:U05"}, {"text": "1"},
                {"text": "✅ Đồng ý"}, {"text": "đồng ý"}]
    results = []
    for i, attempt in enumerate(attempts):
        body = {"session": signer.issue(), "mid": f"m{i}", **attempt}
        results.append(await message(client, body, **from_address("198.51.100.20")))
    assert [status for status, _ in results] == [200, 200, 200, 429, 429]
    assert results[-1][1] == {"error": TEXTS["too_many_consents"].format(minutes=10)}
    assert len(echo.received) == 3
    # Other messages pass; a youth who already consented may type "1" at any numbered prompt.
    consented = echo.received[0].address
    known.add(consented)
    assert (await message(client, {"session": signer.issue(), "mid": "x", "text": "Xin chào"},
                          **from_address("198.51.100.20")))[0] == 200
    token = _token_for(signer, consented.chat_id)
    assert (await message(client, {"session": token, "mid": "y", "text": "1"}, **from_address("198.51.100.20")))[0] == 200
    assert (await message(client, {"session": signer.issue(), "mid": "z", "button": "consent:yes"},
                          **from_address("198.51.100.21")))[0] == 200


def _token_for(signer: SessionSigner, session_id: str) -> str:
    """The token the server issued for `session_id` (the test knows the secret)."""
    return f"{session_id}.{signer._mac(session_id)}"


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        (b"", 400, "bad_json"),
        (b"{", 400, "bad_json"),
        (b"\xff\xfe", 400, "bad_json"),
        (b"[1, 2]", 400, "bad_json"),
        (b"[" * 30_000 + b"]" * 30_000, 400, "bad_json"),  # nesting deeper than the parser goes
        (b'{"session": 5}', 401, "bad_session"),
        (b'{"x": "' + b"y" * 70_000 + b'"}', 413, "too_large"),
    ],
)
async def test_malformed_bodies_get_a_vietnamese_error_and_a_log_line_not_a_traceback(
    client: TestClient, echo: Echo, caplog: pytest.LogCaptureFixture, body: bytes, status: int, key: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        resp = await client.post("/api/message", data=body, headers={"Content-Type": "application/json"})
    assert (resp.status, await resp.json()) == (status, {"error": TEXTS[key]})
    assert echo.received == []
    assert key in caplog.text
    assert not any(record.exc_info for record in caplog.records)


async def test_the_page_may_be_framed_only_by_itself_and_the_configured_portals(
    client: TestClient, echo: Echo
) -> None:
    resp = await client.get("/")
    assert resp.headers["Content-Security-Policy"].endswith(f"frame-ancestors 'self' {PORTAL}")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    page = await resp.text()
    assert '"restarted"' in page and "{{texts}}" not in page
    lone = WebChannel(echo, secret=SECRET)
    async with TestClient(TestServer(lone.app, host="127.0.0.1")) as c:
        resp = await c.get("/")
        assert resp.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")
        await resp.read()


@pytest.mark.parametrize("origin", ["*", "https://tinhdoan.example.vn/chat", "tinhdoan.example.vn", "ftp://x.vn"])
def test_frame_ancestors_must_be_origins(echo: Echo, origin: str) -> None:
    with pytest.raises(ValueError, match="origin"):
        WebChannel(echo, secret=SECRET, frame_ancestors=[origin])


def test_a_missing_secret_is_refused(echo: Echo) -> None:
    with pytest.raises(ValueError, match="secret"):
        WebChannel(echo, secret=b"")
