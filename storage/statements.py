"""Statements compiled once and run on a unit of work's connection, without the ORM.

Every update runs about seven statements. Through SQLAlchemy's execution path each one cost about
40 µs of CPU on the 2-core machine at its quietest (an execution context, the compiled-cache
lookup, a result object, four greenlet hand-offs for the aiosqlite cursor) where the SQL itself
takes 4-7 µs. On SQLite, whose calls already run on the event loop's thread (storage/db.py), a
`Statement` runs its SQL straight on the sqlite3 connection that holds the session's transaction,
converting parameters and results with the column types' own SQLAlchemy processors (JSON, dates,
booleans) taken once from the compiled statement; a failure comes out as SQLAlchemy's exception
(an `IntegrityError` naming the statement), as before. On PostgreSQL it runs the same way on the
asyncpg connection of the session's transaction (storage/postgres.py): $1-style SQL, prepared once
per connection by asyncpg, the same processors, SQLAlchemy's exceptions. Through SQLAlchemy Core on
asyncpg a statement cost about 45 µs of the worker's CPU besides the round trip.
"""

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, inspect, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import get_history, set_committed_value
from sqlalchemy.sql import Executable
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import LoopThreadConnection
from storage.postgres import Direct
from storage.primed import wrote

T = TypeVar("T")
Processor = Callable[[Any], Any] | None
_CONNECTION = "doithoai.statement_connection"  # session.info: (transaction, connection, dialect) of this unit
DIRECT = "doithoai.direct"  # session.info: (sqlite3 connection or Direct, dialect) a Store's unit commits itself


class _Compiled:
    """One statement's SQL for one dialect, its parameter order and its conversions."""

    def __init__(self, statement: Any, dialect: Dialect, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.sql = compiled.string
        self.numbered = dialect.paramstyle == "numeric_dollar"  # asyncpg: $1, $2 …
        self.params: list[tuple[str, Any, bool, Processor, str | None]] = []
        for name in compiled.positiontup or []:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            expanding = f"__[POSTCOMPILE_{name}]" if bind.expanding else None
            self.params.append((bind.key, bind.effective_value, bind.required, processor, expanding))
        self._lists = sum(1 for param in self.params if param[4] is not None)
        columns = statement.exported_columns if hasattr(statement, "exported_columns") else []
        self.results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]

    def bind(self, given: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        """The SQL and its positional parameters for `given` (named by bind or column key).

        An IN list (an expanding bind) becomes one placeholder per item, as SQLAlchemy renders it:
        with numbered parameters, its items come after every other parameter."""
        sql, out, tail = self.sql, [], []
        for key, default, required, processor, expanding in self.params:
            value = given[key] if required or key in given else default
            if expanding is None:
                out.append(processor(value) if processor is not None else value)
                continue
            items = [processor(v) if processor is not None else v for v in value] or [None]  # IN (NULL): none
            if self.numbered:
                first = len(self.params) - self._lists + len(tail) + 1
                sql = sql.replace(expanding, ", ".join(f"${n}" for n in range(first, first + len(items))), 1)
                tail.extend(items)
            else:
                sql = sql.replace(expanding, ", ".join("?" * len(items)), 1)
                out.extend(items)
        return sql, tuple(out + tail)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        """A result row with each column converted to its Python value."""
        return tuple(p(v) if p is not None else v for p, v in zip(self.results, raw))


class Statement:
    """A Core statement built once; `keys` names the columns an INSERT or UPDATE takes from parameters."""

    def __init__(self, statement: Executable, keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self._keys = keys
        self._compiled: dict[str, _Compiled] = {}
        self._writes = bool(getattr(statement, "is_dml", False))  # INSERT … RETURNING returns rows too

    async def all(self, session: AsyncSession, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row the statement returns."""
        if self._writes:
            wrote(session.info)
        return await self._rows(session, params)

    async def _rows(self, session: AsyncSession, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        connection, dialect = await _connection(session)
        if isinstance(connection, sqlite3.Connection):
            compiled = self._for(dialect)
            cursor = _execute(connection, compiled, params)
            return [compiled.row(raw) for raw in cursor.fetchall()]
        if isinstance(connection, Direct):
            compiled = self._for(dialect)
            return [compiled.row(raw) for raw in await connection.fetch(*compiled.bind(params))]
        return [tuple(row) for row in (await connection.execute(self.statement, dict(params))).all()]

    async def first(self, session: AsyncSession, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, or None."""
        rows = await self.all(session, params)
        return rows[0] if rows else None

    async def scalar(self, session: AsyncSession, params: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = await self.first(session, params)
        return None if row is None else row[0]

    async def run(self, session: AsyncSession, params: Mapping[str, Any]) -> int:
        """Execute a statement that returns no rows; how many rows it changed."""
        wrote(session.info)
        connection, dialect = await _connection(session)
        if isinstance(connection, sqlite3.Connection):
            return int(_execute(connection, self._for(dialect), params).rowcount)
        if isinstance(connection, Direct):
            return await connection.execute(*self._for(dialect).bind(params))
        return int((await connection.execute(self.statement, dict(params))).rowcount or 0)  # type: ignore[attr-defined]

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect, self._keys)
        return compiled


def connection_dialect(session: AsyncSession) -> Dialect:
    """The dialect of the session's engine."""
    bind = session.bind
    assert bind is not None
    return bind.dialect


async def advisory_lock(session: AsyncSession, key: int) -> None:
    """`pg_advisory_xact_lock(key)` in the session's transaction (PostgreSQL); sent with the
    transaction's BEGIN when it is the first statement, so the lock costs no round trip of its own."""
    connection, _ = await _connection(session)
    sql = f"SELECT pg_advisory_xact_lock({int(key)})"  # an int literal: a simple query, BEGIN in the same message
    if isinstance(connection, Direct):
        await connection.begin_with(sql)
    else:
        await connection.execute(text(sql))  # type: ignore[union-attr]


async def _connection(session: AsyncSession) -> tuple[sqlite3.Connection | Direct | AsyncConnection, Dialect]:
    """The connection of the session's current transaction and its dialect (looked up once per transaction)."""
    direct = session.info.get(DIRECT)
    if direct is not None:
        return direct  # type: ignore[no-any-return]
    transaction = session.sync_session.get_transaction()
    found = session.info.get(_CONNECTION)
    if found is not None and transaction is not None and found[0] is transaction:
        return found[1], found[2]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    chosen: sqlite3.Connection | Direct | AsyncConnection = connection
    if isinstance(driver, LoopThreadConnection):
        chosen = driver.sqlite
    elif connection.dialect.driver == "asyncpg":
        chosen = Direct(connection, raw.dbapi_connection)
    session.info[_CONNECTION] = (session.sync_session.get_transaction(), chosen, connection.dialect)
    return chosen, connection.dialect


def _execute(connection: sqlite3.Connection, compiled: _Compiled, params: Mapping[str, Any]) -> sqlite3.Cursor:
    sql, values = compiled.bind(params)
    try:
        return connection.execute(sql, values)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, values, error, sqlite3.Error) from error


def columns(model: type[Any]) -> list[Column[Any]]:
    """Every column of a table model, in table order (to select whole rows without the ORM)."""
    return list(model.__table__.columns)


def detached(model: type[T], names: Sequence[str], row: Sequence[Any]) -> T:
    """The model instance of a stored row, built as the ORM builds one on load but in no session.

    It has its identity, so if code that still uses the ORM adds it to a session, a change to it is
    written with an UPDATE and `session.delete` deletes it (never a second INSERT)."""
    mapper = inspect(model)
    if not mapper.configured:
        configure_mappers()  # the ORM does this on its first query; a process may store before any
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(zip(names, row))
    make_transient_to_detached(instance)
    return instance  # type: ignore[no-any-return]


def changes(instance: Any, names: Sequence[str]) -> dict[str, Any]:
    """The attributes among `names` set since the instance was loaded or last saved."""
    if not inspect(instance).modified:
        return {}
    return {name: getattr(instance, name) for name in names if get_history(instance, name).has_changes()}


def saved(instance: Any, values: Mapping[str, Any]) -> None:
    """Mark `values` as stored (a later `changes` leaves them out)."""
    for name, value in values.items():
        set_committed_value(instance, name, value)


def attached(instance: Any) -> bool:
    """Whether the ORM tracks this instance in a session (or it was never stored): then it is saved by a flush."""
    state = inspect(instance)
    return state.session is not None or state.key is None
