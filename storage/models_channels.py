"""Tables of the channel layer: the web chat's outbox, and polled updates until they are handled."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, Text
from sqlmodel import Field, SQLModel


class WebOutboxMessage(SQLModel, table=True):
    """A message for a web chat session (answers, reminders), fetched by the page's polling."""

    id: Optional[int] = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=128, index=True)  # the web session token (the web chat id)
    reply: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(index=True)


class PolledUpdate(SQLModel, table=True):
    """A polled update, kept from the moment it is received until it is handled.

    Long polling confirms updates to Telegram by asking for the next ones. The poller asks for the
    next batch while this one is being handled (bot/channels/polling.py), so an update is written
    here first: after a crash the restarted bot handles what is left here before it polls again.
    A row lives for as long as its update takes to handle (its text is the youth's message)."""

    channel: str = Field(primary_key=True, max_length=16)
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    body: str = Field(sa_column=Column(Text, nullable=False))  # the update as the platform sent it (JSON)
    received_at: datetime
