"""Admin fixtures: roles in the config, a recording outbound seam and announcer, helpers."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from sqlmodel import select

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from bot.errors import RecipientUnreachable
from handlers.conversation import Conversation
from handlers.settings import Person, Roles
from handlers.types import Address, Reply
from storage import Store
from tests.support import FakeClock, MemoryChannel, ScriptedTagger

ADMIN, HEALTH, STARTUP = "admin1", "coord_health", "coord_startup"
QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"


@dataclass
class Outbox:
    """Records what the dispatcher delivers to other chats; some addresses can be unreachable."""

    sent: list[tuple[Address, Reply]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)

    async def deliver(self, address: Address, reply: Reply) -> None:
        if address.chat_id in self.unreachable:
            raise RecipientUnreachable("blocked the bot")
        self.sent.append((address, reply))

    def to(self, chat_id: str) -> list[Reply]:
        return [reply for address, reply in self.sent if address.chat_id == chat_id]


@dataclass
class RecordingAnnouncer:
    """The Announcer seam, recording instead of sending."""

    calls: list[tuple[list[Address], Reply]] = field(default_factory=list)

    def submit(self, recipients: Sequence[Address], reply: Reply) -> str:
        self.calls.append((list(recipients), reply))
        return f"run-{len(self.calls)}"

    def resume_now(self, occurrence: str) -> None:
        raise AssertionError("no announcement is resumed in these tests")


@pytest.fixture
def config(config: AppConfig) -> AppConfig:
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="memory", chat_id=ADMIN),),
        coordinators=(
            Person(name="Sở Y tế", channel="memory", chat_id=HEALTH, scope=("suc_khoe",)),
            Person(name="Sở KH&ĐT", channel="memory", chat_id=STARTUP, scope=("so_khdt",)),
        ),
    )
    return config.model_copy(update={"roles": roles})


@pytest.fixture
def dispatcher(
    store: Store, config: AppConfig, clock: FakeClock, tagger: ScriptedTagger, outbox: Outbox,
    announcer: RecordingAnnouncer,
) -> Dispatcher:
    conversation = Conversation(config, tagger, clock)
    conversation.admin.seams.announcer = announcer
    return Dispatcher(store, conversation, clock, outbound=outbox.deliver)


async def ask(chat: MemoryChannel, user: str, text: str = QUESTION, unit: str = "KESACH") -> str:
    """A youth consents and submits one question; returns its receipt code."""
    await chat.text(user, "/start")
    await chat.press(user, "consent:yes")
    await chat.press(user, f"unit:{unit}")
    await chat.press(user, "name:anon")
    receipt = await chat.text(user, text)  # stored at once: the receipt is the reply
    return next(line.split(": ")[1] for r in receipt for line in r.text.splitlines() if line.startswith("Mã câu hỏi"))


async def rows(store: Store, model: type) -> list:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(model))).all())
