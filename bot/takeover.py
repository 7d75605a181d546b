"""A new scheduler leader resumes the broadcasts a dead leader left half-sent.

A run that crashed leaves its sent-log claims open. Its job may not fire again (a date job fires
once; a daily digest not until tomorrow), so on election the leader schedules each open occurrence
that is still current to run again once the dead run's claims have expired (latest claim + lease);
the Broadcaster then takes those claims over and sends only to whoever was not marked sent.
"""

import logging
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from bot.announce import JOB as ANNOUNCE_JOB
from bot.config import AppConfig
from bot.coordination import DIGEST_JOB, FINAL_JOB, OVERDUE_JOB, CoordinationJobs, occurrence_of_reminder
from bot.scheduler import Scheduler, fire
from storage import Store
from storage.deliveries import DeliveryRepo

log = logging.getLogger(__name__)
MARGIN = timedelta(seconds=1)


def current_occurrence(jobs: CoordinationJobs, config: AppConfig, job_id: str, now: datetime) -> str | None:
    """The occurrence `jobs.run(job_id)` would run now (`config`: the effective one), or None for a
    job no longer configured."""
    kind, _, key = job_id.partition(":")
    co, campaign = config.coordination, config.campaign
    if kind in (DIGEST_JOB, OVERDUE_JOB):
        return jobs.local_day(now)
    if kind == FINAL_JOB:
        return campaign.deadline_date.isoformat()
    if kind == "reminder":
        spec = next((r for r in co.reminders if r.id == key), None)
        return None if spec is None else occurrence_of_reminder(config, spec.days_before_deadline)
    if kind == "dated":
        dated = next((d for d in co.dated if d.id == key), None)
        return None if dated is None else dated.day.isoformat()
    return None


async def resume_abandoned(store: Store, jobs: CoordinationJobs, scheduler: Scheduler, lease: timedelta) -> list[str]:
    """Schedule every open, still-current run to resume after its lease; returns the job ids."""
    async with store.unit() as uow:
        open_runs = await DeliveryRepo(uow.session).unfinished()
    now = jobs.clock.now()
    config = await jobs.effective()
    log.info("open runs at election: %s", [(j, o) for j, o, _ in open_runs])
    resumed = []
    for job_id, occurrence, latest in open_runs:
        if job_id == ANNOUNCE_JOB:
            continue  # bot/announce.py keeps each announcement and resumes it at start
        current = current_occurrence(jobs, config, job_id, now)
        if current != occurrence:
            log.info("open run %s/%s is not current (%s): left alone", job_id, occurrence, current)
            continue  # an on-demand digest or an old occurrence: nothing to resume automatically
        when = max(latest + lease + MARGIN, now)
        scheduler.aps.add_job(
            fire, DateTrigger(run_date=when), args=(scheduler.name, job_id), id=f"resume:{job_id}:{occurrence}",
            name=f"resume {job_id}", replace_existing=True,
        )
        resumed.append(job_id)
        log.info("open run %s/%s resumes at %s", job_id, occurrence, when.isoformat())
    return resumed
