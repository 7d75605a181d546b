"""Coordination tables: the sent-log (exactly-once sends), digest marks, APScheduler's job table."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Float, LargeBinary, Table, Unicode, UniqueConstraint
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


class DigestMark(SQLModel, table=True):
    """The last question a coordinator's digest covered."""

    coordinator: str = Field(primary_key=True, max_length=160)  # "telegram:123" from config
    last_question_id: int = 0
    updated_at: datetime


# APScheduler's SQLAlchemyJobStore table, declared here so the migrations own it (same columns).
apscheduler_jobs = Table(
    "apscheduler_jobs",
    SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
