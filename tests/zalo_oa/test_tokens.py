"""OA token renewal: on expiry, on a refused token, two workers racing, crashes mid-renewal."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.zalo_oa_api import InvalidAccessToken, RefreshRejected, TokenPair
from bot.channels.zalo_oa_tokens import TokenKeeper
from handlers.types import Address, Reply
from storage import Store, create_all, create_engine
from storage.zalo_oa_tokens import ZaloOATokenRepo
from tests.bot.channel_users import OA_APP_ID, OA_APP_SECRET, OA_SECRET_KEY
from tests.fakes.zalo_oa_api import INVALID_TOKEN, FakeZaloOA
from tests.pg import throwaway_database
from tests.support import FakeClock
from tests.zalo_oa.support import keeper_for, wired

USER = Address("zalo_oa", "u1")


class Crash(Exception):
    """The process dies here."""


class DiesBeforeConfirming(TokenKeeper):
    async def confirm(self) -> None:
        raise Crash("between the write-ahead and the confirmation")


class DiesBeforeWritingAhead(TokenKeeper):
    async def write_ahead(self, pair: TokenPair) -> None:
        raise Crash("between Zalo's answer and the write-ahead")


@pytest.fixture
async def oa() -> AsyncIterator[FakeZaloOA]:
    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as fake:
        yield fake


Keepers = Callable[..., TokenKeeper]


@pytest.fixture
async def keepers(oa: FakeZaloOA, clock: FakeClock) -> AsyncIterator[Keepers]:
    """Makes workers' token keepers (keeper_for's arguments after the store) and closes them afterwards."""
    made: list[TokenKeeper] = []

    def make(store: Store, seed: str | None = None, kind: type[TokenKeeper] = TokenKeeper) -> TokenKeeper:
        made.append(keeper_for(store, oa, clock, seed, kind))
        return made[-1]

    yield make
    for keeper in made:
        await keeper.close()


@asynccontextmanager
async def worker_store(url: str) -> AsyncIterator[Store]:
    """Another worker's own engine on the same database."""
    engine = create_engine(url)
    await create_all(engine)
    try:
        yield Store(engine)
    finally:
        await engine.dispose()


async def stored_refresh_token(store: Store) -> str:
    async with store.unit() as uow:
        row = await ZaloOATokenRepo(uow.session).get(OA_APP_ID)
    assert row is not None
    return row.refresh_token


async def test_the_operator_token_is_adopted_once(store: Store, oa: FakeZaloOA, keepers: Keepers) -> None:
    seed = oa.issue_refresh_token()
    keeper = keepers(store, seed)
    await keeper.start()
    first = await keeper.access_token()
    assert len(oa.refresh_calls) == 1 and oa.refresh_calls[0]["refresh_token"] == seed
    again = keepers(store, seed)  # a restart with the same environment
    await again.start()
    assert await again.access_token() == first and len(oa.refresh_calls) == 1
    assert await stored_refresh_token(store) != seed  # the successor lives in the database
    fresh = oa.issue_refresh_token()  # the operator re-authorised the OA
    renewed = keepers(store, fresh)
    await renewed.start()
    await renewed.access_token()
    assert oa.refresh_calls[-1]["refresh_token"] == fresh


async def test_renewed_before_expiry(store: Store, clock: FakeClock, oa: FakeZaloOA, keepers: Keepers) -> None:
    keeper = keepers(store, oa.issue_refresh_token())
    await keeper.start()
    first = await keeper.access_token()
    clock.moment += timedelta(hours=23)  # 25 h tokens: still two hours left
    assert await keeper.access_token() == first and len(oa.refresh_calls) == 1
    clock.moment += timedelta(hours=1, minutes=30)  # within the hour before expiry
    second = await keeper.access_token()
    assert second != first and len(oa.refresh_calls) == 2
    assert oa.refresh_calls[1]["refresh_token"] != oa.refresh_calls[0]["refresh_token"]


async def test_a_refused_token_is_renewed_once_then_fails_loud(
    store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with wired(store, clock) as w:
        await w.channel.send(USER, Reply("một"))
        w.oa.expire_access_tokens()  # Zalo revoked it early
        await w.channel.send(USER, Reply("hai"))
        assert [m["text"] for m in w.oa.messages("u1")] == ["một", "hai"] and len(w.oa.refresh_calls) == 2
        w.oa.fail_next(INVALID_TOKEN, count=2)  # refused even after a renewal
        with caplog.at_level(logging.ERROR), pytest.raises(InvalidAccessToken):
            await w.channel.send(USER, Reply("ba"))
        assert len(w.oa.refresh_calls) == 3 and "freshly renewed" in caplog.text


async def race(url: str, oa: FakeZaloOA, keepers: Keepers) -> None:
    async with worker_store(url) as one, worker_store(url) as two, worker_store(url) as three:
        first = keepers(one, oa.issue_refresh_token())
        await first.start()
        others = [keepers(two), keepers(three), keepers(two)]
        oa.hold_refresh = asyncio.Event()  # Zalo answers only when the test says so
        tasks = [asyncio.create_task(k.access_token()) for k in (first, *others)]
        await oa.wait_until(lambda: len(oa.refresh_calls) == 1)
        await asyncio.sleep(0.2)  # the other workers are polling, not renewing
        assert len(oa.refresh_calls) == 1
        oa.hold_refresh.set()
        assert len(set(await asyncio.gather(*tasks))) == 1
        assert len(oa.refresh_calls) == 1


async def test_two_workers_racing_renew_once_sqlite(tmp_path: Path, oa: FakeZaloOA, keepers: Keepers) -> None:
    await race(f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}", oa, keepers)


async def test_two_workers_racing_renew_once_postgresql(oa: FakeZaloOA, keepers: Keepers) -> None:
    async with throwaway_database("zalo_oa") as url:
        await race(url, oa, keepers)


async def test_a_crash_after_the_write_ahead_loses_nothing(
    tmp_path: Path, clock: FakeClock, oa: FakeZaloOA, keepers: Keepers
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with worker_store(url) as one, worker_store(url) as two:
        dying = keepers(one, oa.issue_refresh_token(), DiesBeforeConfirming)
        await dying.start()
        with pytest.raises(Crash):
            await dying.access_token()
        assert len(oa.refresh_calls) == 1  # the seed is spent; its successor was written ahead
        clock.moment += timedelta(minutes=2)  # the dead worker's lease runs out
        survivor = keepers(two)
        token = await survivor.access_token()
        assert token in oa.access_tokens and len(oa.refresh_calls) == 1
        assert await stored_refresh_token(two) in oa.refresh_tokens  # the new refresh token still works
        clock.moment += timedelta(hours=25)
        assert await survivor.access_token() in oa.access_tokens and len(oa.refresh_calls) == 2


async def test_a_crash_before_the_write_ahead_is_reported_without_tokens(
    tmp_path: Path, clock: FakeClock, oa: FakeZaloOA, keepers: Keepers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    async with worker_store(url) as one, worker_store(url) as two:
        seed = oa.issue_refresh_token()
        dying = keepers(one, seed, DiesBeforeWritingAhead)
        await dying.start()
        with pytest.raises(Crash):
            await dying.access_token()
        clock.moment += timedelta(minutes=2)
        survivor = keepers(two)
        with pytest.raises(RefreshRejected):
            await survivor.access_token()  # the only window left: Zalo answered, nothing was written
        assert "ZALO_OA_REFRESH_TOKEN" in caplog.text
        reseeded = keepers(two, oa.issue_refresh_token())  # the operator's fix
        await reseeded.start()
        assert await reseeded.access_token() in oa.access_tokens
    logged = caplog.text
    assert seed not in logged and not any(t in logged for t in (*oa.access_tokens, *oa.refresh_tokens))
    assert "refresh-" not in logged and "access-" not in logged


async def test_no_token_in_logs_or_reprs(store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with wired(store, clock) as w:
        await w.channel.send(USER, Reply("xin chào"))
        w.oa.expire_access_tokens()
        await w.channel.send(USER, Reply("lần nữa"))
        async with store.unit() as uow:
            row = await ZaloOATokenRepo(uow.session).get(OA_APP_ID)
        shown = caplog.text + repr(row) + repr(w.keeper) + repr(w.channel) + repr(w.keeper.oauth)
        assert "refresh-" not in shown and "access-" not in shown and OA_APP_SECRET not in shown
        assert OA_SECRET_KEY not in shown
