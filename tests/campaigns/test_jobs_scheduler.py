"""Scheduled jobs per campaign: each campaign's reminders, digests, overdue notices and final export,
on its own dates, to its own people, once; campaigns created at run time are followed without a restart.

The province's campaign: dialogue 15/6/2023, deadline 26/5. Kế Sách's (kesach2023): dialogue
20/4/2023, deadline 10/4, so its 14-day reminder is on 27/3 and its final export on 11/4.
"""

import asyncio
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from openpyxl import load_workbook

from bot.app import _leadership
from bot.config import AppConfig
from bot.scheduler import Scheduler, job_specs
from handlers import campaigns
from handlers.admin.context import Seams, notify
from handlers.settings import Campaign, Person
from handlers.types import Reply
from storage import Store, create_all, create_engine
from tests.campaigns.conftest import LOCAL_KEY, local_spec
from tests.coordination.support import HEALTH, UNION, Process, add_question, add_youth, scheduler_clock, with_coordinators
from tests.support import FakeClock, local

LOCAL_NAME = local_spec()["name"]
PROVINCE_JOBS = {
    "digest", "reminder:d14", "reminder:d7", "reminder:d3", "reminder:d1", "reminder:d0", "dated:district_plans",
    "final_export", "overdue", "housekeeping", "retention", "followups", "staff_files",
}
LOCAL_JOBS = {
    f"{name}@{LOCAL_KEY}" for name in (
        "digest", "reminder:d14", "reminder:d7", "reminder:d3", "reminder:d1", "reminder:d0", "final_export", "overdue",
        "retention",
    )
}
CHANNELS = ("telegram", "zalo")  # Kế Sách's admin is on Zalo


def minute_after(year: int, month: int, day: int, hour: int) -> datetime:
    return local(year, month, day, hour) + timedelta(minutes=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    yield scheduler_clock(monkeypatch, local(2023, 3, 26, 7))


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> Path:
    """Youth and questions of both campaigns in one database."""
    path = tmp_path / "bot.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await create_all(engine)
    store = Store(engine)
    now = clock.now()
    await add_youth(store, "p1", now)  # the province's, no question yet
    p2 = await add_youth(store, "p2", now, reminders_ok=True)
    await add_question(store, p2, "Tỉnh có chương trình khám sức khỏe cho thanh niên không?", "suc_khoe", now)
    await add_youth(store, "k1", now, unit="ANMY", campaign=LOCAL_KEY)  # Kế Sách's, no question yet
    k2 = await add_youth(store, "k2", now, unit="ANMY", reminders_ok=True, campaign=LOCAL_KEY)
    await add_question(store, k2, "Xã An Mỹ có trạm y tế cho thanh niên khám miễn phí không?", "suc_khoe", now,
                       unit="ANMY", campaign=LOCAL_KEY, prefix="KS2023")
    await store.close()
    return path


def with_local(config: AppConfig, **changes: Any) -> AppConfig:
    """The configuration with Kế Sách's campaign as the file writes it (`changes` to its spec)."""
    raw = config.model_dump(mode="json")
    raw["campaigns"] = [local_spec(**changes)]
    return AppConfig.model_validate(raw)


async def started(process: Process) -> Process:
    """A leader's start: read the stored campaigns, then schedule (bot/app.py does the same)."""
    await process.scheduler.refresh()
    process.scheduler.start()
    return process


def texts_to(process: Process, chat_id: str) -> list[str]:
    return [reply.text for reply in process.sender.to(chat_id)]


def test_each_local_campaign_has_its_own_jobs_and_the_provinces_keep_their_ids(
    config: AppConfig, two_campaigns: AppConfig
) -> None:
    assert {spec.id for spec in job_specs(config)} == PROVINCE_JOBS  # a deployment with no local campaign
    scheduler = Scheduler(two_campaigns, lambda job: asyncio.sleep(0), FakeClock(local(2023, 3, 1)),
                          store=MemoryJobStore())
    specs = {s.id: s.trigger for s in job_specs(two_campaigns, None, scheduler.campaigns.values())}
    assert set(specs) == PROVINCE_JOBS | LOCAL_JOBS  # dated reminders and rhythmic jobs once: the province's
    zone = two_campaigns.campaign.zone

    def first(job: str) -> datetime:
        return specs[job].get_next_fire_time(None, local(2023, 3, 1, 0))

    assert first(f"reminder:d14@{LOCAL_KEY}") == datetime(2023, 3, 27, 8, tzinfo=zone)
    assert first(f"final_export@{LOCAL_KEY}") == datetime(2023, 4, 11, 7, tzinfo=zone)  # after its deadline day
    assert first("reminder:d14") == datetime(2023, 5, 12, 8, tzinfo=zone)
    assert first(f"digest@{LOCAL_KEY}") == first("digest") == datetime(2023, 3, 1, 17, tzinfo=zone)  # one time of day


async def test_each_campaign_reminds_its_own_youth_on_its_own_days_once(
    two_campaigns: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(two_campaigns, UNION)
    first = await started(Process(config, db, clock, "a", CHANNELS))
    clock.moment = minute_after(2023, 3, 27, 8)  # Kế Sách: 14 days before its deadline
    await first.tick()
    assert first.sender.per_chat() == {"k1": 1, "k2": 1, "ks-yte": 1}  # its youth and its coordinator only
    [to_k1] = texts_to(first, "k1")
    assert "14 ngày" in to_k1 and "10/04/2023" in to_k1 and LOCAL_NAME in to_k1 and "lãnh đạo tỉnh" not in to_k1
    [count] = texts_to(first, "ks-yte")
    assert LOCAL_NAME in count and "1 câu hỏi" in count and "Sở Nội vụ" not in count
    await first.tick()
    await first.close()

    again = Process(config, db, clock, "b", CHANNELS)  # a restart, and the job fired again by hand
    assert await again.jobs.run(f"reminder:d14@{LOCAL_KEY}") is None
    await started(again)
    await again.tick()
    assert again.sender.sent == []
    clock.moment = minute_after(2023, 4, 10, 8)  # Kế Sách's last day (and the province's dated reminder)
    await again.tick()
    assert {chat for chat, n in again.sender.per_chat().items() if n} == {"k1", "k2", "ks-yte", "9004"}
    [today] = texts_to(again, "k1")
    assert "Hôm nay (10/04/2023) là ngày cuối cùng" in today and LOCAL_NAME in today
    [plans] = texts_to(again, "9004")
    assert "kế hoạch tổ chức đối thoại cấp huyện" in plans  # dated reminders stay the province's
    clock.moment = minute_after(2023, 5, 12, 8)  # the province: 14 days before its deadline
    await again.tick()
    assert texts_to(again, "k1") == [today]
    province = texts_to(again, "p1")
    assert len(province) == 1 and "lãnh đạo tỉnh" in province[0] and "26/05/2023" in province[0]
    assert len(texts_to(again, "p2")) == 1 and len(texts_to(again, "9004")) == 2
    await again.close()


def has(replies: list[Reply], code: str) -> list[Reply]:
    return [r for r in replies if code in r.text]


async def test_digests_per_campaign_bring_each_coordinator_only_their_campaigns_questions(
    two_campaigns: AppConfig, db: Path, clock: FakeClock
) -> None:
    shared = {"name": "Tỉnh đoàn", "channel": "telegram", "chat_id": "9004", "scope": "all"}  # in both campaigns
    ks_yte = local_spec()["roles"]["coordinators"][0]
    config = with_coordinators(
        with_local(two_campaigns, roles={"admins": local_spec()["roles"]["admins"], "coordinators": [ks_yte, shared]}),
        HEALTH, UNION,
    )
    clock.moment = local(2023, 3, 26, 16)
    process = await started(Process(config, db, clock, "a", CHANNELS))
    clock.moment = minute_after(2023, 3, 26, 17)
    await process.tick()
    [health] = process.sender.to("9001")
    assert "ST2023-0001" in health.text and "KS2023-0001" not in health.text
    [local_health] = process.sender.to("ks-yte")
    assert "KS2023-0001" in local_health.text and "ST2023-0001" not in local_health.text
    assert local_health.text.startswith(f"📌 {LOCAL_NAME}")
    both = process.sender.to("9004")  # two digests, one per campaign (their sent-log occurrences differ)
    assert len(both) == 2
    [province] = has(both, "ST2023-0001")
    [kesach] = has(both, "KS2023-0001")
    assert "KS2023-0001" not in province.text and "ST2023-0001" not in kesach.text and LOCAL_NAME in kesach.text
    assert [a.filename for a in kesach.attachments][1].startswith(f"tong-hop-cau-hoi-{LOCAL_KEY}-")
    assert process.sender.to("ks-admin") == []  # an admin gets no digest
    await process.tick()
    assert await process.jobs.run(f"digest@{LOCAL_KEY}") is None  # the same evening again: nothing twice
    assert len(process.sender.sent) == 4
    await process.close()


def codes_in(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return {str(row[1]) for sheet in book.worksheets for row in list(sheet.values)[1:] if row and row[1]}
    finally:
        book.close()


async def test_each_campaign_has_its_own_final_export(two_campaigns: AppConfig, db: Path, clock: FakeClock) -> None:
    config = with_coordinators(two_campaigns, UNION)
    clock.moment = local(2023, 4, 11, 6)
    process = await started(Process(config, db, clock, "a", CHANNELS))
    clock.moment = minute_after(2023, 4, 11, 7)  # the morning after Kế Sách's deadline day
    await process.tick()
    [export] = process.sender.to("ks-admin")  # its organiser; its health coordinator is no consolidator
    assert export.text.startswith(f"📌 {LOCAL_NAME}") and "10/04/2023" in export.text and "1 câu hỏi" in export.text
    assert codes_in(export.attachments[1].content) == {"KS2023-0001"}
    assert process.sender.to("9004") == [] and process.sender.to("ks-yte") == []
    clock.moment = minute_after(2023, 5, 27, 7)  # the province's
    await process.tick()
    [province] = [r for r in process.sender.to("9004") if "bản tổng hợp cuối cùng" in r.text]
    assert codes_in(province.attachments[1].content) == {"ST2023-0001"} and "📌" not in province.text
    assert len(process.sender.to("ks-admin")) == 1
    await process.close()


async def create(process: Process, config: AppConfig, **changes: Any) -> Campaign:
    """What /tao_chien_dich does: campaigns.create, then the listeners hear of the new campaign."""
    async with process.store.unit() as uow:
        spec, problems = await campaigns.create(config, uow, local_spec(**changes), "telegram:9004", process.jobs.clock.now())
    assert spec is not None, problems
    return config.for_campaign(spec).campaign


async def test_a_campaign_created_at_run_time_gets_its_jobs_without_a_restart(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION)  # no local campaign in the file
    leader = await started(Process(config, db, clock, "a", CHANNELS))
    assert not {j.id for j in leader.scheduler.aps.get_jobs()} & LOCAL_JOBS
    seams = Seams(campaign_listeners=[leader.scheduler.reschedule])
    campaign = await create(leader, config, key="phuong1", receipt_prefix="P12023")
    notify(seams.campaign_listeners, campaign)
    ids = {j.id for j in leader.scheduler.aps.get_jobs()}
    assert {"reminder:d14@phuong1", "digest@phuong1", "final_export@phuong1"} <= ids
    await add_youth(leader.store, "q1", clock.now(), campaign="phuong1")
    clock.moment = minute_after(2023, 3, 27, 8)
    await leader.tick()
    [reminder] = texts_to(leader, "q1")
    assert local_spec()["name"] in reminder and "14 ngày" in reminder
    assert texts_to(leader, "k1") == []  # still stored as Kế Sách's, which this configuration does not have
    assert leader.sender.to("ks-yte")  # phuong1's coordinator (the same people as the spec)
    await leader.close()


async def test_another_worker_learns_of_a_new_campaign_at_its_next_check(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION).model_copy(
        update={"scaling": config.scaling.model_copy(update={"leader_check_seconds": 0.02})})
    leader = Process(config, db, clock, "a", CHANNELS)
    leader.store.lookups.ttl = 0  # the stored campaigns are cached 5 s per worker: not here
    leadership = _leadership(config, leader.store, leader.jobs, leader.scheduler)  # bot/app.py's, on SQLite
    await leadership.start()
    worker = Process(config, db, clock, "b", CHANNELS)  # an admin types /tao_chien_dich here: no scheduler runs
    campaign = await create(worker, config, key="phuong1", receipt_prefix="P12023")
    worker.scheduler.reschedule(campaign)
    assert not worker.scheduler.aps.running
    for _ in range(100):
        if "reminder:d14@phuong1" in {j.id for j in leader.scheduler.aps.get_jobs()}:
            break
        await asyncio.sleep(0.02)
    assert "phuong1" in leader.scheduler.campaigns
    assert "reminder:d14@phuong1" in {j.id for j in leader.scheduler.aps.get_jobs()}
    await leadership.stop()
    await leader.close()
    await worker.close()


async def test_a_restart_keeps_a_local_campaigns_jobs_and_sends_a_missed_reminder_once(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION)
    first = await started(Process(config, db, clock, "a", CHANNELS))
    first.scheduler.reschedule(await create(first, config, key="phuong1", receipt_prefix="P12023"))
    await add_youth(first.store, "q1", clock.now(), campaign="phuong1")
    await first.close()  # down before 08:00 …
    clock.moment = local(2023, 3, 27, 11)  # … back at 11:00, within the grace
    second = Process(config, db, clock, "b", CHANNELS)
    second.scheduler.start()  # started before the campaigns are read: their stored jobs stay
    assert "reminder:d14@phuong1" in {j.id for j in second.scheduler.aps.get_jobs()}
    await second.scheduler.refresh()
    await second.tick()
    [reminder] = texts_to(second, "q1")
    assert "14 ngày" in reminder
    await second.close()
    third = await started(Process(config, db, clock, "c", CHANNELS))
    await third.tick()
    assert third.sender.sent == []
    async with third.store.unit() as uow:  # the campaign is removed: its jobs go at the next check
        await uow.session.exec(campaigns_table_delete("phuong1"))  # type: ignore[call-overload]
    third.store.lookups.clear()
    assert await third.scheduler.refresh()
    assert not [j.id for j in third.scheduler.aps.get_jobs() if j.id.endswith("@phuong1")]
    await third.close()


def campaigns_table_delete(key: str) -> Any:
    from sqlalchemy import delete

    from storage.models import StoredCampaign

    return delete(StoredCampaign).where(StoredCampaign.key == key)  # type: ignore[arg-type]


async def test_overdue_notices_per_campaign_and_no_empty_digests_after_a_local_dialogue(
    two_campaigns: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(two_campaigns, UNION)
    clock.moment = local(2023, 4, 13, 7)
    process = await started(Process(config, db, clock, "a", CHANNELS))
    clock.moment = minute_after(2023, 4, 13, 8)  # 7 days before Kế Sách's dialogue; the province's is far off
    await process.tick()
    [notice] = texts_to(process, "ks-yte")
    assert notice.startswith(f"📌 {LOCAL_NAME}") and "KS2023-0001" in notice and "ST2023-0001" not in notice
    assert texts_to(process, "9004") == []
    clock.moment = minute_after(2023, 4, 20, 17)  # its dialogue day: still open, the digest goes
    await process.tick()
    assert "KS2023-0001" in texts_to(process, "ks-yte")[-1]
    sent = len(process.sender.to("ks-yte"))
    clock.moment = minute_after(2023, 4, 21, 17)  # closed, nothing new: no "nothing new" every evening
    await process.tick()
    assert len(process.sender.to("ks-yte")) == sent
    assert "không có câu hỏi mới" in texts_to(process, "9004")[-1]  # the province's reads as always
    await process.close()


async def test_a_local_campaign_with_nobody_to_consolidate_sends_its_export_to_the_provinces_admins(
    two_campaigns: AppConfig, db: Path, clock: FakeClock
) -> None:
    province_admin = Person(name="Văn phòng Tỉnh đoàn", channel="telegram", chat_id="9100")
    config = with_local(two_campaigns, roles={"coordinators": [local_spec()["roles"]["coordinators"][0]]})
    config = config.model_copy(update={"roles": config.roles.model_copy(update={"admins": (province_admin,)})})
    clock.moment = minute_after(2023, 4, 11, 7)
    process = Process(config, db, clock, "a", CHANNELS)
    await process.jobs.run(f"final_export@{LOCAL_KEY}")
    [export] = process.sender.to("9100")
    assert export.text.startswith(f"📌 {LOCAL_NAME}") and codes_in(export.attachments[1].content) == {"KS2023-0001"}
    assert set(process.sender.per_chat()) == {"9100"}
    await process.close()
