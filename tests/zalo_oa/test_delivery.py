"""OA errors in our error tree, and broadcasts to OA users: paced, once, unreachable when the window closed."""

from collections.abc import AsyncIterator

import pytest

from bot.broadcast import Broadcaster, Outgoing
from bot.channels.zalo_oa_api import OAApiError
from bot.errors import PermanentChannelError, RecipientUnreachable
from handlers.types import Address, Attachment, Reply
from storage import Store
from storage.deliveries import DeliveryRepo
from tests.fakes.zalo_oa_api import NOT_FOLLOWER, RATE_LIMIT, WINDOW_CLOSED
from tests.support import FakeClock
from tests.zalo_oa.support import Wired, wired

OPEN, CLOSED, GONE = Address("zalo_oa", "open"), Address("zalo_oa", "closed"), Address("zalo_oa", "gone")


@pytest.fixture
async def w(store: Store, clock: FakeClock) -> AsyncIterator[Wired]:
    async with wired(store, clock) as wired_channel:
        yield wired_channel


async def test_a_closed_window_is_unreachable_and_never_retried(w: Wired) -> None:
    w.oa.unreachable["closed"] = WINDOW_CLOSED
    await w.channel.send(OPEN, Reply("xin chào"))  # the token is renewed on the first send
    calls = w.oa.send_calls
    with pytest.raises(RecipientUnreachable):
        await w.channel.send(CLOSED, Reply("Câu hỏi của bạn đã có trả lời."))
    assert w.oa.send_calls == calls + 1
    w.oa.unreachable["gone"] = NOT_FOLLOWER  # unfollowed the OA
    with pytest.raises(RecipientUnreachable):
        await w.channel.send(GONE, Reply("Nhắc hạn"))


async def test_rate_limits_back_off_and_other_errors_are_permanent(w: Wired) -> None:
    w.oa.fail_next(RATE_LIMIT, count=2)
    await w.channel.send(OPEN, Reply("xin chào"))
    assert [m["text"] for m in w.oa.messages("open")] == ["xin chào"]
    w.oa.fail_next(-201)  # invalid parameters
    with pytest.raises(OAApiError) as refused:
        await w.channel.send(OPEN, Reply("lần nữa"))
    assert isinstance(refused.value, PermanentChannelError) and refused.value.code == -201


async def test_a_broadcast_reaches_oa_users_once_and_marks_a_closed_window(
    w: Wired, store: Store, clock: FakeClock
) -> None:
    w.oa.unreachable["closed"] = WINDOW_CLOSED
    broadcaster = Broadcaster(store, w.channel.send, clock)
    messages = [Outgoing(a, (Reply("Thông báo: buổi đối thoại dời sang 8 giờ."),)) for a in (OPEN, CLOSED)]
    report = await broadcaster.run("announce:1", "1", messages)
    assert (report.sent, report.unreachable, report.failed) == ([OPEN], [CLOSED], [])
    calls = w.oa.send_calls
    again = await broadcaster.run("announce:1", "1", messages)  # a second worker, or a restart
    assert again.skipped == 2 and w.oa.send_calls == calls
    async with store.unit() as uow:
        assert await DeliveryRepo(uow.session).statuses("announce:1", "1") == {"sent": 1, "unreachable": 1}
    assert len(w.oa.messages("open")) == 1


async def test_files_for_staff(w: Wired) -> None:
    chart = Attachment("bieu-do.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    report = Attachment("bao-cao.pdf", b"%PDF-1.4 ...", "application/pdf")
    sheet = Attachment("cau-hoi.xlsx", b"PK\x03\x04", "application/vnd.ms-excel")
    await w.channel.send(OPEN, Reply("Tệp bạn cần:", attachments=(chart, report, sheet)))
    assert [(kind, name) for kind, name, _ in w.oa.uploads] == [("image", "bieu-do.png"), ("file", "bao-cao.pdf")]
    text, image, pdf, notice = w.oa.messages("open")
    assert text == {"text": "Tệp bạn cần:"}
    assert image["attachment"]["payload"]["elements"][0]["media_type"] == "image"
    assert pdf["attachment"]["type"] == "file" and pdf["attachment"]["payload"]["token"].startswith("up")
    assert "cau-hoi.xlsx" in notice["text"]
