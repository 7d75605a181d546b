"""Forged and malformed webhook requests on every adapter: refused, logged once without the body, never handled."""

import io
import json
import logging
from typing import Any

import aiohttp
import pytest

from tests.edge.conftest import SECRET, Running
from tests.fakes import telegram_updates as build
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.zalo_api import FakeZaloAPI

USER = 4242
MARK = "BODY-MARKER-7f3a"  # text inside every malformed body: it must never reach a log line


def _update(running: Running, text: str, update_id: int = 1) -> dict[str, Any]:
    """A well-formed text message from USER in the adapter's format."""
    if isinstance(running.api, FakeZaloAPI):
        return {"ok": True, "result": running.api.event(str(USER), "message.text.received", text=text)}
    message = build.message(update_id, build.chat(USER), build.user(USER), **build.text_content(text))
    return {"update_id": update_id, "message": message}


def _header(running: Running) -> str:
    return "X-Bot-Api-Secret-Token" if running.adapter == "zalo" else "X-Telegram-Bot-Api-Secret-Token"


def _sent(running: Running) -> int:
    api = running.api
    return len(api.sent_messages(str(USER)) if isinstance(api, FakeZaloAPI) else api.sent_messages(USER))


async def _post(running: Running, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[_header(running)] = secret
    async with aiohttp.ClientSession() as http:
        async with http.post(running.url, data=io.BytesIO(body), headers=headers) as response:
            return response.status


@pytest.mark.parametrize("forged", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1], "sécret"])
async def test_a_forged_update_is_refused(running: Running, forged: str | None) -> None:
    body = json.dumps(_update(running, "/start")).encode()
    assert await _post(running, body, secret=forged) in (401, 403)
    assert _sent(running) == 0 and await running.handled() == 0
    assert await _post(running, body) == 200  # the same update with the right secret is handled
    assert _sent(running) == 1 and await running.handled() == 1


def _fields() -> dict[str, Any]:
    return {"message_id": 1, "date": 1_700_000_000, "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "A"}, "text": "hi"}


def _malformed(running: Running) -> list[bytes]:
    common = [b"{not json " + MARK.encode(), b"\xff\xfe" + MARK.encode(), json.dumps([MARK]).encode(),
              json.dumps(MARK).encode(), b"", b"null"]
    if running.adapter == "zalo":
        shapes: list[Any] = [
            {"ok": True, "result": MARK},
            {"ok": True, "result": {"event_name": 5, "message": MARK}},
            {"ok": True, "result": {"event_name": "message.text.received", "message": {"chat": MARK}}},
            {"ok": True, "result": {"event_name": "message.text.received",
                                    "message": {"chat": {"id": "u1"}, "from": MARK, "text": "hi"}}},
            {"ok": True, "result": {"event_name": "message.text.received",
                                    "message": {"chat": {"id": "u1"}, "text": [MARK]}}},
            {"ok": True, "result": {"event_name": "message.text.received", "text": "x" * 300_000 + MARK}},
        ]
    else:
        shapes = [
            {"update_id": MARK, "message": {"text": "hi"}},
            {"message": {"message_id": 1, "text": MARK}},
            {"update_id": 5, "message": MARK},
            {"update_id": 5, "message": {"message_id": 1, "chat": MARK, "date": 1}},
            {"update_id": 6, "callback_query": {"id": MARK}},
            {"update_id": 7, "message": {"text": "x" * 1_100_000 + MARK}},
            {"update_id": 8, "message": {**_fields(), "text": [MARK]}},
            {"update_id": 9, "message": {**_fields(), "chat": {"id": MARK, "type": "private"}}},
            {"update_id": 10, "message": {**_fields(), "date": 10**20}},
            {"update_id": 11, "callback_query": {"id": "c", "chat_instance": "i", "data": {"x": MARK},
                                                 "from": {"id": USER, "is_bot": False, "first_name": "A"}}},
        ]
    return common + [json.dumps(shape).encode() for shape in shapes]


async def test_a_malformed_body_gets_400_and_one_warning(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    for body in _malformed(running):
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            status = await _post(running, body)
        assert status == 400, body[:80]
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("apscheduler")]
        assert len(warnings) == 1 and "malformed" in warnings[0].getMessage(), [r.getMessage() for r in warnings]
        assert not any(r.exc_info for r in caplog.records), body[:80]
        assert MARK not in caplog.text
    assert _sent(running) == 0 and await running.handled() == 0


async def test_the_platform_delivers_to_the_webhook(running: Running) -> None:
    """The real delivery path (the fake platform POSTs with the secret it was given) still works."""
    api = running.api
    if isinstance(api, FakeTelegramAPI):
        api.push_text(USER, "/start")
        await api.deliver_webhook()
        await api.wait_for_messages(USER, 1)
        await api.stop_webhook()
    else:
        api.push_text(str(USER), "xin chào")
        await api.wait_for_messages(str(USER), 1)
    assert await running.handled() == 1


def _mutations() -> list[dict[str, Any]]:
    """A valid update with one field at a time replaced by a value of another type."""
    values: list[Any] = [None, -1, 10**20, 1.5, "x", "", [], {}, [1], True]
    base = {"update_id": 1, "message": _fields()}
    found = []
    for section, field in [("", "update_id"), *[("message", k) for k in _fields()],
                           ("chat", "id"), ("chat", "type"), ("from", "id"), ("from", "first_name")]:
        for value in values:
            update = json.loads(json.dumps(base))
            target = update if not section else update["message"] if section == "message" else update["message"][section]
            target[field] = value
            found.append(update)
    return found


async def test_no_mutated_update_gets_a_500(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    if running.adapter == "zalo":
        pytest.skip("Telegram's update shape")
    with caplog.at_level(logging.INFO):
        for number, update in enumerate(_mutations(), 100):
            if isinstance(update.get("update_id"), int):
                update["update_id"] = number
            status = await _post(running, json.dumps(update).encode())
            assert status in (200, 400), (status, update)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
