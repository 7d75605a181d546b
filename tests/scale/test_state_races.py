"""Writers of a youth's state that are not the youth's own update, racing it on PostgreSQL.

The youth's update holds their chat lock (bot/locks.py) for its whole transaction. Here a second
process writes the same youth's state meanwhile, and must not write back a copy it read before the
youth's update committed (which would put back a follow-up already added, and drop the question the
youth just sent as the one their next text continues):
- the every-minute sweep of unanswered follow-ups (handlers/followups.settle_pending);
- a coordinator's answer, which offers the youth rating buttons (handlers/choices.remember).
"""

import asyncio
import itertools

import pytest

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from bot.locks import lock_chat
from handlers.conversation import Conversation
from handlers.followups import settle_pending
from handlers.settings import Person, Roles
from handlers.types import Address, IncomingMessage, Kind, Reply
from storage import Question, Store
from tests.admin.conftest import Outbox
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, texts_of

FIRST = "Em là đoàn viên ở xã An Thạnh 3, em muốn hỏi về chuyện vay vốn."
SECOND = "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?"
THIRD = "Xã em chưa có sân bóng cho thanh niên, tỉnh có kế hoạch gì không?"
FOURTH = "Sân gần nhất cách nhà em 7 cây số, tụi em phải đi xe máy tới đó."
OTHER = "Tỉnh có chương trình hỗ trợ thanh niên vay vốn khởi nghiệp không ạ?"
YOUTH = Address("memory", "y1")
STAFF = "coord_startup"


@pytest.fixture
def staffed(config: AppConfig) -> AppConfig:
    coordinator = Person(name="Sở KH&ĐT", channel="memory", chat_id=STAFF, scope=("khoi_nghiep",))
    return config.model_copy(update={"roles": Roles(coordinators=(coordinator,))})


async def youth_with_a_followup(chat: MemoryChannel, clock: FakeClock) -> str:
    """A stored question with a follow-up waiting; returns the question's code."""
    await chat.text("y1", "/start")
    for step in ("consent:yes", "unit:KESACH", "name:anon"):
        await chat.press("y1", step)
    receipt = texts_of(await chat.text("y1", FIRST))
    await chat.text("y1", SECOND)
    return next(word for word in receipt.split() if word.startswith("ST2023-"))


async def state_of(store: Store) -> dict:
    async with store.unit() as uow:
        state = await uow.states.get(str(YOUTH))
        assert state is not None
        return {"step": state.step, **state.data}


async def question_texts(store: Store) -> list[str]:
    async with store.unit() as uow:
        return [q.text_raw for q in await uow.questions.all() if isinstance(q, Question)]


async def while_the_youth_sends_third(store: Store, conversation: Conversation, other_writer: asyncio.Future) -> None:
    """The youth's update for THIRD, holding their chat lock while `other_writer` runs in another process."""
    msg = IncomingMessage(YOUTH, Kind.TEXT, text=THIRD, update_id="y1-third")
    async with store.unit() as uow:
        await lock_chat(uow.session, YOUTH)
        await conversation.handle(msg, uow)
        task = asyncio.ensure_future(other_writer)
        await asyncio.sleep(0.5)  # the other process reads the state and waits for a lock
    await task


async def the_youths_update_stands(store: Store, conversation: Conversation) -> None:
    """SECOND was added once, THIRD is a question of its own, and FOURTH continues THIRD."""
    state = await state_of(store)
    assert state["step"] == "idle" and "followup" not in state and state["recent"]["code"] == "ST2023-0002"
    assert await question_texts(store) == [f"{FIRST}\n{SECOND}", THIRD]
    channel = MemoryChannel(Dispatcher(store, conversation, conversation.clock).handle)
    assert "ST2023-0002" in texts_of(await channel.text("y1", FOURTH, update_id="y1-fourth"))  # offered as its follow-up


async def test_the_sweep_waits_for_the_youths_update_and_keeps_their_new_followup(
    stores: tuple[Store, Store], config: AppConfig, clock: FakeClock
) -> None:
    one, two = stores
    conversation = Conversation(config, ScriptedTagger(), clock)
    await youth_with_a_followup(MemoryChannel(Dispatcher(one, conversation, clock).handle), clock)
    clock.advance(minutes=3)  # SECOND is overdue: the sweep would add it; the youth's THIRD does it first

    async def sweep() -> list[Reply]:
        async with two.unit() as uow:
            return await settle_pending(uow, clock.now(), config.limits.append_window_minutes)

    await while_the_youth_sends_third(one, conversation, sweep())
    await the_youths_update_stands(one, conversation)
    clock.advance(minutes=3)  # FOURTH was never placed: the sweep adds it to THIRD, once
    async with two.unit() as uow:
        [note] = await settle_pending(uow, clock.now(), config.limits.append_window_minutes)
    assert note.address == YOUTH and "ST2023-0002" in note.text
    assert await question_texts(one) == [f"{FIRST}\n{SECOND}", f"{THIRD}\n{FOURTH}"]


async def test_a_staff_answer_offers_rating_buttons_without_overwriting_the_youths_state(
    stores: tuple[Store, Store], staffed: AppConfig, clock: FakeClock
) -> None:
    one, two = stores
    outbox = Outbox()
    conversation = Conversation(staffed, ScriptedTagger(), clock)
    youth_chat = MemoryChannel(Dispatcher(one, conversation, clock).handle)
    await youth_chat.text("y1", "/start")
    for step in ("consent:yes", "unit:KESACH", "name:anon"):
        await youth_chat.press("y1", step)
    await youth_chat.text("y1", OTHER)  # ST2023-0001, the one staff answers: the youth's update won't touch it
    clock.advance(minutes=3)
    await youth_with_a_followup(youth_chat, clock)  # ST2023-0002 with SECOND waiting
    staff = MemoryChannel(Dispatcher(two, Conversation(staffed, ScriptedTagger(), clock), clock, outbox.deliver).handle,
                          counter=itertools.count(1000))  # update ids of its own
    await staff.text(STAFF, "/tra_loi ST2023-0001")
    clock.advance(minutes=3)

    await while_the_youth_sends_third(one, conversation, staff.text(STAFF, "Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH."))
    [(address, answer)] = outbox.sent
    assert address == YOUTH and "gói vay ưu đãi" in answer.text
    state = await state_of(one)
    assert [data for _, data in state["choices"]] == [b.data for b in answer.flat_buttons()]  # typed «1» rates
    assert state["step"] == "idle" and "followup" not in state and state["recent"]["code"] == "ST2023-0003"
    assert await question_texts(one) == [OTHER, f"{FIRST}\n{SECOND}", THIRD]
