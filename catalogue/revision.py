"""The catalogue revision: a counter the database raises with every change to a catalogue table.

Triggers (migration 0002) raise it in the same transaction as the change, whoever makes it: the
application, an import, or SQL typed by hand. A migration that adds a catalogue table adds its
triggers too; the migration tests check that every catalogue table has them.
"""

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t

REVISION_ROW = 1


async def current_revision(session: AsyncSession) -> int:
    """The revision of the catalogue as this session sees it."""
    query = select(t.CatalogueRevision.revision).where(t.CatalogueRevision.id == REVISION_ROW)
    return await session.scalar(query) or 0


_QUERY = f"SELECT revision FROM {t.CatalogueRevision.__tablename__} WHERE id = {REVISION_ROW}"  # noqa: S608
#: How long a read of the revision may wait on SQLite (it waits only while the file recovers).
_SQLITE_WAIT_MS = 200
#: How long a read of the revision may take on PostgreSQL, connecting included.
_POSTGRES_WAIT_SECONDS = 1.0
#: Seconds without reading the revision after a read failed.
_REST_SECONDS = 5.0


class RevisionReader:
    """Reads the catalogue revision for a whole answer as cheaply as the database allows.

    On SQLite, a connection of its own read in place: a query on a file in WAL mode never waits
    for writers and takes microseconds, less than handing it to a thread. On PostgreSQL, one
    connection of its own per event loop, outside the pool. ``None`` when the database cannot be
    read: the caller then asks the database the usual way, which reports the trouble.
    """

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self._on_sqlite = self.url.get_backend_name() == "sqlite"
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: dict[asyncio.AbstractEventLoop, psycopg.AsyncConnection[tuple[Any, ...]]] = {}
        self._turns: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._resting_until = 0.0

    async def __call__(self) -> int | None:
        if time.monotonic() < self._resting_until:
            return None
        try:
            if self._on_sqlite:
                return self._read_sqlite()
            async with asyncio.timeout(_POSTGRES_WAIT_SECONDS):
                return await self._read_postgres()
        except (sqlite3.Error, psycopg.Error, TimeoutError):
            # Asked again only after a rest: meanwhile requests go the usual way, which reports the trouble.
            self._resting_until = time.monotonic() + _REST_SECONDS
            await self.close()
            return None

    def _read_sqlite(self) -> int:
        if self._sqlite is None:
            address = Path(self.url.database or "").resolve().as_uri() + "?mode=ro"
            connection = sqlite3.connect(address, uri=True, isolation_level=None, check_same_thread=False)
            connection.execute(f"PRAGMA busy_timeout={_SQLITE_WAIT_MS}")
            self._sqlite = connection
        row = self._sqlite.execute(_QUERY).fetchone()
        return int(row[0]) if row else 0

    async def _read_postgres(self) -> int:
        loop = asyncio.get_running_loop()
        turn = self._turns.setdefault(loop, asyncio.Lock())
        async with turn:
            connection = self._postgres.get(loop)
            if connection is None or connection.closed:
                address = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
                connection = await psycopg.AsyncConnection.connect(address, autocommit=True, connect_timeout=5)
                self._postgres[loop] = connection
            cursor = await connection.execute(_QUERY)
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    async def close(self) -> None:
        """Close the connections this reader opened (those of other event loops are only dropped)."""
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        running = asyncio.get_running_loop()
        for loop, connection in list(self._postgres.items()):
            if loop is running:
                await connection.close()
        self._postgres.clear()
        self._turns.clear()
