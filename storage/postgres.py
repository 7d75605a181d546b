"""The asyncpg connection of a unit's transaction, for statements run beside SQLAlchemy's execution path.

SQLAlchemy's asyncpg adapter begins PostgreSQL's transaction on the first statement it runs (a
BEGIN of its own) and commits or rolls back that same asyncpg transaction when the session ends.
A Store's unit of work (storage/unit_of_work.py) holds its pooled connection itself and binds its
session to it: a unit whose statements all ran here is committed with `commit`, without the
session's machinery; one that used the ORM too is committed by the session, which ends both; a
unit that fails is rolled back when the connection goes back to the pool (its reset on return).
`Direct` runs compiled SQL ($1-style parameters) straight on the raw asyncpg connection inside that
transaction: it begins it the way the adapter would when nothing ran yet, so the ORM, if a unit
uses it too, runs in the same transaction and the session's commit or rollback ends both. asyncpg
prepares each SQL text once per connection and keeps it (its statement cache).

A failure is handed to SQLAlchemy's own error handling, so it comes out as the same exception
SQLAlchemy raises (an `IntegrityError` naming the statement), and a lost connection is invalidated
with the rest of the pool, as SQLAlchemy does on a disconnect.

This leans on two private attributes, pinned by requirements.lock and covered by
tests/storage/test_statements.py: the adapter's `_transaction` (SQLAlchemy 2.x) and, to send BEGIN
together with a first statement, asyncpg's `Transaction._state` and `Connection._top_xact`.
"""

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

if TYPE_CHECKING:  # asyncpg is imported by SQLAlchemy's dialect when PostgreSQL is used, not on SQLite
    import asyncpg
    from asyncpg.transaction import Transaction


class Direct:
    """Statements on the asyncpg connection that holds a unit's transaction."""

    def __init__(self, connection: AsyncConnection, adapter: Any) -> None:
        self.connection = connection  # SQLAlchemy's, for its error handling
        self.adapter = adapter  # SQLAlchemy's AsyncAdapt_asyncpg_connection
        self.driver: "asyncpg.Connection" = adapter.driver_connection

    async def fetch(self, sql: str, args: tuple[Any, ...]) -> "list[asyncpg.Record]":
        """The rows of one statement."""
        if self.adapter._transaction is None:
            await self._begin()
        try:
            return await self.driver.fetch(sql, *args)  # type: ignore[no-any-return]
        except Exception as error:
            await self._fail(error, sql, args)
            raise  # not reached: _fail raises

    async def execute(self, sql: str, args: tuple[Any, ...]) -> int:
        """Run one statement that returns no rows; how many rows it changed."""
        if self.adapter._transaction is None:
            await self._begin()
        try:
            status: str = await self.driver.execute(sql, *args)
        except Exception as error:
            await self._fail(error, sql, args)
            raise
        count = status.rpartition(" ")[2]
        return int(count) if count.isdigit() else 0

    async def begin_with(self, sql: str) -> None:
        """Run `sql` (no parameters: one simple query) as the transaction's first statement, sending
        BEGIN in the same message when the transaction has not begun; else just run it."""
        if self.adapter._transaction is not None or not self._plain_transaction():
            await self.execute(sql, ())
            return
        try:
            transaction = self.driver.transaction()
            await self.driver.execute(f"BEGIN; {sql}")
        except Exception as error:
            if not self.driver.is_closed() and self.driver.is_in_transaction():
                self._adopt(self.driver.transaction())  # BEGIN ran, the statement failed: roll back at the end
            await self._fail(error, sql, ())
            raise
        self._adopt(transaction)

    async def commit(self) -> None:
        """Commit the transaction if one began (as the adapter's own commit does, awaited here
        instead of through SQLAlchemy's session: a unit that used no ORM needs none of it)."""
        transaction = self.adapter._transaction
        if transaction is None:
            return
        try:
            await self.adapter._call_and_discard(transaction.commit)
        except Exception as error:
            await self._fail(error, "COMMIT", ())
            raise

    def _plain_transaction(self) -> bool:
        """Whether the adapter would begin with a plain BEGIN (no isolation level or read-only mode)."""
        adapter = self.adapter
        return adapter.isolation_level is None and not adapter.readonly and not adapter.deferrable

    def _adopt(self, transaction: "Transaction") -> None:
        """Make `transaction` the one the adapter commits or rolls back, as if it had begun it."""
        from asyncpg.transaction import TransactionState

        transaction._state = TransactionState.STARTED
        self.driver._top_xact = transaction  # type: ignore[attr-defined]
        self.adapter._transaction = transaction

    async def _begin(self) -> None:
        """Begin the transaction as SQLAlchemy's adapter does before its first statement."""
        try:
            await self.adapter._start_transaction()
        except Exception as error:
            await self._fail(error, "BEGIN", ())  # already the adapter's DB-API error

    async def _fail(self, error: BaseException, sql: str, args: tuple[Any, ...]) -> None:
        """Raise `error` as SQLAlchemy would have raised it for this statement (and invalidate a lost connection)."""
        try:
            self.adapter._handle_exception(error)  # the adapter's DB-API error for asyncpg's
        except Exception as translated:
            dbapi_error: BaseException = translated
        else:  # pragma: no cover - _handle_exception always raises
            dbapi_error = error

        def handle(connection: Connection) -> None:
            connection._handle_dbapi_exception(dbapi_error, sql, args, None, None)

        await self.connection.run_sync(handle)
