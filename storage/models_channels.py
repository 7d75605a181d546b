"""Tables of the channel layer: the web chat's outbox of messages that are not direct replies."""

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class WebOutboxMessage(SQLModel, table=True):
    """A message for a web chat session (answers, reminders), fetched by the page's polling."""

    id: Optional[int] = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=128, index=True)  # the web session token (the web chat id)
    reply: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(index=True)
