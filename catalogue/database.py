"""Database engines for SQLite (the embedded default) and PostgreSQL."""

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

#: How long a SQLite writer waits for a lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 5000


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
    cursor.close()


def sync_engine(url: str) -> Engine:
    """A blocking engine, for migrations and command-line work."""
    engine = create_engine(_driver_url(url, asynchronous=False))
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def async_engine(url: str, **options: Any) -> AsyncEngine:
    """The engine the web application uses; ``options`` go to SQLAlchemy's ``create_async_engine``."""
    options.setdefault("pool_pre_ping", not is_sqlite(url))
    engine = create_async_engine(_driver_url(url, asynchronous=True), **options)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine
