"""A reply that cannot be sent fails the webhook request, so Telegram redelivers and the stored replies are replayed."""

import logging
from pathlib import Path

import pytest

from tests.edge.conftest import Running, no_sleep, start
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import FakeClock

USER = 5151


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_a_lost_reply_is_redelivered_once(library: str, tmp_path: Path, clock: FakeClock) -> None:
    async for running in start(library, tmp_path, clock):
        api = running.api
        assert isinstance(api, FakeTelegramAPI)
        running.app.channels["telegram"]._sleep = no_sleep  # type: ignore[union-attr]  # the retry policy's backoff, not waited
        api.fail_next("sendMessage", 502, count=6)  # the retry policy (6 attempts) gives up
        update_id = api.push_text(USER, "/start")
        await api.deliver_webhook()
        [reply] = await api.wait_for_messages(USER, 1)
        await api.wait_drained()
        await api.stop_webhook()
        statuses = [a.status for a in api.webhook_attempts if a.update_id == update_id]
        assert statuses == [503, 200], statuses  # failed, redelivered, then answered
        assert len(api.sent_messages(USER)) == 1 and "26/05/2023" in reply["text"]  # the privacy notice, once
        assert await running.handled() == 1  # handled once; the redelivery replayed the stored reply


async def _blocked(running: Running) -> None:
    api = running.api
    assert isinstance(api, FakeTelegramAPI)
    api.block_chat(USER)
    update_id = api.push_text(USER, "/start")
    await api.deliver_webhook()
    await api.wait_drained()
    await api.stop_webhook()
    assert [a.status for a in api.webhook_attempts if a.update_id == update_id] == [200]


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_a_blocked_youth_is_not_redelivered(library: str, tmp_path: Path, clock: FakeClock) -> None:
    """403 will not change on a redelivery: the request succeeds and the failure is logged."""
    async for running in start(library, tmp_path, clock):
        await _blocked(running)


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_polling_logs_a_lost_reply_once(
    library: str, tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """getUpdates has no redelivery: the lost reply is one WARNING (no traceback) and the next message works."""
    async for running in start(library, tmp_path, clock, mode="polling"):
        api = running.api
        assert isinstance(api, FakeTelegramAPI)
        running.app.channels["telegram"]._sleep = no_sleep  # type: ignore[union-attr]
        api.fail_next("sendMessage", 502, count=6)
        with caplog.at_level(logging.INFO):
            api.push_text(USER, "/start")
            await api.wait_until(lambda: "not redelivered" in caplog.text, timeout=30)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        api.push_text(USER, "/start")
        await api.wait_for_messages(USER, 1, timeout=30)
