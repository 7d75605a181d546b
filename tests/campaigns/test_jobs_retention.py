"""Retention per campaign: Kế Sách's youth data goes 12 months after its own dialogue (20/4/2024),
told to its own admin; the province's on 15/6/2024 takes the rest."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.broadcast import Broadcaster
from bot.config import AppConfig
from bot.coordination import CoordinationJobs
from handlers.settings import Person
from storage import Question, Store, Youth
from storage.models_admin import AuditEntry
from tests.admin.conftest import rows
from tests.campaigns.conftest import LOCAL_KEY, local_spec
from tests.coordination.support import RecordingSender, add_question, add_youth
from tests.support import FakeClock, local

ADMIN = Person(name="Văn phòng Tỉnh đoàn", channel="telegram", chat_id="9100")


def night(year: int, month: int, day: int) -> datetime:
    return local(year, month, day, 3) + timedelta(minutes=31)


@pytest.fixture
async def jobs(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> AsyncIterator[tuple[CoordinationJobs, RecordingSender]]:
    config = two_campaigns.model_copy(update={"roles": two_campaigns.roles.model_copy(update={"admins": (ADMIN,)})})
    sender = RecordingSender()
    yield CoordinationJobs(config, store, Broadcaster(store, sender, clock), clock, lambda: ["telegram", "zalo"]), sender


async def test_each_campaign_keeps_its_own_retention_promise(
    jobs: tuple[CoordinationJobs, RecordingSender], store: Store, clock: FakeClock
) -> None:
    job, sender = jobs
    now = clock.now()
    province = await add_youth(store, "p1", now)
    await add_question(store, province, "Tỉnh có hỗ trợ vay vốn khởi nghiệp cho thanh niên không?", "khoi_nghiep", now)
    kesach = await add_youth(store, "k1", now, unit="ANMY", campaign=LOCAL_KEY)
    await add_question(store, kesach, "Xã An Mỹ có lớp dạy nghề cho thanh niên không ạ?", "khoi_nghiep", now,
                       unit="ANMY", campaign=LOCAL_KEY, prefix="KS2023")
    await add_question(store, None, "Phiếu giấy: xã có sân bóng cho thanh niên không?", "khac", now, unit="ANMY",
                       campaign=LOCAL_KEY, prefix="KS2023")
    orphan = await add_youth(store, "o1", now, campaign="cu2022")  # a campaign that no longer exists

    clock.moment = night(2024, 4, 6)  # 14 days before Kế Sách's day
    await job.run(f"retention@{LOCAL_KEY}")
    await job.run("retention")
    [notice] = sender.to("ks-admin")  # its own admin; the province's admins are not told of it
    assert notice.text.startswith(f"📌 {local_spec()['name']}") and "20/04/2024" in notice.text
    assert "2 câu hỏi" in notice.text and sender.to("9100") == []

    clock.moment = night(2024, 4, 20)
    await job.run(f"retention@{LOCAL_KEY}")
    await job.run("retention")
    assert {y.id for y in await rows(store, Youth)} == {province, orphan}
    assert [q.code for q in await rows(store, Question)] == ["ST2023-0001"]
    assert f"1 youth, 2 questions erased (retention) of {LOCAL_KEY}" in [e.detail for e in await rows(store, AuditEntry)]

    clock.moment = night(2024, 6, 1)
    await job.run("retention")
    [province_notice] = sender.to("9100")
    assert "15/06/2024" in province_notice.text and "1 câu hỏi" in province_notice.text
    assert len(sender.to("ks-admin")) == 1

    clock.moment = night(2024, 6, 15)
    await job.run("retention")
    await job.run(f"retention@{LOCAL_KEY}")
    assert await rows(store, Youth) == [] and await rows(store, Question) == []
