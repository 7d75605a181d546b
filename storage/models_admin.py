"""Tables of the admin and coordinator features: grants, audit log, answers, blocks, overrides."""

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class RoleGrant(SQLModel, table=True):
    """A role given from the chat (/cap_quyen) on top of the configured admins and coordinators."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_role_grant_channel_chat"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    role: str = Field(max_length=16)  # admin | coordinator
    name: str = Field(default="", max_length=200)
    scope: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # [] = all
    # The local campaign the role is in; None: the province's (an admin then sees every campaign).
    campaign: Optional[str] = Field(default=None, max_length=16)
    granted_by: str = Field(max_length=160)
    created_at: datetime


class AuditEntry(SQLModel, table=True):
    """One admin or coordinator action (or a refused attempt): who, what, when, on which question."""

    id: Optional[int] = Field(default=None, primary_key=True)
    actor: str = Field(max_length=160, index=True)  # channel:chat_id
    role: str = Field(max_length=16)
    action: str = Field(max_length=32, index=True)
    question_code: Optional[str] = Field(default=None, max_length=32, index=True)
    detail: str = Field(default="", max_length=500)
    allowed: bool = True
    created_at: datetime = Field(index=True)


class PendingInput(SQLModel, table=True):
    """What a chat's next message means (an answer text, an import file, a rating comment…)."""

    chat_key: str = Field(primary_key=True, max_length=160)
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class Answer(SQLModel, table=True):
    """A department's answer to a question, and the youth's rating of it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    text: str
    answered_by: str = Field(max_length=160)
    answerer_name: str = Field(default="", max_length=200)
    delivered: bool = False
    rating: Optional[str] = Field(default=None, max_length=8)  # good | bad
    comment: Optional[str] = Field(default=None, max_length=2000)
    created_at: datetime
    rated_at: Optional[datetime] = None


class BlockedChat(SQLModel, table=True):
    """A chat whose messages are kept but no longer answered."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_blocked_chat_channel_chat"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    blocked_by: str = Field(max_length=160)
    created_at: datetime


class BlockedMessage(SQLModel, table=True):
    """A message from a blocked chat, kept for review."""

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16, index=True)
    chat_id: str = Field(max_length=128)
    text: str = Field(default="", max_length=4000)
    created_at: datetime


class CampaignOverride(SQLModel, table=True):
    """Admin changes to the configured dialogue date or deadline rule (one row, id 1)."""

    id: int = Field(default=1, primary_key=True)
    dialogue_date: Optional[date] = None
    deadline_days_before: Optional[int] = None
    changed_by: str = Field(max_length=160)
    changed_at: datetime
