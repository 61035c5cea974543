"""SQLite connections for the asynchronous engine that cross to their thread once per statement.

``aiosqlite`` runs each connection in a thread of its own and crosses to it for every call: a
statement as SQLAlchemy runs it is four crossings (open a cursor, execute, fetch, close), and on
a busy server each crossing waits for the event loop. :class:`OneTripConnection` executes the
statement and fetches its rows in one crossing; opening, reading and closing its cursor are then
plain calls. Everything else (transactions, closing, the thread) is ``aiosqlite``'s own.
"""

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

#: What one execution gives back: description, row count, last row id and the rows.
_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:  # runs in the connection's thread
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class PrefetchingCursor:
    """A cursor whose execution brings its rows back with it."""

    def __init__(self, connection: "OneTripConnection") -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: list[Any] = []

    async def _trip(self, operation: str, parameters: Any, many: bool) -> "PrefetchingCursor":
        outcome = await self._connection.on_thread(_run, operation, parameters, many)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def execute(self, operation: str, parameters: Any = None) -> "PrefetchingCursor":
        return await self._trip(operation, parameters, False)

    async def executemany(self, operation: str, parameters: Iterable[Any]) -> "PrefetchingCursor":
        return await self._trip(operation, list(parameters), True)

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    """An ``aiosqlite`` connection whose cursors execute and fetch in one crossing to its thread."""

    async def cursor(self) -> PrefetchingCursor:  # type: ignore[override]
        return PrefetchingCursor(self)

    async def on_thread(self, function: Callable[..., _Outcome], *args: Any) -> _Outcome:
        """``function(connection, *args)`` run in the connection's thread."""
        outcome: _Outcome = await self._execute(lambda: function(self._conn, *args))  # type: ignore[no-untyped-call]
        return outcome


def connector(database: str, **options: Any) -> Callable[[], Any]:
    """An ``async_creator`` for SQLAlchemy: new :class:`OneTripConnection` objects to ``database``."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(lambda: sqlite3.connect(database, **options), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy sets it: an unclosed connection never holds up exit
        await connection
        return connection

    return connect
