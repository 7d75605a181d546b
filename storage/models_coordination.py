"""Coordination tables: the sent-log (exactly-once sends), digest marks, APScheduler's job table."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Float, ForeignKey, Integer, LargeBinary, Table, Unicode, UniqueConstraint
from sqlmodel import Field, SQLModel


class Delivery(SQLModel, table=True):
    """One message of a job occurrence to one recipient: claimed before sending, marked after."""

    __table_args__ = (UniqueConstraint("job", "occurrence", "recipient", name="uq_delivery_once"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    occurrence: str = Field(max_length=64)
    recipient: str = Field(max_length=64, index=True)  # keyed pseudonym of the address (storage/secret.py)
    status: str = Field(default="claimed", max_length=16, index=True)  # claimed|sent|unreachable|failed
    attempts: int = 1
    claimed_at: datetime
    finished_at: Optional[datetime] = None
    error: Optional[str] = Field(default=None, max_length=200)


class DigestedQuestion(SQLModel, table=True):
    """A question one coordinator has received in a digest (no id watermark: a question committed
    late, or retagged into the scope, is still unmarked for them and goes into the next digest)."""

    coordinator: str = Field(primary_key=True, max_length=64)  # pseudonym of the address (storage/secret.py)
    # Erasing a question (/xoa, retention) drops its marks; SQLite could otherwise reuse the id.
    question_id: int = Field(sa_column=Column(
        Integer, ForeignKey("question.id", ondelete="CASCADE"), primary_key=True, index=True
    ))
    digested_at: datetime


# APScheduler's SQLAlchemyJobStore table, declared here so the migrations own it (same columns).
apscheduler_jobs = Table(
    "apscheduler_jobs",
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
