"""Database engines for SQLite (the embedded default) and PostgreSQL.

On SQLite a transaction of the asynchronous engine begins ``IMMEDIATE``: it takes the write lock
when it starts, waiting while another writer holds it, so that a transaction that reads and then
writes can never fail half-way because another one wrote in between. Work that only reads uses
:func:`for_reading`, whose transactions begin deferred and never wait for writers.
"""

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from catalogue import sqlite_driver

#: How long a SQLite writer waits for a lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000
#: How much of a SQLite file reads map into memory.
SQLITE_MAP_BYTES = 1 << 30


def _driver_url(url: str, *, asynchronous: bool) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite" if asynchronous else "sqlite")
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    msg = f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql://"
    raise ValueError(msg)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads map the file instead of copying its pages in one system call each: searches read many.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MAP_BYTES}")
    cursor.close()


#: Execution option marking an engine whose transactions only read.
_READS_ONLY = "catalogue_reads_only"


def _sqlite_transactions(dbapi_connection: Any, _record: object) -> None:
    # The driver would begin transactions itself, and only before the first write; they begin in _sqlite_begin.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    reads_only = connection.get_execution_options().get(_READS_ONLY, False)
    connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


#: Planner settings of every PostgreSQL connection of the application, where the server's operator has
#: not chosen a value of their own (for the database, the role, the server or the connection).
POSTGRES_SETTINGS = {
    # The catalogue's queries are short: compiling one to machine code costs more than it saves, up to
    # 150 ms on a ranking over a national catalogue whose estimated cost passes the threshold.
    "jit": "off",
    # The text tables and their trigram indexes are read from memory or solid-state disks, where a
    # random read costs little more than a sequential one. At PostgreSQL's default (4, for spinning
    # disks) the planner reads whole text tables where the index finds the few rows holding a term:
    # suggestions at 3,600 solutions took 330 ms instead of 110 ms.
    "random_page_cost": "1.1",
}


def _postgres_settings(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    unchosen = "SELECT name FROM pg_settings WHERE name = ANY(%s) AND source = 'default'"
    cursor.execute(unchosen, (list(POSTGRES_SETTINGS),))
    for (name,) in cursor.fetchall():
        cursor.execute(f"SET {name} = {POSTGRES_SETTINGS[name]}")
    cursor.close()
    dbapi_connection.commit()  # a rollback would undo them otherwise


def sync_engine(url: str) -> Engine:
    """A blocking engine, for migrations and command-line work."""
    engine = create_engine(_driver_url(url, asynchronous=False))
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_engine(url: str, **options: Any) -> AsyncEngine:
    """The engine the application and its jobs use; ``options`` go to SQLAlchemy's ``create_async_engine``.

    On SQLite its transactions take the write lock as they begin (see :func:`for_reading` for those that only read).
    """
    options.setdefault("pool_pre_ping", not is_sqlite(url))
    address = _driver_url(url, asynchronous=True)
    if is_sqlite(url) and address.database not in (None, "", ":memory:") and not address.query:
        # Statements cross to the connection's thread once, not once per cursor call.
        database = str(Path(address.database).resolve())
        options.setdefault("async_creator", sqlite_driver.connector(database, check_same_thread=False))
    engine = create_async_engine(address, **options)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "connect", _sqlite_transactions)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    else:
        event.listen(engine.sync_engine, "connect", _postgres_settings)
    return engine


def for_reading(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` for work that only reads: sharing its connections, its SQLite transactions never take the write lock.

    A transaction of this engine that writes after all may fail with "database is locked" when
    another one wrote since it began; work that may write uses ``engine`` itself.
    """
    return engine.execution_options(**{_READS_ONLY: True})
