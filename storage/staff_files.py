"""Files kept for staff whose channel cannot carry them (an .xlsx on Zalo or the web chat).

The bytes live in the database so that every worker can serve the signed link (bot/files.py);
each row dies at `expires_at`, and the quarter-hourly sweep deletes it soon after.
"""

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import from_db, to_db


class StaffFile(SQLModel, table=True):
    """One file waiting to be downloaded through its signed link."""

    __tablename__ = "staff_file"

    id: str = Field(primary_key=True, max_length=32)  # random, unguessable; the link also needs its signature
    filename: str = Field(max_length=255)
    mime_type: str = Field(max_length=128)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    owner: str = Field(max_length=64)  # a pseudonym of the recipient's address (for a desk session's check)
    created_at: datetime
    expires_at: datetime = Field(index=True)

    def __repr__(self) -> str:
        return f"StaffFile(id={self.id!r}, mime_type={self.mime_type!r}, size={len(self.content)})"


class StaffFileRepo:
    """Store, read and sweep staff files."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, row: StaffFile) -> None:
        """Keep one file (times converted to UTC)."""
        row.created_at, row.expires_at = to_db(row.created_at), to_db(row.expires_at)
        self._session.add(row)
        await self._session.flush()

    async def get(self, file_id: str) -> StaffFile | None:
        """The file with this id, or None (its expiry as aware UTC)."""
        row = (await self._session.exec(select(StaffFile).where(StaffFile.id == file_id))).first()
        if row is not None:
            row.expires_at = from_db(row.expires_at)
        return row

    async def prune(self, now: datetime) -> int:
        """Delete every file whose link has expired; returns how many."""
        result = await self._session.exec(  # type: ignore[call-overload]
            delete(StaffFile).where(col(StaffFile.expires_at) <= to_db(now))
        )
        return int(result.rowcount or 0)
