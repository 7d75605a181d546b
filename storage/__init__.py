"""Persistence: SQLModel tables and repositories (imports no other project package)."""

from storage.db import create_all, create_engine
from storage.models import ConversationState, ProcessedUpdate, Question, TopicCorrection, Youth
from storage.unit_of_work import Store, UnitOfWork
from storage.updates import digest

__all__ = [
    "ConversationState",
    "ProcessedUpdate",
    "Question",
    "Store",
    "TopicCorrection",
    "UnitOfWork",
    "Youth",
    "create_all",
    "create_engine",
    "digest",
]
