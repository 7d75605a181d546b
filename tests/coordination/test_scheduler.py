"""APScheduler with the persistent job store, driven by a fake clock: local times, restarts, two schedulers."""

import asyncio
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from bot.config import AppConfig
from bot.coordination_config import DatedReminder
from bot.dispatcher import Dispatcher
from bot.scheduler import job_specs
from handlers.conversation import Conversation
from storage import Store, create_all, create_engine
from storage.models_admin import RoleGrant
from storage.web_outbox import WebOutboxRepo
from tests.coordination.support import (
    HEALTH, HOME, UNION, Process, add_question, add_youth, scheduler_clock, with_coordinators,
)
from tests.support import FakeClock, MemoryChannel, local


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    """One fake clock for our code and for APScheduler's own idea of 'now'."""
    yield scheduler_clock(monkeypatch, local(2023, 5, 12, 7))


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> Path:
    path = tmp_path / "bot.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await create_all(engine)
    store = Store(engine)
    youth = await add_youth(store, "501", clock.now())
    await add_question(store, youth, "Tỉnh có hỗ trợ vay vốn khởi nghiệp không?", "khoi_nghiep", clock.now())
    await add_youth(store, "502", clock.now())  # started, no question yet
    await add_youth(store, "503", clock.now(), reminders_ok=True)
    await add_youth(store, "504", clock.now(), channel="web")  # cannot be pushed to
    await store.close()
    return path


def test_jobs_fire_at_local_times(config: AppConfig) -> None:
    config = with_coordinators(config, dated=(DatedReminder(id="district_plans", day="2023-04-10", title="Kế hoạch đối thoại cấp huyện"),))
    runs = {s.id: s.trigger.get_next_fire_time(None, local(2023, 4, 1, 0)) for s in job_specs(config)}
    zone = config.campaign.zone
    assert runs["reminder:d14"] == datetime(2023, 5, 12, 8, tzinfo=zone)
    assert runs["reminder:d0"] == datetime(2023, 5, 26, 8, tzinfo=zone)  # the deadline morning
    assert runs["final_export"] == datetime(2023, 5, 27, 7, tzinfo=zone)  # just after the deadline day
    assert runs["dated:district_plans"] == datetime(2023, 4, 10, 8, tzinfo=zone)
    assert runs["digest"] == datetime(2023, 4, 1, 17, tzinfo=zone)


async def test_reminder_fires_once_across_a_restart_and_two_schedulers(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION)
    first = Process(config, db, clock, "a")
    first.scheduler.start()
    await first.tick()
    assert first.sender.sent == []  # 07:00: nothing due
    await first.close()  # the bot goes down before 08:00 …
    clock.advance(hours=3)  # … and comes back at 10:00, within the 6-hour grace
    second, third = Process(config, db, clock, "b"), Process(config, db, clock, "c")
    second.scheduler.start()
    third.scheduler.start()  # a second process on the same database
    await asyncio.gather(second.tick(), third.tick())
    counts = second.sender.per_chat() + third.sender.per_chat()
    assert counts == {"502": 1, "503": 1, "9004": 1}  # started, opted in, coordinator; not 501, not web
    [reminder] = second.sender.to("502") + third.sender.to("502")
    assert "14 ngày" in reminder.text
    await second.close()
    await third.close()
    fourth = Process(config, db, clock, "d")  # yet another restart: nothing twice
    fourth.scheduler.start()
    await fourth.tick()
    assert fourth.sender.sent == []
    await fourth.close()


async def test_missed_beyond_the_grace_is_skipped_and_the_deadline_sends_the_export(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, HOME, UNION)
    clock.advance(days=14, hours=23)  # 27/5 06:00: every reminder is long past
    process = Process(config, db, clock, "a")
    process.scheduler.start()
    await process.tick()
    assert process.sender.sent == []
    assert config.campaign.is_late(clock.now())  # the intake is in late mode already
    clock.advance(hours=1, minutes=1)  # 07:01: the final export
    await process.tick()
    assert set(process.sender.per_chat()) == {"9003", "9004"}
    [export] = process.sender.to("9003")
    assert "1 câu hỏi" in export.text and [a.mime_type for a in export.attachments][1].endswith("sheet")
    clock.advance(hours=10)  # 17:01: the daily digest
    await process.tick()
    assert process.sender.per_chat()["9003"] == 2
    await process.close()


async def test_changed_config_replaces_jobs_without_duplicates(config: AppConfig, db: Path, clock: FakeClock) -> None:
    process = Process(with_coordinators(config, UNION), db, clock, "a")
    process.scheduler.start()
    ids = sorted(j.id for j in process.scheduler.aps.get_jobs())
    process.scheduler.sync()
    assert sorted(j.id for j in process.scheduler.aps.get_jobs()) == ids
    await process.close()
    later = with_coordinators(config, UNION, reminders=(), digest_time=time(18, 30))
    process = Process(later, db, clock, "a")
    process.scheduler.start()
    jobs = {j.id: j for j in process.scheduler.aps.get_jobs()}
    assert sorted(jobs) == ["digest", "final_export", "followups", "housekeeping", "overdue", "retention", "staff_files"]
    assert jobs["digest"].next_run_time == datetime(2023, 5, 12, 18, 30, tzinfo=config.campaign.zone)
    await process.close()



async def test_a_moved_dialogue_moves_the_reminders_also_after_a_restart(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION)
    process = Process(config, db, clock, "a")
    process.scheduler.start()
    before = {j.id: j.next_run_time for j in process.scheduler.aps.get_jobs()}
    async with process.store.unit() as uow:  # /chien_dich ngay=… stores this and calls reschedule
        await uow.admin.set_campaign_override(
            config.campaign.dialogue_date + timedelta(days=10), None, "telegram:1", clock.now()
        )
    process.scheduler.reschedule((await process.jobs.effective()).campaign)
    moved = {j.id: j.next_run_time for j in process.scheduler.aps.get_jobs()}
    assert moved["reminder:d14"] == before["reminder:d14"] + timedelta(days=10)
    assert moved["final_export"] == before["final_export"] + timedelta(days=10)
    assert moved["digest"] == before["digest"]
    await process.close()

    again = Process(config, db, clock, "b")  # a restart (or a new leader) reads the stored change first
    again.scheduler.campaign = (await again.jobs.effective()).campaign
    again.scheduler.start()
    def campaign_dated(runs: dict[str, object]) -> dict[str, object]:  # not the rhythmic jobs: their time moved on
        return {k: v for k, v in runs.items() if k.startswith(("reminder:", "dated:", "final_export", "digest"))}

    assert campaign_dated({j.id: j.next_run_time for j in again.scheduler.aps.get_jobs()}) == campaign_dated(moved)
    clock.moment = local(2023, 5, 12, 8) + timedelta(minutes=1)  # the old 14-day reminder time: nothing
    await again.tick()
    assert again.sender.to("502") == []
    clock.moment = local(2023, 5, 22, 8) + timedelta(minutes=1)  # 14 days before the new deadline, 5/6
    await again.tick()
    [reminder] = again.sender.to("502")
    assert "05/06/2023" in reminder.text
    await again.close()


async def test_coordinators_hear_of_open_questions_each_morning_of_the_last_week(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    config = with_coordinators(config, UNION)  # the dialogue is on 15/6/2023
    process = Process(config, db, clock, "a")
    process.scheduler.start()
    clock.moment = local(2023, 6, 7, 8) + timedelta(minutes=1)  # 8 days before: not yet
    await process.tick()
    assert process.sender.to("9004") == []
    clock.moment = local(2023, 6, 8, 8) + timedelta(minutes=1)  # 7 days before
    await process.tick()
    [notice] = process.sender.to("9004")
    assert "1 câu hỏi" in notice.text and "còn 7 ngày" in notice.text
    await process.tick()  # the same morning again (another process, a restart): not twice
    assert len(process.sender.to("9004")) == 1
    clock.moment = local(2023, 6, 9, 8) + timedelta(minutes=1)
    await process.tick()
    assert len(process.sender.to("9004")) == 2
    await process.close()


async def test_housekeeping_at_night_drops_only_what_nobody_can_need(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    process = Process(config, db, clock, "a")
    async with process.store.unit() as uow:
        outbox = WebOutboxRepo(uow.session)
        await uow.updates.record("telegram", "1", "telegram:7", [{"text": "cũ"}], clock.now() - timedelta(days=3))
        await uow.updates.record("telegram", "2", "telegram:7", [{"text": "mới"}], clock.now() - timedelta(hours=20))
        await outbox.add("web-old", {"text": "cũ"}, clock.now() - timedelta(days=31))
        await outbox.add("web-new", {"text": "mới"}, clock.now() - timedelta(days=2))
    process.scheduler.start()
    clock.moment = local(2023, 5, 13, 3) + timedelta(minutes=31)  # 03:31 the next night
    await process.tick()
    async with process.store.unit() as uow:
        assert await uow.updates.replies_for("telegram", "1") is None
        assert await uow.updates.replies_for("telegram", "2") == [{"text": "mới"}]  # a redelivery still replays
        outbox = WebOutboxRepo(uow.session)
        assert await outbox.after("web-old", 0) == []
        assert [reply for _, reply in await outbox.after("web-new", 0)] == [{"text": "mới"}]
    assert process.sender.sent == []
    await process.close()


async def test_a_question_retagged_into_scope_after_a_digest_is_in_the_next_one(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    process = Process(with_coordinators(config, HEALTH), db, clock, "a")
    await process.jobs.digests()
    [first] = process.sender.to("9001")
    assert "ST2023-0001" not in first.text  # a startup-loan question: not health's
    clock.advance(hours=1)
    async with process.store.unit() as uow:
        question = await uow.questions.by_code("ST2023-0001")
        await uow.questions.correct_topic(question, "suc_khoe", "telegram:9004", clock.now())
    clock.advance(days=1)
    await process.jobs.digests()
    assert "ST2023-0001" in process.sender.to("9001")[-1].text  # older than the mark, but new to health
    clock.advance(days=1)
    await process.jobs.digests()
    assert "ST2023-0001" not in process.sender.to("9001")[-1].text  # once
    await process.close()


async def _grant(store: Store, chat_id: str, scope: list[str], now: datetime, role: str = "coordinator") -> None:
    async with store.unit() as uow:
        await uow.admin.put_grant(RoleGrant(channel="telegram", chat_id=chat_id, role=role, name=f"Cấp {chat_id}",
                                            scope=scope, granted_by="telegram:1", created_at=now))


async def test_granted_coordinators_get_countdowns_digests_and_the_final_export_of_their_scope(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    process = Process(with_coordinators(config, HEALTH), db, clock, "a")  # the one configured coordinator
    await _grant(process.store, "9101", ["so_noi_vu"], clock.now())  # the consolidator, granted
    await _grant(process.store, "9103", [], clock.now())  # granted, then revoked
    await _grant(process.store, "9104", [], clock.now(), role="admin")  # an admin is no coordinator
    async with process.store.unit() as uow:
        await uow.admin.revoke("telegram", "9103")
    process.scheduler.start()
    clock.moment = local(2023, 5, 12, 8) + timedelta(minutes=1)  # the 14-day countdown
    await process.tick()
    assert {"9001", "9101"} <= set(process.sender.per_chat()) and not {"9103", "9104"} & set(process.sender.per_chat())
    [health] = process.sender.to("9001")
    assert "trong phạm vi của anh/chị: 0 câu hỏi" in health.text  # the one question is a startup loan
    await _grant(process.store, "9102", ["khoi_nghiep"], clock.now())  # granted after the start: read at job time
    clock.moment = local(2023, 5, 12, 17) + timedelta(minutes=1)  # the daily digest
    await process.tick()
    assert "ST2023-0001" in process.sender.to("9102")[-1].text
    assert "ST2023-0001" not in process.sender.to("9101")[-1].text + process.sender.to("9001")[-1].text
    clock.moment = local(2023, 5, 27, 7) + timedelta(minutes=1)  # the final export: scoped all or the consolidator
    await process.tick()
    finals = {a.chat_id for a, r in process.sender.sent if r.attachments and "bản tổng hợp cuối cùng" in r.text}
    assert finals == {"9101"}
    assert not {"9103", "9104"} & set(process.sender.per_chat())
    await process.close()


async def test_the_scheduler_adds_a_follow_up_nobody_placed_and_tells_the_youth(
    config: AppConfig, db: Path, clock: FakeClock
) -> None:
    """Nothing lost: a second part left waiting joins its question within a minute of the window's end."""
    process = Process(config, db, clock, "a")
    chat = MemoryChannel(Dispatcher(process.store, Conversation(config, None, clock), clock).handle, channel="telegram")
    await chat.press("77", "consent:yes")
    await chat.press("77", "unit:KESACH")
    await chat.press("77", "name:anon")
    await chat.text("77", "Em là đoàn viên ở xã An Thạnh 3, em muốn hỏi về chuyện vay vốn.")
    await chat.text("77", "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?")  # waits for a choice
    process.scheduler.start()
    clock.advance(minutes=1)
    await process.tick()  # still inside the window: the youth may yet choose
    async with process.store.unit() as uow:
        [question] = [q for q in await uow.questions.all() if "An Thạnh" in q.text_raw]
    assert "nuôi tôm" not in question.text_raw
    clock.advance(minutes=2)
    await process.tick()
    async with process.store.unit() as uow:
        [question] = [q for q in await uow.questions.all() if "An Thạnh" in q.text_raw]
    assert "nuôi tôm" in question.text_raw
    [note] = process.sender.to("77")
    assert question.code in note.text
    await process.close()
