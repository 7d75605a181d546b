"""Property-based: any sequence of texts, commands and button presses leaves the bot sane."""

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.config import load_config
from bot.dispatcher import Dispatcher
from handlers import texts
from handlers.conversation import Conversation
from storage import ConversationState, Question, Store, create_all, create_engine
from tests.conftest import ROOT
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, local

CONFIG = load_config(ROOT / "config.yaml", env={})
TOPICS = {t.id for t in CONFIG.topics}
KNOWN_BUTTONS = ["consent:yes", "consent:no", "consent:yes:KESACH", "unit:TPST", "unit:NOPE", "name:anon",
                 "topic:ok:1", "topic:ok:2", "topic:pick:1", "topic:set:1:suc_khoe", "topic:set:2:khac",
                 "again", "mine", "del:yes", "del:no", "retopic:1", "retopic:1:suc_khoe", "retopic:2:khac",
                 "more:add", "more:new"]
COMMANDS = ["/start", "/start KESACH", "/cauhoi", "/xoa", "/huy", "/trogiup", "/abc"]

action = st.one_of(
    st.tuples(st.just("text"), st.text(max_size=300)),
    st.tuples(st.just("text"), st.sampled_from(["1", "2", "3", "dong y", "an danh", "Đúng", "Nguyễn Văn A", "alo",
                                                "Tỉnh có hỗ trợ vốn vay khởi nghiệp cho thanh niên không?",
                                                "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?"])),
    st.tuples(st.just("text"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("press"), st.sampled_from(KNOWN_BUTTONS)),
    st.tuples(st.just("press"), st.text(max_size=70)),
    st.tuples(st.just("other"), st.sampled_from(["sticker", "photo", "voice", ""])),
)


async def _run(actions: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'p.db'}")
        await create_all(engine)
        store = Store(engine)
        clock = FakeClock(local(2023, 5, 10))
        chat = MemoryChannel(Dispatcher(store, Conversation(CONFIG, ScriptedTagger(), clock), clock).handle)
        try:
            receipts = 0
            for kind, value in actions:
                clock.advance(seconds=5)  # a human pace: the flood guard stays out of the way
                replies = await {"text": chat.text, "press": chat.press, "other": chat.other}[kind]("p1", value)
                joined = "\n".join(r.text for r in replies)
                assert texts.INTERNAL_ERROR not in joined, (kind, value)
                receipts += joined.count("Mã câu hỏi: ST2023-")
            async with store.unit() as uow:
                stored = list((await uow.session.exec(select(Question))).all())
                states = list((await uow.session.exec(select(ConversationState))).all())
            # Erasure may have removed some; never more questions than receipts given, never a broken row.
            assert len(stored) <= receipts
            assert all(q.code and q.topic in TOPICS and q.text_raw.strip() for q in stored)
            assert len(states) <= 1
        finally:
            await store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, min_size=1, max_size=25))
def test_any_sequence_of_actions_is_handled(actions: list[tuple[str, str]]) -> None:
    asyncio.run(_run(actions))
