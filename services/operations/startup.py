"""Getting the database ready before a process serves or works: migrations, then the demo catalogue.

Any number of app instances, workers and commands may start together on one database. Each takes
the set-up lock (a PostgreSQL advisory lock, or a file lock beside the SQLite database), migrates,
seeds when asked, and lets go; those that waited find the work done and go on. A process that dies
holding the lock releases it with its connection or its open file.
"""

import asyncio
import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations
from catalogue.database import async_engine, is_sqlite, sync_engine
from catalogue.records import CatalogueFile
from services.accounts import people
from services.editing.importing import read_catalogue_files
from services.operations.seeding import Seeded, seed
from services.settings import Settings

logger = logging.getLogger("catalogue.startup")

#: The advisory lock key of setting a database up; any fixed 64-bit number the catalogue alone uses.
SETUP_LOCK_KEY = 0x5D_C47A_1060_5E7


@contextlib.contextmanager
def setup_lock(database_url: str) -> Iterator[None]:
    """Hold the lock of setting up the database at ``database_url``, waiting as long as another process holds it."""
    if is_sqlite(database_url):
        path = make_url(database_url).database
        if not path or path == ":memory:":
            yield  # a database in memory belongs to one process
            return
        with _file_lock(Path(path).resolve()):
            yield
    else:
        with _advisory_lock(database_url):
            yield


@contextlib.contextmanager
def _file_lock(database: Path) -> Iterator[None]:
    database.parent.mkdir(parents=True, exist_ok=True)
    with database.with_name(f"{database.name}.setup-lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("waiting while another process sets the database up")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _advisory_lock(database_url: str) -> Iterator[None]:
    engine = sync_engine(database_url)
    try:
        # A connection of its own, outside any transaction, so that the lock outlives what migrations commit.
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            key = {"key": SETUP_LOCK_KEY}
            if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key):
                logger.info("waiting while another process sets the database up")
                connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
    finally:
        engine.dispose()


def prepare_database(settings: Settings, *, demo: Path | None = None, accounts: Path | None = None) -> Seeded | None:
    """Migrate the database to the latest schema and, given a ``demo`` folder of catalogue files, seed it
    (with the demo ``accounts``): all under the set-up lock. Returns what the seed added, if one ran."""
    if is_sqlite(settings.database_url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Read before taking the lock: a malformed file stops this process without holding up the others.
    data = read_catalogue_files(demo.glob("*.toml")) if demo is not None else None
    listed = people.read_demo_accounts(accounts) if accounts is not None else []
    with setup_lock(settings.database_url):
        migrations.upgrade(settings.database_url)
        if data is None:
            return None
        return asyncio.run(_seed(settings.database_url, data, listed))


async def _seed(database_url: str, data: CatalogueFile, listed: list[people.DemoAccount]) -> Seeded:
    engine = async_engine(database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return await seed(session, data, listed)
    finally:
        await engine.dispose()
