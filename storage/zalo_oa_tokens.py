"""The Zalo Official Account's token pair, kept in the database so every worker shares one.

Each refresh token works once, so the row also carries the renewal's lease, the intent (the
refresh token was handed to Zalo at `spending_since`) and the write-ahead slot (`pending_*`): the
new pair is written there the moment Zalo answers, then confirmed into the current pair.
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db

EPOCH = datetime(1970, 1, 1)


class ZaloOAToken(SQLModel, table=True):
    """One OA's access token, refresh token and renewal state."""

    __tablename__ = "zalo_oa_token"

    app_id: str = Field(primary_key=True, max_length=64)
    access_token: str = ""
    access_expires_at: datetime
    refresh_token: str
    seed_hash: str = Field(max_length=64)  # sha256 of the operator's refresh token last adopted
    spending_since: Optional[datetime] = None  # the refresh token was sent to Zalo then (intent)
    lease_owner: Optional[str] = Field(default=None, max_length=64)
    lease_until: Optional[datetime] = None
    pending_access_token: Optional[str] = None  # write-ahead: Zalo's answer, not yet confirmed
    pending_refresh_token: Optional[str] = None
    pending_expires_at: Optional[datetime] = None
    updated_at: datetime

    def __repr__(self) -> str:
        return f"ZaloOAToken(app_id={self.app_id!r}, access_expires_at={self.access_expires_at!r}, tokens=<redacted>)"


class ZaloOATokenRepo:
    """Reads and moves the token row; each method is one statement of the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, app_id: str) -> ZaloOAToken | None:
        """The row, read fresh from the database."""
        result = await self._session.exec(
            select(ZaloOAToken).where(col(ZaloOAToken.app_id) == app_id).execution_options(populate_existing=True)
        )
        return result.first()

    async def seed(self, app_id: str, refresh_token: str, seed_hash: str, now: datetime) -> None:
        """Adopt an operator's refresh token: a new row, or a fresh start replacing the old pair."""
        row = await self.get(app_id)
        if row is None:
            row = ZaloOAToken(app_id=app_id, refresh_token=refresh_token, seed_hash=seed_hash,
                              access_expires_at=to_db(now), updated_at=to_db(now))
        row.access_token, row.access_expires_at = "", to_db(now)
        row.refresh_token, row.seed_hash, row.updated_at = refresh_token, seed_hash, to_db(now)
        row.spending_since = row.lease_owner = row.lease_until = None
        row.pending_access_token = row.pending_refresh_token = row.pending_expires_at = None
        self._session.add(row)

    async def claim(self, app_id: str, refresh_token: str, owner: str, now: datetime, until: datetime) -> bool:
        """Take the renewal lease unless someone holds a live one or the refresh token changed
        since it was read (compare-and-set); records the intent to spend it."""
        free = (col(ZaloOAToken.lease_owner).is_(None)) | (col(ZaloOAToken.lease_until) < to_db(now))
        unchanged = col(ZaloOAToken.refresh_token) == refresh_token
        result = await self._session.exec(
            update(ZaloOAToken).where(col(ZaloOAToken.app_id) == app_id, free, unchanged)  # type: ignore[call-overload]
            .values(lease_owner=owner, lease_until=to_db(until), spending_since=to_db(now))
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    async def stash(self, app_id: str, access: str, refresh: str, expires_at: datetime) -> None:
        """Write-ahead: keep Zalo's answer before anything else can fail."""
        await self._session.exec(
            update(ZaloOAToken).where(col(ZaloOAToken.app_id) == app_id)  # type: ignore[call-overload]
            .values(pending_access_token=access, pending_refresh_token=refresh, pending_expires_at=to_db(expires_at))
            .execution_options(synchronize_session=False)
        )

    async def confirm(self, app_id: str, now: datetime) -> bool:
        """The stashed pair becomes the current one; the lease and the intent end."""
        row = await self.get(app_id)
        if row is None or row.pending_access_token is None or row.pending_refresh_token is None:
            return False
        row.access_token, row.refresh_token = row.pending_access_token, row.pending_refresh_token
        row.access_expires_at = row.pending_expires_at or to_db(now)
        row.pending_access_token = row.pending_refresh_token = row.pending_expires_at = None
        row.spending_since = row.lease_owner = row.lease_until = None
        row.updated_at = to_db(now)
        self._session.add(row)
        return True

    async def release(self, app_id: str, owner: str) -> None:
        """Give the lease back after a renewal that got no answer."""
        await self._session.exec(
            update(ZaloOAToken)  # type: ignore[call-overload]
            .where(col(ZaloOAToken.app_id) == app_id, col(ZaloOAToken.lease_owner) == owner)
            .values(lease_owner=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
