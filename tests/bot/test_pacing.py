"""The send pacer on a fake clock: spacing, the sliding-window guard, 429 pauses and AIMD."""

import asyncio

import pytest

from bot.pacing import Pacer


class FakeTime:
    """Monotonic time that moves only when someone sleeps (the pacer's gate lets one sleep at a time)."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def paced(time: FakeTime, per_second: float = 10, **options: float) -> Pacer:
    options.setdefault("per_chat_burst", 1)
    return Pacer(per_second, monotonic=time.monotonic, sleep=time.sleep, **options)  # type: ignore[arg-type]


async def departures(pacer: Pacer, time: FakeTime, chats: list[str | None]) -> list[float]:
    """When each send left, acquiring concurrently as the broadcast workers do."""
    left: list[float] = []

    async def send(chat: str | None) -> None:
        await pacer.acquire(chat)
        left.append(time.now)

    await asyncio.gather(*(send(chat) for chat in chats))
    return left


async def test_sends_leave_evenly_at_the_rate_below_the_limit() -> None:
    time = FakeTime()
    pacer = paced(time, 10, headroom=0.8, slack=0.0)
    left = await departures(pacer, time, [str(i) for i in range(6)])
    gaps = [b - a for a, b in zip(left, left[1:])]
    assert left[0] == 100.0 and gaps == pytest.approx([1 / 8] * 5)  # 10/s * 0.8, no burst


async def test_after_idle_time_only_the_slack_is_made_up_and_at_twice_the_rate() -> None:
    time = FakeTime()
    pacer = paced(time, 10, headroom=0.8, slack=0.25)
    left = await departures(pacer, time, [None] * 7)
    gaps = [b - a for a, b in zip(left, left[1:])]
    assert gaps == pytest.approx([1 / 16] * 4 + [1 / 8] * 2)  # 0.25 s (two sends) made up, then steady


async def test_a_chat_gets_one_send_per_interval_after_its_burst() -> None:
    time = FakeTime()
    pacer = paced(time, 100, per_chat_interval=1.0, per_chat_burst=2, slack=0.0)
    left = [await departures(pacer, time, ["7"]) for _ in range(4)]
    assert [t for (t,) in left] == pytest.approx([100.0, 100.0 + 1 / 96, 101.0, 102.0])
    assert pacer.delay("7") == pytest.approx(1.0)
    assert pacer.delay("8") <= 1 / 96 + 1e-9  # other chats only wait their turn


async def test_a_stall_is_made_up_gradually_and_never_beyond_the_window() -> None:
    time = FakeTime()
    pacer = paced(time, 10, headroom=0.9, slack=0.2, window=1.04)
    before = await departures(pacer, time, [None] * 5)
    time.now += 0.4  # the event loop was stuck: a few sends' worth of time went by
    left = await departures(pacer, time, [None] * 30)
    gaps = [b - a for a, b in zip(left, left[1:])]
    assert min(gaps) >= 1 / 18 - 1e-9  # made up at twice the rate, never in a burst
    assert gaps[-5:] == pytest.approx([1 / 9] * 5)  # then back to the steady rate
    assert left[-1] - before[0] < 34 / 9 + 0.4 - 0.2  # some of the stall was made up
    everything = before + left
    assert all(sum(1 for t in everything if s <= t < s + 1.04) <= 10 for s in everything)


async def test_a_429_pauses_everyone_and_cuts_the_rate_once_per_pause() -> None:
    time = FakeTime()
    pacer = paced(time, 100, headroom=1.0, backoff=0.5, recovery=0.1)
    await departures(pacer, time, ["1"])
    for _ in range(3):  # three requests in flight all got the same 429
        pacer.pause(2)
    assert pacer.limit == 50 and pacer.cuts == 1
    assert pacer.delay("2") == pytest.approx(2.0)
    (resumed,) = await departures(pacer, time, ["2"])
    assert resumed == pytest.approx(102.0)
    time.now += 3  # three calm seconds win back 3 * 10% of 100/s
    await departures(pacer, time, ["3"])
    assert pacer.limit == pytest.approx(80)
    time.now += 10
    await departures(pacer, time, ["4"])
    assert pacer.limit == 100  # never above the configured limit


async def test_a_pause_during_a_wait_holds_the_sender_back() -> None:
    time = FakeTime()
    pacers: list[Pacer] = []

    async def sleep_then_429(seconds: float) -> None:
        time.now += seconds
        if len(pacers) == 1:
            pacers.pop().pause(5)  # arrives while the next sender sleeps for its turn

    pacer = Pacer(1, headroom=1.0, monotonic=time.monotonic, sleep=sleep_then_429)
    await pacer.acquire("1")
    pacers.append(pacer)
    await pacer.acquire("2")
    assert time.now == pytest.approx(101.04 + 5)  # its turn (one send per 1.04 s window), then the pause
