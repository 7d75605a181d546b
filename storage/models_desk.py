"""Tables of the staff web desk: single-use login links and desk sessions (both stored hashed)."""

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel


class DeskLogin(SQLModel, table=True):
    """A /dangnhap link: the pseudonym of its random token, whose it is, until when, and whether used."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    expires_at: datetime
    used: bool = False
    created_at: datetime


class DeskSession(SQLModel, table=True):
    """A browser's desk session: the pseudonym of its cookie, the person, and its clocks."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    channel: str = Field(max_length=16, index=True)
    chat_id: str = Field(max_length=128, index=True)
    created_at: datetime
    seen_at: datetime
    ended: bool = False
