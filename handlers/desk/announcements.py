"""The desk's announcements: each /thongbao with its progress, and «Tiếp tục gửi» for a stalled one."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.admin import texts as admin_texts
from handlers.admin.announce import parse_started
from handlers.admin.context import Act
from handlers.admin.roles import admins
from handlers.desk import texts
from storage.announcements import AnnouncementRepo, AnnouncementRun
from storage.deliveries import FAILED, SENT, UNREACHABLE

SENDING, PAUSED, DONE = "sending", "paused", "done"
RESUMED = "thongbao_tiep_tuc"  # the audit action of «Tiếp tục gửi»


@dataclass(frozen=True)
class Announcement:
    """One announcement as the page shows it."""

    run: str  # its occurrence
    text: str  # the beginning of its text
    target: str  # «tất cả đơn vị» or the unit's name
    by: str
    started: datetime
    sent: int
    failed: int  # failed or unreachable
    waiting: int
    status: str  # SENDING, PAUSED or DONE

    @property
    def label(self) -> str:
        """The status in Vietnamese."""
        return texts.ANN_STATUS[self.status]


def status(run: AnnouncementRun, now: datetime, lease: timedelta) -> str:
    """Done when nothing is kept; paused when the kept run's freshest claim passed its lease (no live run)."""
    if run.kept is None:
        return DONE if run.run_status is not None or run.started_at + lease < now else SENDING
    latest = run.latest_claim or run.started_at
    return SENDING if latest + lease >= now else PAUSED


def _view(act: Act, run: AnnouncementRun, names: dict[str, str], lease: timedelta) -> Announcement:
    unit, count, text = parse_started(run.detail)
    if run.kept is not None:
        text = str(run.kept.get("reply", {}).get("text", text))
        count = len(run.kept.get("to") or [])
    found = act.settings.unit(unit) if unit else None
    target = found.name if found else (unit or admin_texts.ANNOUNCE_ALL)
    sent, failed = run.counts.get(SENT, 0), run.counts.get(UNREACHABLE, 0) + run.counts.get(FAILED, 0)
    state = status(run, act.now, lease)
    waiting = 0 if state == DONE else max(count - sent - failed, 0)
    short = text if len(text) <= 120 else text[:119] + "…"
    return Announcement(run.occurrence, short, target, names.get(run.started_by, run.started_by or "—"),
                        run.started_at, sent, failed, waiting, state)


async def _latest(act: Act, lease: timedelta, staff: set[str] | None) -> list[Announcement]:
    """With `staff`, only the runs they started (a run names no campaign: handlers/desk/campaigns.own_staff)."""
    names = {str(a.address): a.label for a in await admins(act.settings, act.uow)}
    runs = await AnnouncementRepo(act.uow.session).latest()
    return [_view(act, run, names, lease) for run in runs if staff is None or run.started_by in staff]


async def announcements(act: Act, lease: timedelta, staff: set[str] | None = None) -> list[Announcement]:
    """The latest announcements, newest first (admins only: the page checks), the viewing audited."""
    found = await _latest(act, lease, staff)
    await act.audit("desk_thong_bao", detail=f"{len(found)} announcements")
    return found


async def resume(act: Act, run: str, lease: timedelta, staff: set[str] | None = None) -> None:
    """«Tiếp tục gửi»: a paused run goes back to the announcer's own resumption (audited)."""
    found = next((a for a in await _latest(act, lease, staff) if a.run == run), None)
    if found is None or found.status != PAUSED:
        await act.audit(RESUMED, code=run[:32], detail="not paused", allowed=False)
        act.say(texts.ANN_NOT_PAUSED)
        return
    if act.seams.announcer is None:
        act.say(admin_texts.ANNOUNCE_UNAVAILABLE)
        return
    await act.audit(RESUMED, code=run, detail=f"{found.waiting} waiting: {found.text[:80]}")
    act.seams.announcer.resume_now(run)
    act.say(texts.ANN_RESUMED.format(count=found.waiting))
