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
from bot.coordination import CoordinationJobs
from bot.scheduler import Scheduler, fire, parse_job_id
from handlers.settings import Settings
from storage import Store
from storage.deliveries import DeliveryRepo

log = logging.getLogger(__name__)
MARGIN = timedelta(seconds=1)


def current_occurrence(jobs: CoordinationJobs, every: dict[str, Settings], job_id: str, now: datetime) -> str | None:
    """The occurrence `jobs.run(job_id)` would run now (`every`: each campaign's effective settings),
    or None for a job no longer configured."""
    kind, key, campaign = parse_job_id(job_id)
    settings = every.get(campaign)
    return None if settings is None else jobs.occurrence(settings, kind, key, now)


async def resume_abandoned(store: Store, jobs: CoordinationJobs, scheduler: Scheduler, lease: timedelta) -> list[str]:
    """Schedule every open, still-current run to resume after its lease; returns the job ids."""
    async with store.unit() as uow:
        open_runs = await DeliveryRepo(uow.session).unfinished()
    now = jobs.clock.now()
    every = await jobs.every()
    log.info("open runs at election: %s", [(j, o) for j, o, _ in open_runs])
    resumed = []
    for job_id, occurrence, latest in open_runs:
        if job_id == ANNOUNCE_JOB:
            continue  # bot/announce.py keeps each announcement and resumes it at start
        current = current_occurrence(jobs, every, job_id, now)
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
