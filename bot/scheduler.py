"""APScheduler 3 (AsyncIOScheduler) with a persistent job store in the bot's own database.

Jobs are rebuilt from config at every start under stable ids. A job whose trigger did not change
is kept as stored, so a run missed while the bot was down fires once on start when it is within
misfire_grace_time (coalesce=True folds several missed runs into one); a changed job is replaced.
The sent-log (bot/broadcast.py) makes each send exactly-once even if two processes fire a job.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy.engine import make_url

from bot.config import AppConfig
from handlers.clock import Clock
from handlers.settings import Campaign

log = logging.getLogger(__name__)


def _nightly(zone: tzinfo) -> BaseTrigger:
    return CronTrigger(hour=3, minute=30, timezone=zone)  # the quietest hour, local time


# Jobs on a fixed rhythm, whatever the campaign's dates: adding one is one entry here, and its runner
# is the CoordinationJobs method of the same name.
RHYTHMIC: dict[str, Callable[[tzinfo], BaseTrigger]] = {
    "housekeeping": _nightly,
    "retention": _nightly,
    "followups": lambda zone: CronTrigger(minute="*", timezone=zone),  # follow-ups nobody placed
    # Files kept for staff links (exports with youth questions) go within 15 minutes of their link, not at night.
    "staff_files": lambda zone: CronTrigger(minute="*/15", timezone=zone),
}
JOB_PREFIXES = ("digest", "reminder:", "dated:", "final_export", "overdue", *RHYTHMIC)
Runner = Callable[[str], Awaitable[Any]]
_RUNNERS: dict[str, Runner] = {}  # per process; jobs name their runner so they can be pickled


async def fire(runner: str, job_id: str) -> None:
    """The function every stored job points to (a module-level name, so it can be persisted)."""
    run = _RUNNERS.get(runner)
    if run is None:
        log.warning("job %s fired with no runner %r in this process", job_id, runner)
        return
    try:
        await run(job_id)
    except Exception:  # noqa: BLE001 - a job's boundary: log it, the scheduler keeps going
        log.exception("job %s failed", job_id)


@dataclass(frozen=True)
class JobSpec:
    """One job from config: a stable id and when it fires."""

    id: str
    trigger: BaseTrigger


def job_specs(config: AppConfig, campaign: Campaign | None = None) -> list[JobSpec]:
    """Every job the configuration asks for, with local-time triggers (dates from `campaign`:
    the admins' /chien_dich change when there is one, else the configured campaign)."""
    campaign = campaign or config.campaign
    zone = campaign.zone
    co = config.coordination
    deadline_day = campaign.deadline_date

    def at(day: Any, moment: Any) -> DateTrigger:
        return DateTrigger(run_date=datetime.combine(day, moment, tzinfo=zone))

    specs = [JobSpec("digest", CronTrigger(hour=co.digest_time.hour, minute=co.digest_time.minute, timezone=zone))]
    specs += [
        JobSpec(f"reminder:{r.id}", at(deadline_day - timedelta(days=r.days_before_deadline), co.reminder_time))
        for r in co.reminders
    ]
    specs += [JobSpec(f"dated:{d.id}", at(d.day, d.at)) for d in co.dated]
    specs.append(JobSpec("final_export", at(deadline_day + timedelta(days=1), co.final_export_time)))
    if co.overdue_days_before is not None:  # daily; the job itself sends nothing outside its days
        morning = co.reminder_time
        specs.append(JobSpec("overdue", CronTrigger(hour=morning.hour, minute=morning.minute, timezone=zone)))
    specs += [JobSpec(name, trigger(zone)) for name, trigger in RHYTHMIC.items()]
    return specs


def sync_url(async_url: str) -> str | None:
    """The synchronous URL APScheduler's job store needs, or None when no sync driver fits."""
    url = make_url(async_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return url.set(drivername="sqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return None
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return None


def job_store(database_url: str) -> BaseJobStore:
    """The persistent store in the bot's database, or memory when that database has no sync driver."""
    url = sync_url(database_url)
    if url is None:
        log.warning("no synchronous driver for the database: scheduled jobs are kept in memory")
        return MemoryJobStore()
    return SQLAlchemyJobStore(url=url, engine_options={"pool_pre_ping": True})


class Scheduler:
    """Owns the AsyncIOScheduler: start (rebuild jobs from config), stop."""

    def __init__(
        self, config: AppConfig, run: Runner, clock: Clock, *, name: str = "main", store: BaseJobStore | None = None
    ) -> None:
        self.config, self.name, self.clock = config, name, clock
        self.campaign = config.campaign  # the effective one: /chien_dich may move its dates
        self._run, self._store, self._started = run, store or job_store(config.database.url), False
        self.aps = self._scheduler()
        _RUNNERS[name] = run

    def _scheduler(self) -> AsyncIOScheduler:
        grace = int(self.config.coordination.misfire_grace_minutes * 60)
        return AsyncIOScheduler(
            jobstores={"default": self._store},
            job_defaults={"coalesce": True, "misfire_grace_time": grace, "max_instances": 1},
            timezone=self.config.campaign.zone,
        )

    def start(self) -> None:
        """Start paused, make the stored jobs match config, then run (again after a stop: leadership)."""
        if self._started:  # AsyncIOScheduler shuts down asynchronously: a new one restarts cleanly
            self.aps = self._scheduler()
        self._started = True
        _RUNNERS[self.name] = self._run
        self.aps.start(paused=True)
        self.sync()
        self.aps.resume()

    def sync(self) -> None:
        """Add, replace or remove stored jobs so they match config (idempotent, no duplicates)."""
        grace = timedelta(minutes=self.config.coordination.misfire_grace_minutes)
        now = self.clock.now()
        specs = {
            spec.id: spec for spec in job_specs(self.config, self.campaign)
            if not isinstance(spec.trigger, DateTrigger) or spec.trigger.run_date >= now - grace  # long past
        }
        for job in self.aps.get_jobs():
            if job.id.startswith(JOB_PREFIXES) and job.id not in specs:
                job.remove()
        for spec in specs.values():
            existing = self.aps.get_job(spec.id)
            args = (self.name, spec.id)
            if existing is not None and str(existing.trigger) == str(spec.trigger) and tuple(existing.args) == args:
                continue  # keep the stored next run time: a missed run still fires within the grace
            self.aps.add_job(fire, spec.trigger, args=args, id=spec.id, name=spec.id, replace_existing=True)

    def reschedule(self, campaign: Campaign) -> None:
        """Follow a changed dialogue date or deadline rule: move the reminders and the final export.

        A reminder whose new date is already past (beyond the grace) is dropped, not sent late; one
        moved to a new date is sent again on it (its occurrence is its date).
        """
        if campaign == self.campaign:
            return
        log.info("campaign dates changed: rescheduling (deadline %s)", campaign.deadline_date)
        self.campaign = campaign
        if self.aps.running:
            self.sync()

    def stop(self) -> None:
        """Stop without waiting for running jobs (their sends are resumable)."""
        if self.aps.running:
            self.aps.shutdown(wait=False)
        _RUNNERS.pop(self.name, None)
