"""The brief cache of grants, blocks and the campaign override: fresh in this process, bounded elsewhere."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import Store
from storage.lookups import LookupCache
from storage.migrate import upgrade
from storage.models_admin import RoleGrant

NOW = datetime(2023, 5, 10, 2, 0, tzinfo=timezone.utc)


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def grant(chat_id: str) -> RoleGrant:
    return RoleGrant(channel="telegram", chat_id=chat_id, role="coordinator", name="Sở Y tế", scope=["suc_khoe"],
                     granted_by="telegram:1", created_at=NOW)


@pytest.fixture
async def stores(engine: AsyncEngine) -> tuple[Store, Store, Ticks]:
    """Two workers' stores on one database; the second one's cache runs on a hand-moved clock."""
    await upgrade(engine)
    ticks = Ticks()
    other = Store(engine)
    other.lookups = LookupCache(5.0, clock=ticks)
    return Store(engine), other, ticks


async def test_a_write_is_seen_at_once_here_and_within_the_ttl_elsewhere(stores) -> None:
    here, other, ticks = stores
    async with other.unit() as uow:
        assert await uow.admin.grant("telegram", "7") is None  # cached: no grant
        assert not await uow.admin.is_blocked("telegram", "8")
        assert await uow.admin.campaign_override() is None
    async with here.unit() as uow:
        assert await uow.admin.grant("telegram", "7") is None
        await uow.admin.put_grant(grant("7"))
        await uow.admin.block("telegram", "8", "telegram:1", NOW)
        await uow.admin.set_campaign_override(date(2023, 7, 1), None, "telegram:1", NOW)
    async with here.unit() as uow:  # this process: at once
        assert (await uow.admin.grant("telegram", "7")).role == "coordinator"
        assert await uow.admin.is_blocked("telegram", "8")
        assert (await uow.admin.campaign_override()).dialogue_date == date(2023, 7, 1)
    async with other.unit() as uow:  # another worker: still its cached answer ...
        assert await uow.admin.grant("telegram", "7") is None
        assert not await uow.admin.is_blocked("telegram", "8")
    ticks.now += 5.01
    async with other.unit() as uow:  # ... until the cache expires
        assert (await uow.admin.grant("telegram", "7")).scope == ["suc_khoe"]
        assert await uow.admin.is_blocked("telegram", "8")
        assert (await uow.admin.campaign_override()).dialogue_date == date(2023, 7, 1)


async def test_what_a_rolled_back_transaction_read_is_not_kept(stores) -> None:
    here, _, _ = stores
    with pytest.raises(RuntimeError):
        async with here.unit() as uow:
            await uow.admin.block("telegram", "9", "telegram:1", NOW)
            await uow.admin.put_grant(grant("9"))
            assert await uow.admin.is_blocked("telegram", "9")  # read inside the transaction, cached
            assert await uow.admin.grant("telegram", "9") is not None
            raise RuntimeError("roll back")
    async with here.unit() as uow:
        assert not await uow.admin.is_blocked("telegram", "9")
        assert await uow.admin.grant("telegram", "9") is None


async def test_revoke_and_unblock_take_effect_at_once(stores) -> None:
    here, _, _ = stores
    async with here.unit() as uow:
        await uow.admin.put_grant(grant("5"))
        await uow.admin.block("telegram", "6", "telegram:1", NOW)
    async with here.unit() as uow:
        assert await uow.admin.grant("telegram", "5") is not None and await uow.admin.is_blocked("telegram", "6")
        assert await uow.admin.revoke("telegram", "5")
        assert await uow.admin.unblock("telegram", "6")
    async with here.unit() as uow:
        assert await uow.admin.grant("telegram", "5") is None
        assert not await uow.admin.is_blocked("telegram", "6")
