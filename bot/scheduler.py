"""APScheduler 3 (AsyncIOScheduler) with a persistent job store in the bot's own database.

Jobs are rebuilt from config at every start under stable ids. A job whose trigger did not change
is kept as stored, so a run missed while the bot was down fires once on start when it is within
misfire_grace_time (coalesce=True folds several missed runs into one); a changed job is replaced.
The sent-log (bot/broadcast.py) makes each send exactly-once even if two processes fire a job.
"""

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
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
from bot.coordination_config import Coordination
from handlers.clock import Clock
from handlers.settings import Campaign
from storage.models import PRIMARY_CAMPAIGN

log = logging.getLogger(__name__)


def _nightly(zone: tzinfo) -> BaseTrigger:
    return CronTrigger(hour=3, minute=30, timezone=zone)  # the quietest hour, local time


# Jobs on a fixed rhythm, whatever the campaigns' dates, once (not per campaign): adding one is one entry
# here, and its runner is the CoordinationJobs method of the same name.
RHYTHMIC: dict[str, Callable[[tzinfo], BaseTrigger]] = {
    "housekeeping": _nightly,
    "followups": lambda zone: CronTrigger(minute="*", timezone=zone),  # follow-ups nobody placed
    # Files kept for staff links (exports with youth questions) go within 15 minutes of their link, not at night.
    "staff_files": lambda zone: CronTrigger(minute="*/15", timezone=zone),
}


def _daily(moment: time, zone: tzinfo) -> BaseTrigger:
    return CronTrigger(hour=moment.hour, minute=moment.minute, timezone=zone)


def _on(day: date, moment: time, zone: tzinfo) -> DateTrigger:
    return DateTrigger(run_date=datetime.combine(day, moment, tzinfo=zone))


Plan = Callable[[Coordination, Campaign], list[tuple[str, BaseTrigger]]]  # (key within the kind, trigger)


@dataclass(frozen=True)
class Kind:
    """A kind of job every campaign has (or only the province's), planned from its dates."""

    plan: Plan
    province_only: bool = False


# Jobs per campaign: adding a kind is one entry here, and its runner is the CoordinationJobs method
# of the same name, called with the campaign's settings and the key. The province's jobs keep the
# ids they always had (`reminder:d7`); a local campaign's name it (`reminder:d7@kesach2023`).
PER_CAMPAIGN: dict[str, Kind] = {
    "digest": Kind(lambda co, c: [("", _daily(co.digest_time, c.zone))]),
    "reminder": Kind(lambda co, c: [
        (r.id, _on(c.deadline_date - timedelta(days=r.days_before_deadline), co.reminder_time, c.zone))
        for r in co.reminders
    ]),
    "dated": Kind(lambda co, c: [(d.id, _on(d.day, d.at, c.zone)) for d in co.dated], province_only=True),
    "final_export": Kind(lambda co, c: [("", _on(c.deadline_date + timedelta(days=1), co.final_export_time, c.zone))]),
    # daily; the job itself sends nothing outside its days
    "overdue": Kind(lambda co, c: [] if co.overdue_days_before is None else [("", _daily(co.reminder_time, c.zone))]),
    # nightly; `retention_months` after the campaign's dialogue (handlers/retention.py)
    "retention": Kind(lambda co, c: [("", _nightly(c.zone))]),
}
JOB_PREFIXES = (*PER_CAMPAIGN, *RHYTHMIC)
Runner = Callable[[str], Awaitable[Any]]
_RUNNERS: dict[str, Runner] = {}  # per process; jobs name their runner so they can be pickled


def job_id(kind: str, key: str = "", campaign: str = PRIMARY_CAMPAIGN) -> str:
    """A job's id (also its name in the sent-log): `kind[:key][@campaign]`, no campaign for the province's."""
    name = f"{kind}:{key}" if key else kind
    return name if campaign == PRIMARY_CAMPAIGN else f"{name}@{campaign}"


def parse_job_id(text: str) -> tuple[str, str, str]:
    """(kind, key, campaign) of a job id; the inverse of job_id."""
    name, _, campaign = text.partition("@")
    kind, _, key = name.partition(":")
    return kind, key, campaign or PRIMARY_CAMPAIGN


async def fire(runner: str, job: str) -> None:
    """The function every stored job points to (a module-level name, so it can be persisted)."""
    run = _RUNNERS.get(runner)
    if run is None:
        log.warning("job %s fired with no runner %r in this process", job, runner)
        return
    try:
        await run(job)
    except Exception:  # noqa: BLE001 - a job's boundary: log it, the scheduler keeps going
        log.exception("job %s failed", job)


@dataclass(frozen=True)
class JobSpec:
    """One job from config: a stable id and when it fires."""

    id: str
    trigger: BaseTrigger


def job_specs(config: AppConfig, campaign: Campaign | None = None, local: Iterable[Campaign] = ()) -> list[JobSpec]:
    """Every job the configuration asks for, with local-time triggers: the province's (dates from
    `campaign`: the admins' /chien_dich change when there is one, else the configured campaign),
    each `local` campaign's, and the rhythmic ones once."""
    province = campaign or config.campaign
    co = config.coordination
    specs = []
    for each in (province, *(c for c in local if c.key != PRIMARY_CAMPAIGN)):
        for kind, planned in PER_CAMPAIGN.items():
            if planned.province_only and each is not province:
                continue
            specs += [JobSpec(job_id(kind, key, each.key), trigger) for key, trigger in planned.plan(co, each)]
    specs += [JobSpec(name, trigger(province.zone)) for name, trigger in RHYTHMIC.items()]
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


Campaigns = Callable[[], Awaitable[Iterable[Campaign]]]  # every campaign now, read from the database


class Scheduler:
    """Owns the AsyncIOScheduler: start (rebuild jobs from config and the campaigns), stop."""

    def __init__(
        self, config: AppConfig, run: Runner, clock: Clock, *, name: str = "main", store: BaseJobStore | None = None,
        campaigns: Campaigns | None = None,
    ) -> None:
        self.config, self.name, self.clock = config, name, clock
        # The effective campaigns by key: /chien_dich may move the province's dates, admins add local
        # ones at run time (`refresh` reads them through `campaigns`); the file's are known at once.
        self.campaigns: dict[str, Campaign] = {PRIMARY_CAMPAIGN: config.campaign}
        self.campaigns.update((s.key, config.for_campaign(s).campaign) for s in config.campaigns)
        self._read = campaigns
        # Until the stored campaigns are read, a stored job of a campaign not known yet stays (a
        # restart must not lose a local campaign's missed run): `refresh` completes the set.
        self._complete = campaigns is None
        self._run, self._store, self._started = run, store or job_store(config.database.url), False
        self.aps = self._scheduler()
        _RUNNERS[name] = run

    @property
    def campaign(self) -> Campaign:
        """The province's effective campaign."""
        return self.campaigns[PRIMARY_CAMPAIGN]

    @campaign.setter
    def campaign(self, campaign: Campaign) -> None:
        self.campaigns[PRIMARY_CAMPAIGN] = campaign

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
        """Add, replace or remove stored jobs so they match config and the campaigns (idempotent, no duplicates)."""
        grace = timedelta(minutes=self.config.coordination.misfire_grace_minutes)
        now = self.clock.now()
        specs = {
            spec.id: spec for spec in job_specs(self.config, self.campaign, self.campaigns.values())
            if not isinstance(spec.trigger, DateTrigger) or spec.trigger.run_date >= now - grace  # long past
        }
        for job in self.aps.get_jobs():
            unknown = parse_job_id(job.id)[2] not in self.campaigns and not self._complete
            if job.id.startswith(JOB_PREFIXES) and job.id not in specs and not unknown:
                job.remove()
        for spec in specs.values():
            existing = self.aps.get_job(spec.id)
            args = (self.name, spec.id)
            if existing is not None and str(existing.trigger) == str(spec.trigger) and tuple(existing.args) == args:
                continue  # keep the stored next run time: a missed run still fires within the grace
            self.aps.add_job(fire, spec.trigger, args=args, id=spec.id, name=spec.id, replace_existing=True)

    def reschedule(self, campaign: Campaign) -> None:
        """Follow a new campaign, or a changed dialogue date or deadline rule: its jobs move (the
        admins' commands call this through Seams.campaign_listeners).

        A reminder whose new date is already past (beyond the grace) is dropped, not sent late; one
        moved to a new date is sent again on it (its occurrence is its date).
        """
        if self.campaigns.get(campaign.key) == campaign:
            return
        log.info("campaign %s: scheduling its jobs (deadline %s)", campaign.key, campaign.deadline_date)
        self.campaigns[campaign.key] = campaign
        if self.aps.running:
            self.sync()

    async def refresh(self) -> bool:
        """Read every campaign now and follow a change another worker made (True when jobs changed)."""
        if self._read is None:
            return False
        found = {c.key: c for c in await self._read()}
        found.setdefault(PRIMARY_CAMPAIGN, self.campaign)
        if found == self.campaigns and self._complete:
            return False
        log.info("campaigns now: %s", sorted(found))
        self.campaigns, self._complete = found, True
        if self.aps.running:
            self.sync()
        return True

    def stop(self) -> None:
        """Stop without waiting for running jobs (their sends are resumable)."""
        if self.aps.running:
            self.aps.shutdown(wait=False)
        _RUNNERS.pop(self.name, None)
