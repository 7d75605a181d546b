"""Helpers for coordination tests: coordinators in config, rows in the database, a recording sender."""

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from apscheduler.executors import base as executors_base
from apscheduler.schedulers import base as schedulers_base

from bot.broadcast import Broadcaster
from bot.config import AppConfig
from bot.coordination import CoordinationJobs
from bot.scheduler import Scheduler, job_store
from handlers.scope import Coordinator, parse
from handlers.settings import Person, Roles, Settings
from handlers.types import Address, Reply
from tests.support import FakeClock
from storage import Question, Store, Youth, create_engine
from storage.clock import to_db
from storage.models import PRIMARY_CAMPAIGN

HEALTH = Person(name="Sở Y tế", channel="telegram", chat_id="9001", scope=("suc_khoe",))
STARTUP = Person(name="Sở KH&ĐT", channel="telegram", chat_id="9002", scope=("so_khdt",))
HOME = Person(name="Sở Nội vụ", channel="telegram", chat_id="9003", scope=("so_noi_vu",))
UNION = Person(name="Tỉnh đoàn", channel="telegram", chat_id="9004", scope="all")
COORDINATORS = (HEALTH, STARTUP, HOME, UNION)
SECRET = b"shared-server-secret-for-every-worker"


def coordinator(settings: Settings, person: Person) -> Coordinator:
    """A configured person as every reader sees them."""
    return Coordinator(Address(person.channel, person.chat_id), person.name, parse(settings, person.scope))


def with_coordinators(config: AppConfig, *people: Person, **coordination: object) -> AppConfig:
    """The shipped config with these coordinators (and coordination overrides)."""
    update: dict[str, object] = {"roles": Roles(coordinators=people or COORDINATORS)}
    if coordination:
        update["coordination"] = config.coordination.model_copy(update=coordination)
    return config.model_copy(update=update)


async def add_youth(store: Store, chat_id: str, now: datetime, *, channel: str = "telegram", unit: str = "KESACH",
                    reminders_ok: bool = False, campaign: str = PRIMARY_CAMPAIGN) -> int:
    async with store.unit() as uow:
        youth = Youth(channel=channel, chat_id=chat_id, unit_code=unit, consent_at=to_db(now), created_at=to_db(now),
                      reminders_ok=reminders_ok, campaign=campaign)
        uow.session.add(youth)
        await uow.session.flush()
        assert youth.id is not None
        return youth.id


async def add_question(store: Store, youth_id: int | None, text: str, topic: str, now: datetime, *,
                       unit: str = "KESACH", needs_review: bool = False, late: bool = False,
                       name: str | None = None, campaign: str = PRIMARY_CAMPAIGN, prefix: str = "ST2023") -> Question:
    async with store.unit() as uow:
        question = Question(youth_id=youth_id, channel="telegram", unit_code=unit, asker_name=name, text_raw=text,
                            text_norm=text, topic=topic, needs_review=needs_review, late=late, created_at=to_db(now),
                            campaign=campaign)
        return await uow.questions.add(question, prefix)


class RecordingSender:
    """App.deliver's stand-in: remembers what went where; some chats can be made to fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[Address, Reply]] = []
        self.errors: dict[str, Exception] = {}

    async def __call__(self, address: Address, reply: Reply) -> None:
        await asyncio.sleep(0)
        error = self.errors.get(address.chat_id)
        if error is not None:
            raise error
        self.sent.append((address, reply))

    def per_chat(self) -> Counter[str]:
        return Counter(address.chat_id for address, _ in self.sent)

    def to(self, chat_id: str) -> list[Reply]:
        return [reply for address, reply in self.sent if address.chat_id == chat_id]


def scheduler_clock(monkeypatch: pytest.MonkeyPatch, start: datetime) -> FakeClock:
    """One fake clock for our code and for APScheduler's own idea of 'now'."""
    fake = FakeClock(start)

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return fake.now().astimezone(tz) if tz else fake.now().replace(tzinfo=None)

    monkeypatch.setattr(schedulers_base, "datetime", FakeDatetime)
    monkeypatch.setattr(executors_base, "datetime", FakeDatetime)
    return fake


class Process:
    """One bot process: its own engine, sender, jobs and scheduler (reading the stored campaigns) on
    the shared database file."""

    def __init__(self, config: AppConfig, db: Path, clock: FakeClock, name: str,
                 pushable: Sequence[str] = ("telegram",)) -> None:
        self.store = Store(create_engine(f"sqlite+aiosqlite:///{db}"), secret=SECRET)  # shared by every worker
        self.sender = RecordingSender()
        broadcaster = Broadcaster(self.store, self.sender, clock)
        self.jobs = CoordinationJobs(config, self.store, broadcaster, clock, lambda: list(pushable))
        self.scheduler = Scheduler(config, self.jobs.run, clock, name=name,
                                   store=job_store(f"sqlite+aiosqlite:///{db}"), campaigns=self.jobs.campaigns)

    async def tick(self) -> None:
        """Let APScheduler look at the (fake) time and finish the jobs it started."""
        self.scheduler.aps.wakeup()
        for _ in range(5):
            await asyncio.sleep(0)
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()
                   and "run_coroutine_job" in repr(t.get_coro())]
        await asyncio.gather(*pending)

    async def close(self) -> None:
        self.scheduler.stop()
        await self.store.close()
