"""Digests on PostgreSQL: a question whose transaction commits after a later id is not skipped."""

from datetime import datetime, timezone

from bot.broadcast import Broadcaster
from bot.config import AppConfig
from bot.coordination import CoordinationJobs
from storage import Question, Store, create_engine
from storage.clock import to_db
from storage.migrate import upgrade
from tests.coordination.support import UNION, RecordingSender, with_coordinators
from tests.pg import throwaway_database
from tests.support import FakeClock

NOW = datetime(2023, 5, 12, 10, tzinfo=timezone.utc)


def _question(text: str) -> Question:
    return Question(channel="telegram", unit_code="KESACH", text_raw=text, text_norm=text, topic="khoi_nghiep",
                    created_at=to_db(NOW))


async def test_a_question_committed_after_a_later_id_is_in_the_next_digest(config: AppConfig) -> None:
    async with throwaway_database("doithoai_digest") as url:
        engine = create_engine(url)
        await upgrade(engine)
        store, clock, sender = Store(engine), FakeClock(NOW), RecordingSender()
        jobs = CoordinationJobs(with_coordinators(config, UNION), store, Broadcaster(store, sender, clock), clock,
                                lambda: ["telegram"], secret=b"s" * 32)
        try:
            async with store.unit() as slow:  # the first transaction takes id 1 …
                early = await slow.questions.add(_question("Câu hỏi của giao dịch chậm về vay vốn"), "ST2023")
                async with store.unit() as fast:  # … the second takes id 2 and commits first
                    # Its code is written by hand: the receipt counter's row lock would make it wait for
                    # the first (codes follow commits); question ids do not, and that is what is tested.
                    late = _question("Câu hỏi của giao dịch nhanh về vay vốn")
                    late.code = "ST2023-0002"
                    fast.session.add(late)
                    await fast.session.flush()
                assert (early.id, late.id) == (1, 2)
                await jobs.digests()  # runs between the two commits: sees only id 2
            [first] = sender.to("9004")
            assert "ST2023-0002" in first.text and "ST2023-0001" not in first.text
            clock.advance(days=1)
            await jobs.digests()
            second = sender.to("9004")[-1]
            assert "ST2023-0001" in second.text and "ST2023-0002" not in second.text  # late, not lost; once
        finally:
            await store.close()
