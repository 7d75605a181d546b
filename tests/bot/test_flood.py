"""The in-memory flood guard: its limit per chat, and the chats it forgets once they fall silent."""

from bot.flood import FloodGuard, Verdict
from handlers.types import Address
from tests.support import FakeClock, local


def chat(n: int) -> Address:
    return Address("telegram", str(n))


def test_one_chat_over_the_limit_is_warned_once_then_dropped_until_the_window_passes() -> None:
    clock = FakeClock(local(2026, 5, 10))
    guard = FloodGuard(clock, limit=3, window=60)
    assert [guard.check(chat(1)) for _ in range(5)] == [Verdict.PASS] * 3 + [Verdict.WARN, Verdict.DROP]
    clock.advance(seconds=59)
    assert guard.check(chat(1)) is Verdict.DROP
    clock.advance(seconds=2)
    assert guard.check(chat(1)) is Verdict.PASS


def test_chats_silent_for_a_whole_window_are_forgotten_and_the_others_kept() -> None:
    clock = FakeClock(local(2026, 5, 10))
    guard = FloodGuard(clock, limit=2, window=60)
    for n in range(1000):
        guard.check(chat(n))
    assert len(guard) == 1000
    clock.advance(seconds=30)
    assert [guard.check(chat(-1)) for _ in range(3)] == [Verdict.PASS, Verdict.PASS, Verdict.WARN]
    clock.advance(seconds=31)  # the first thousand are a minute old, the flooding chat half a minute
    guard.check(chat(5000))
    assert len(guard) == 2
    assert guard.check(chat(-1)) is Verdict.DROP  # still warned inside its window
    assert guard.check(chat(7)) is Verdict.PASS
