"""SQLModel tables: youth, questions, conversation states, processed updates, corrections."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, UniqueConstraint, false
from sqlmodel import Field, SQLModel

# The province's campaign: the one config.yaml describes, and every row stored before there were several.
PRIMARY_CAMPAIGN = "tinh"


class Youth(SQLModel, table=True):
    """A young person who consented, identified per channel."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_youth_channel_chat"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16, index=True)
    chat_id: str = Field(max_length=128)
    name: Optional[str] = Field(default=None, max_length=200)  # None: anonymous
    unit_code: Optional[str] = Field(default=None, max_length=32, index=True)
    # The campaign the youth is taking part in now (its unit list, deadline and reminders apply).
    campaign: str = Field(default=PRIMARY_CAMPAIGN, max_length=16, index=True,
                          sa_column_kwargs={"server_default": PRIMARY_CAMPAIGN})
    consent_at: datetime
    reminders_ok: bool = False
    reachable: bool = True
    created_at: datetime


class Question(SQLModel, table=True):
    """One question, as the youth wrote it, with its tagging and routing state."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: Optional[str] = Field(default=None, max_length=32, unique=True, index=True)
    youth_id: Optional[int] = Field(default=None, foreign_key="youth.id", index=True)
    channel: str = Field(max_length=16)
    campaign: str = Field(default=PRIMARY_CAMPAIGN, max_length=16, index=True,
                          sa_column_kwargs={"server_default": PRIMARY_CAMPAIGN})
    source: str = Field(default="chat", max_length=32)
    unit_code: Optional[str] = Field(default=None, max_length=32, index=True)
    asker_name: Optional[str] = Field(default=None, max_length=200)
    text_raw: str
    text_norm: str
    topic: Optional[str] = Field(default=None, max_length=32, index=True)
    topic_source: str = Field(default="tagger", max_length=16)  # tagger | youth | coordinator
    topic_scores: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    needs_review: bool = False
    status: str = Field(default="new", max_length=16, index=True)
    late: bool = False
    created_at: datetime = Field(index=True)
    # Publication (issue #18, storage/publication.py): the youth's consent, then a coordinator's approval.
    # The youth allows publishing it without their name; the server default serves inserts that omit it.
    public_ok: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    public_ok_at: Optional[datetime] = None
    public_text: Optional[str] = None  # the text a coordinator approved (possibly edited); None: not approved
    public_at: Optional[datetime] = None  # when it was approved; on the page only while consented and answered


class ConversationState(SQLModel, table=True):
    """Where a consented youth is in the conversation (survives restarts)."""

    chat_key: str = Field(primary_key=True, max_length=160)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class ProcessedUpdate(SQLModel, table=True):
    """An incoming update already handled; its replies are kept to answer a redelivery."""

    key: str = Field(primary_key=True, max_length=64)  # sha256 of channel + update id
    chat_key: str = Field(max_length=64, index=True)  # keyed pseudonym of the address, for /xoa
    replies: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    processed_at: datetime = Field(index=True)


class TopicCorrection(SQLModel, table=True):
    """A topic changed by a person; training data for the tagger."""

    id: Optional[int] = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    old_topic: Optional[str] = Field(default=None, max_length=32)
    new_topic: str = Field(max_length=32)
    by: str = Field(max_length=160)  # "youth" or a coordinator address
    created_at: datetime


class ReceiptCounter(SQLModel, table=True):
    """The last receipt number given under a prefix: codes are never reissued, whatever is deleted."""

    prefix: str = Field(primary_key=True, max_length=16)
    last: int = 0


class StoredCampaign(SQLModel, table=True):
    """A local campaign created at run time (/tao_chien_dich or the desk): its settings, validated
    as handlers.settings.CampaignSpec, as JSON."""

    __tablename__ = "campaign"

    key: str = Field(primary_key=True, max_length=16)
    spec: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=160)
    created_at: datetime
    updated_at: datetime
