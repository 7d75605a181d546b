"""The nightly retention job, with a moved clock: admins told 14 days before, youth data erased on the day."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.broadcast import Broadcaster
from bot.config import AppConfig
from bot.coordination import CoordinationJobs
from bot.scheduler import job_specs
from handlers import retention
from handlers.settings import Person, Roles
from storage import Question, Store, Youth
from storage.models_admin import AuditEntry, BlockedChat
from tests.admin.conftest import rows
from tests.coordination.support import add_question, add_youth
from tests.coordination.support import RecordingSender
from tests.privacy.scan import where_found
from tests.support import FakeClock, local

ADMIN = Person(name="Văn phòng Tỉnh đoàn", channel="telegram", chat_id="9100")
TEXT = "Em ở ấp Mỹ Phước cần vay vốn nuôi tôm, thủ tục thế nào ạ?"


@pytest.fixture
def config(config: AppConfig) -> AppConfig:
    return config.model_copy(update={"roles": Roles(admins=(ADMIN,))})


@pytest.fixture
async def jobs(config: AppConfig, store: Store, clock: FakeClock) -> AsyncIterator[tuple[CoordinationJobs, RecordingSender]]:
    sender = RecordingSender()
    yield CoordinationJobs(config, store, Broadcaster(store, sender, clock), clock, lambda: ["telegram"]), sender


def test_the_dates_follow_the_notice(config: AppConfig) -> None:
    assert config.campaign.dialogue_date.isoformat() == "2023-06-15" and config.privacy.retention_months == 12
    assert retention.erase_on(config).isoformat() == "2024-06-15"
    assert retention.notice_on(config).isoformat() == "2024-06-01"
    end_of_month = config.model_copy(update={"campaign": config.campaign.model_copy(
        update={"dialogue_date": config.campaign.dialogue_date.replace(month=8, day=31)})})
    assert retention.erase_on(end_of_month.model_copy(update={"privacy": config.privacy.model_copy(
        update={"retention_months": 6})})).isoformat() == "2024-02-29"


def test_it_is_one_nightly_job(config: AppConfig) -> None:
    [spec] = [s for s in job_specs(config) if s.id == "retention"]
    assert spec.trigger.get_next_fire_time(None, local(2024, 6, 1, 0)) == local(2024, 6, 1, 3) + timedelta(minutes=30)


async def test_admins_are_told_then_the_data_goes(
    jobs: tuple[CoordinationJobs, RecordingSender], store: Store, clock: FakeClock
) -> None:
    job, sender = jobs
    youth = await add_youth(store, "u7001", clock.now())
    await add_question(store, youth, TEXT, "khoi_nghiep", clock.now(), name="Phạm Thị Tôm")
    await add_question(store, None, "Câu hỏi từ phiếu giấy về sân chơi", "khac", clock.now(), name="Người điền phiếu")
    async with store.unit() as uow:
        await uow.admin.block("telegram", "u7002", "telegram:9100", clock.now())
        await uow.admin.keep_blocked_message("telegram", "u7002", "tin rác", clock.now())
        await uow.admin.audit("telegram:u7003", "youth", "thongke", clock.now(), allowed=False)

    clock.moment = local(2024, 5, 31, 3) + timedelta(minutes=31)
    await job.run("retention")
    assert sender.sent == []
    clock.moment = local(2024, 6, 1, 3) + timedelta(minutes=31)
    await job.run("retention")
    [notice] = sender.to("9100")
    assert "15/06/2024" in notice.text and "2 câu hỏi" in notice.text
    assert any(a.filename.endswith(".xlsx") for a in notice.attachments)
    clock.advance(days=1)
    await job.run("retention")
    assert len(sender.to("9100")) == 1  # told once
    assert len(await rows(store, Question)) == 2  # nothing erased before the day

    clock.moment = local(2024, 6, 15, 3) + timedelta(minutes=31)
    later = await add_youth(store, "u7009", clock.now())  # next year's campaign: not expired
    await job.run("retention")
    assert [y.id for y in await rows(store, Youth)] == [later]
    assert await rows(store, Question) == []
    needles = ["u7001", "u7002", "u7003", TEXT, "Phạm Thị Tôm", "Người điền phiếu", "tin rác"]
    assert await where_found(store, needles) == set()
    [block] = await rows(store, BlockedChat)
    assert block.chat_id.startswith("~")
    async with store.unit() as uow:
        assert await uow.admin.is_blocked("telegram", "u7002")  # the block outlives the data
    assert "1 youth, 2 questions erased" in [e.detail for e in await rows(store, AuditEntry)][-1]
    await job.run("retention")  # the next night: nothing left, nothing new
    assert len(await rows(store, AuditEntry)) == 2
