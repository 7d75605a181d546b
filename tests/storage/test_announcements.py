"""The desk's read of /thongbao runs: audit line, kept run and sent-log rows joined per run (SQLite and PostgreSQL)."""

from datetime import datetime, timedelta, timezone

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import Store, create_all
from storage.announcements import STARTED, AnnouncementRepo
from storage.deliveries import ANNOUNCE_JOB, FAILED, RUN_MARKER, SENT, UNREACHABLE, DeliveryRepo
from storage.erasure import ANNOUNCE_RUN

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=10)
TO = [f"telegram:{n}" for n in range(1, 6)]


async def test_runs_are_read_with_their_progress(engine: AsyncEngine) -> None:
    await create_all(engine)
    store = Store(engine)
    async with store.unit() as uow:
        await uow.admin.audit("telegram:9", "admin", STARTED, NOW, code="old-run", detail="unit=all to 1: Xong")
        await uow.admin.audit("telegram:9", "admin", STARTED, NOW + timedelta(minutes=1), code="half", detail="d")
        await uow.admin.audit("telegram:9", "admin", STARTED, NOW, detail="before runs had ids")
        await uow.admin.set_pending(f"{ANNOUNCE_RUN}:half", ANNOUNCE_RUN, {"to": [t.split(":") for t in TO]}, NOW)
        repo = DeliveryRepo(uow.session)
        await repo.claim(ANNOUNCE_JOB, "old-run", [RUN_MARKER, TO[0]], NOW, LEASE)
        await repo.finish(ANNOUNCE_JOB, "old-run", [(RUN_MARKER, SENT, None), (TO[0], SENT, None)], NOW)
        await repo.claim(ANNOUNCE_JOB, "half", [RUN_MARKER, *TO], NOW, LEASE)
        await repo.renew(ANNOUNCE_JOB, "half", [TO[4]], NOW + timedelta(minutes=3))
        outcomes = [(TO[0], SENT, None), (TO[1], SENT, None), (TO[2], UNREACHABLE, "blocked"), (TO[3], FAILED, "5xx")]
        await repo.finish(ANNOUNCE_JOB, "half", outcomes, NOW)
    async with store.unit() as uow:
        half, old = await AnnouncementRepo(uow.session).latest()
    assert (half.occurrence, half.started_by, half.detail) == ("half", "telegram:9", "d")
    assert half.counts == {SENT: 2, UNREACHABLE: 1, FAILED: 1, "claimed": 1}  # the run's own row apart
    assert half.run_status == "claimed" and half.latest_claim == NOW + timedelta(minutes=3)
    assert half.kept is not None and len(half.kept["to"]) == 5
    assert (old.occurrence, old.counts, old.run_status, old.kept, old.latest_claim) == ("old-run", {SENT: 1}, SENT, None, None)
