"""The coordination jobs: daily digests, deadline reminders, dated reminders, the final export.

Each job builds its messages with handlers/coordination and sends them through the Broadcaster,
so every (job, occurrence, recipient) goes out once even when two processes run the same job.
Every campaign has its own digest, reminders, overdue notices and final export (bot/scheduler.py
PER_CAMPAIGN): a job id names its campaign and the runner reads that campaign's settings when it
fires, so a campaign created or changed at run time is followed without a restart.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.broadcast import Broadcaster, BroadcastReport, Deliver, Outgoing
from bot.config import AppConfig
from bot.pacing import Pacer
from bot.scheduler import PER_CAMPAIGN, RHYTHMIC, Scheduler, job_id, parse_job_id
from handlers import campaigns as registry
from handlers import retention as retention_rules
from handlers.admin import overdue_notices
from handlers.campaigns import effective_settings
from handlers.clock import Clock
from handlers.followups import settle_pending
from handlers.sanitize import collapse_spaces
from handlers.tagging import Tagger
from handlers.coordination.digest import Digest, build_digest
from handlers.coordination.final import final_exports
from handlers.coordination.naming import is_local, named
from handlers.coordination.reminders import COORDINATORS, coordinator_reminders, dated_reminders, youth_reminders
from handlers.scope import Coordinator, coordinators
from handlers.settings import Campaign, Settings
from storage import Store, UnitOfWork
from storage.coordination import CoordinationRepo
from storage.secret import pseudonym
from storage.staff_files import StaffFileRepo
from storage.web_outbox import WebOutboxRepo

log = logging.getLogger(__name__)

DIGEST_JOB, FINAL_JOB, OVERDUE_JOB, HOUSEKEEPING_JOB = "digest", "final_export", "overdue", "housekeeping"
RETENTION_JOB = "retention"
# Telegram keeps an undelivered update for 24 hours and Zalo redelivers within minutes, so a
# processed-update mark (and the replies kept to answer a redelivery) is useless after two days.
KEEP_PROCESSED = timedelta(days=2)
KEEP_WEB_OUTBOX = timedelta(days=30)  # a web chat page that has not come back for a month


class CoordinationJobs:
    """Runs a job by its id ("digest", "reminder:d7", "dated:district_plans", "final_export"; a local
    campaign's name it: "reminder:d7@kesach2023")."""

    def __init__(
        self, config: AppConfig, store: Store, broadcaster: Broadcaster, clock: Clock,
        pushable: Callable[[], Sequence[str]], secret: bytes = b"",
    ) -> None:
        self.config, self.store, self.broadcaster, self.clock = config, store, broadcaster, clock
        self.pushable = pushable  # channels we can send to first (telegram, zalo; not the web chat)
        self.secret = secret  # keys the coordinators' digest marks (storage/secret.py)
        self.tagger: Tagger | None = None  # the conversation's, so a follow-up is tagged as a question is
        self.normalise: Callable[[str], str] = collapse_spaces

    async def coordinators(self, settings: Settings, uow: UnitOfWork) -> list[Coordinator]:
        """Every coordinator, configured or granted now, on a channel this process can send to."""
        channels = set(self.pushable())
        return [c for c in await coordinators(settings, uow) if c.address.channel in channels]

    def mark_key(self, person: Coordinator) -> str:
        """A coordinator's key in the digest marks: a pseudonym, not the chat id."""
        return pseudonym(self.secret, "digest", str(person.address))

    async def effective(self) -> AppConfig:
        """The configuration with the admins' stored change to the campaign dates (/chien_dich)."""
        async with self.store.unit() as uow:
            return await effective_settings(self.config, uow)  # type: ignore[return-value]

    async def every(self) -> dict[str, Settings]:
        """Every campaign's settings now, by key (the province's first, with the admins' date change)."""
        async with self.store.unit() as uow:
            return await registry.every(self.config, uow)

    async def campaigns(self) -> list[Campaign]:
        """Every campaign now (the scheduler follows them)."""
        return [settings.campaign for settings in (await self.every()).values()]

    def local_day(self, now: datetime) -> str:
        """The occurrence key of a daily job: the local date."""
        return now.astimezone(self.config.campaign.zone).date().isoformat()

    def occurrence(self, settings: Settings, kind: str, key: str, now: datetime) -> str | None:
        """The occurrence a campaign's job runs now (None: a job no longer configured)."""
        co = self.config.coordination  # one set of times for every campaign
        if kind in (DIGEST_JOB, OVERDUE_JOB):
            return self.local_day(now)
        if kind == FINAL_JOB:
            return settings.campaign.deadline_date.isoformat()
        if kind == "reminder":
            spec = next((r for r in co.reminders if r.id == key), None)
            return None if spec is None else occurrence_of_reminder(settings, spec.days_before_deadline)
        if kind == "dated":
            dated = next((d for d in co.dated if d.id == key), None)
            return None if dated is None else dated.day.isoformat()
        return None

    async def run(self, job: str) -> BroadcastReport | None:
        """Run one scheduled job now, with the settings its campaign has now."""
        kind, key, campaign = parse_job_id(job)
        if kind in RHYTHMIC:
            done = await getattr(self, kind)()
            return done if isinstance(done, BroadcastReport) else None
        if kind not in PER_CAMPAIGN:
            raise ValueError(f"unknown job {job!r}")
        async with self.store.unit() as uow:
            settings = await registry.of(self.config, uow, campaign)
        if settings is None:  # removed or left out since (the scheduler drops its jobs at its next check)
            log.warning("job %s: no campaign %r any more; nothing sent", job, campaign)
            return None
        done = await getattr(self, kind)(settings, key)
        return done if isinstance(done, BroadcastReport) else None

    async def digest(self, settings: Settings, key: str = "") -> BroadcastReport | None:
        """The daily digest of one campaign to its coordinators."""
        return await self.digests(settings=settings)

    async def digests(
        self, people: Sequence[Coordinator] | None = None, occurrence: str | None = None,
        settings: Settings | None = None,
    ) -> BroadcastReport | None:
        """Each coordinator's digest of the in-scope questions no digest brought them yet (daily, or on
        demand), for one campaign (default: the province's)."""
        now = self.clock.now()
        built: dict[str, tuple[Coordinator, Digest]] = {}
        config = settings or await self.effective()
        # A local campaign closed for questions tells nobody "nothing new" every evening.
        quiet = is_local(config) and not registry.is_open(config, now)

        async def build() -> list[Outgoing]:
            async with self.store.unit() as uow:
                repo = CoordinationRepo(uow.session)
                recipients = await self.coordinators(config, uow) if people is None else list(people)
                questions = await uow.questions.all()
                seen = [await repo.digested(self.mark_key(p)) for p in recipients]
            for person, digested in zip(recipients, seen):
                # CPU work (about a second for 10,000 questions): off the event loop, after the
                # transaction, so youth keep being answered meanwhile.
                built[str(person.address)] = person, await asyncio.to_thread(
                    build_digest, config, person, questions, now=now, digested=digested
                )
            return [Outgoing(p.address, tuple(d.replies)) for p, d in built.values() if d.new_count or not quiet]

        job = job_id(DIGEST_JOB, campaign=config.key)
        report = await self.broadcaster.run_once(job, occurrence or self.local_day(now), build)
        if report is None:
            return None
        async with self.store.unit() as uow:
            repo = CoordinationRepo(uow.session)
            for address in report.sent:
                person, digest = built[str(address)]
                await repo.mark_digested(self.mark_key(person), digest.question_ids, now)
        return report

    async def digest_now(self, person: Coordinator, settings: Settings | None = None) -> BroadcastReport | None:
        """An on-demand digest (the admin command /tonghop): its own occurrence, same marks."""
        return await self.digests([person], occurrence=self.clock.now().isoformat(), settings=settings)

    async def reminder(self, config: Settings, reminder_id: str) -> BroadcastReport | None:
        """A deadline reminder of one campaign to its configured audiences (its youth, its coordinators)."""
        spec = next((r for r in self.config.coordination.reminders if r.id == reminder_id), None)
        if spec is None:
            log.warning("reminder %s is not configured any more; nothing sent", reminder_id)
            return None

        async def build() -> list[Outgoing]:
            now = self.clock.now()
            async with self.store.unit() as uow:
                messages = await youth_reminders(uow, config, now, self.pushable(), spec.audiences)
                if COORDINATORS in spec.audiences:
                    messages += await coordinator_reminders(uow, config, now, await self.coordinators(config, uow))
            return [Outgoing(address, (reply,)) for address, reply in messages]

        occurrence = occurrence_of_reminder(config, spec.days_before_deadline)
        return await self.broadcaster.run_once(job_id("reminder", reminder_id, config.key), occurrence, build)

    async def dated(self, config: Settings, dated_id: str) -> BroadcastReport | None:
        """A dated coordinator reminder from config (the province's plan dates: its coordinators)."""
        spec = next((d for d in self.config.coordination.dated if d.id == dated_id), None)
        if spec is None:
            log.warning("dated reminder %s is not configured any more; nothing sent", dated_id)
            return None

        async def build() -> list[Outgoing]:
            async with self.store.unit() as uow:
                messages = dated_reminders(await self.coordinators(config, uow), spec.title, spec.text)
            return [Outgoing(address, (reply,)) for address, reply in messages]

        return await self.broadcaster.run_once(job_id("dated", dated_id, config.key), spec.day.isoformat(), build)

    async def overdue(self, config: Settings, key: str = "") -> BroadcastReport | None:
        """From `overdue_days_before` days before a campaign's dialogue: each of its coordinators'
        unanswered questions."""
        days = self.config.coordination.overdue_days_before
        if days is None:
            return None
        now = self.clock.now()
        channels = set(self.pushable())

        async def build() -> list[Outgoing]:
            async with self.store.unit() as uow:
                replies = await overdue_notices(config, uow, now, days_before=days)
            return [Outgoing(r.address, (replace(r, text=named(config, r.text)),))
                    for r in replies if r.address is not None and r.address.channel in channels]

        return await self.broadcaster.run_once(job_id(OVERDUE_JOB, campaign=config.key), self.local_day(now), build)

    async def housekeeping(self) -> tuple[int, int]:
        """Drop processed-update marks and web outbox messages nobody can need any more."""
        now = self.clock.now()
        async with self.store.unit() as uow:
            updates = await uow.updates.prune(now - KEEP_PROCESSED)
            outbox = await WebOutboxRepo(uow.session).prune(now - KEEP_WEB_OUTBOX)
        log.info("housekeeping: %d processed-update marks and %d web outbox messages dropped", updates, outbox)
        return updates, outbox

    async def staff_files(self) -> int:
        """Every quarter hour: delete the files whose download links have expired (bot/files.py)."""
        async with self.store.unit() as uow:
            dropped = await StaffFileRepo(uow.session).prune(self.clock.now())
        if dropped:
            log.info("staff files: %d expired files deleted", dropped)
        return dropped

    async def followups(self) -> BroadcastReport | None:
        """Every minute: follow-up texts nobody placed join their questions (nothing lost); each youth is told."""
        now = self.clock.now()
        async with self.store.unit() as uow:
            settings = await effective_settings(self.config, uow)
            notes = await settle_pending(uow, now, settings.limits.append_window_minutes, self.tagger, self.normalise)
        channels = set(self.pushable())
        messages = [Outgoing(n.address, (n,)) for n in notes if n.address is not None and n.address.channel in channels]
        if not messages:
            return None
        return await self.broadcaster.run("followups", now.isoformat(timespec="minutes"), messages)

    async def retention(self, config: Settings, key: str = "") -> BroadcastReport | None:
        """Nightly, per campaign: the admins' notice with the final export 14 days before its retention
        day; from that day on, erase what its dialogue left (batches of youth, so the bot keeps answering)."""
        now = self.clock.now()
        today = now.astimezone(config.campaign.zone).date()
        if today >= retention_rules.erase_on(config):
            await self._erase_expired(config, now)
            return None
        if today < retention_rules.notice_on(config):
            return None

        async def build() -> list[Outgoing]:
            async with self.store.unit() as uow:
                replies = await retention_rules.admin_notices(config, uow, now, set(self.pushable()))
            return [Outgoing(r.address, (r,)) for r in replies if r.address is not None]

        job = job_id(RETENTION_JOB, campaign=config.key)
        return await self.broadcaster.run_once(job, retention_rules.erase_on(config).isoformat(), build)

    async def _erase_expired(self, config: Settings, now: datetime) -> None:
        total = (0, 0)
        while True:
            async with self.store.unit() as uow:
                youth, questions = await retention_rules.erase_batch(config, uow)
            total = (total[0] + youth, total[1] + questions)
            if not youth:
                break
        async with self.store.unit() as uow:
            rest = await retention_rules.erase_rest(config, uow, now, total)
        if total[0] or rest:
            log.info("retention of %s: %d youth and %d questions erased", config.key, total[0], total[1] + rest)

    async def final_export(self, config: Settings, key: str = "") -> BroadcastReport | None:
        """At a campaign's deadline: the consolidated .xlsx of its questions to its consolidator's
        coordinators (a local campaign's own admins too: they organise its dialogue)."""
        occurrence = config.campaign.deadline_date.isoformat()
        job = job_id(FINAL_JOB, campaign=config.key)
        return await self.broadcaster.run_once(job, occurrence, lambda: self._final_messages(config))

    async def _final_messages(self, config: Settings) -> list[Outgoing]:
        async with self.store.unit() as uow:
            people = await self.coordinators(config, uow)
            replies = await final_exports(config, uow, self.clock.now(), people, self.config.coordination.consolidator,
                                          set(self.pushable()))
        return [Outgoing(r.address, (r,)) for r in replies if r.address is not None]


def build_coordination(
    config: AppConfig, store: Store, deliver: Deliver, clock: Clock, pushable: Callable[[], Sequence[str]],
    secret: bytes = b"",
) -> tuple[CoordinationJobs, Scheduler | None]:
    """The jobs and, when coordination is enabled, the scheduler that fires them."""
    limits = config.coordination.broadcast
    broadcaster = Broadcaster(
        store, deliver, clock, concurrency=limits.concurrency, lease=timedelta(minutes=limits.lease_minutes),
        flush_every=limits.mark_every,
    )
    jobs = CoordinationJobs(config, store, broadcaster, clock, pushable, secret)
    scheduler = Scheduler(config, jobs.run, clock, campaigns=jobs.campaigns) if config.coordination.enabled else None
    return jobs, scheduler


def occurrence_of_reminder(config: Settings, days_before: int) -> str:
    """A reminder's occurrence: its local date (so moving the dialogue date sends it again)."""
    return (config.campaign.deadline_date - timedelta(days=days_before)).isoformat()


def pacer_for(config: AppConfig) -> Pacer | None:
    """The send budget of one Telegram bot token, from coordination.broadcast (None: unpaced)."""
    limits = config.coordination.broadcast
    if limits.per_second is None:
        return None
    return Pacer(limits.per_second, per_chat_interval=limits.per_chat_interval, per_chat_burst=limits.per_chat_burst)
