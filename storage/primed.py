"""Rows read ahead for a unit of work, each handed out once, all dropped at the unit's first write.

An update's transaction begins by reading, in one statement, what its repositories ask for next
(storage/opening.py): the sender's youth row and awaited input. A repository takes its row from
here instead of reading it again. Anything the unit writes makes every primed row possibly stale,
so a write drops them all (storage/statements.py for direct statements, the session events below
for the ORM): a repository then reads as it always did. Another transaction's commit between the
read ahead and the take is the same as that commit landing just after the take.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

PRIMED = "doithoai.primed"  # session.info: key -> row read ahead (None: read, and there is none)
_MISSING = object()


def youth_key(channel: str, chat_id: str) -> tuple[str, str, str]:
    """The primed key of a youth row (storage/youth.py)."""
    return ("youth", channel, chat_id)


def pending_key(chat_key: str) -> tuple[str, str]:
    """The primed key of a chat's pending input (storage/admin.py)."""
    return ("pending", chat_key)


def prime(info: dict[str, Any], key: tuple[Any, ...], row: Any) -> None:
    """Keep `row` (or None: there is none) for the first `take` of `key` in this unit."""
    info.setdefault(PRIMED, {})[key] = row


def take(info: dict[str, Any], key: tuple[Any, ...]) -> tuple[bool, Any]:
    """(True, row) when `key` was read ahead and nothing was written since, once; else (False, None)."""
    primed = info.get(PRIMED)
    if not primed:
        return False, None
    row = primed.pop(key, _MISSING)
    return (False, None) if row is _MISSING else (True, row)


def wrote(info: dict[str, Any]) -> None:
    """The unit wrote: what was read ahead may be stale."""
    if PRIMED in info:
        del info[PRIMED]


@event.listens_for(Session, "do_orm_execute")
def _orm_statement(state: ORMExecuteState) -> None:
    if not state.is_select:
        wrote(state.session.info)


@event.listens_for(Session, "after_flush")
def _orm_flush(session: Session, _flush: UOWTransaction) -> None:
    wrote(session.info)
