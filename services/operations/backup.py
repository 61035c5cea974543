"""Backing the database up to one file and restoring it from one.

SQLite goes through its online backup API, so a backup taken while the app writes is consistent.
PostgreSQL goes through ``pg_dump`` (custom format) and ``pg_restore`` of the server's major version
or newer; a restore replaces the whole content of the database in one transaction (applied by
``psql``), so that it either takes entirely or leaves the database as it was.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import IO, NamedTuple

from sqlalchemy import text
from sqlalchemy.engine import make_url

from catalogue.database import is_sqlite, sync_engine
from services.operations.startup import setup_lock

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"
#: How long a SQLite backup or restore waits for a writer to finish, in seconds.
_SQLITE_WAIT = 30
#: A table every catalogue database has, whatever its schema version.
_MARK_TABLE = "alembic_version"
# Everything in the public schema goes before the backup's content comes back, so that tables made by a
# later migration do not survive the restore of an earlier backup.
_EMPTY_PUBLIC_SCHEMA = """
DO $$
DECLARE statement text;
BEGIN
    FOR statement IN
        SELECT format('DROP TABLE IF EXISTS public.%I CASCADE', tablename) FROM pg_tables WHERE schemaname = 'public'
        UNION ALL
        SELECT format('DROP VIEW IF EXISTS public.%I CASCADE', viewname) FROM pg_views WHERE schemaname = 'public'
        UNION ALL
        SELECT format('DROP SEQUENCE IF EXISTS public.%I CASCADE', sequencename)
        FROM pg_sequences WHERE schemaname = 'public'
        UNION ALL
        SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
END $$;
"""


class NotABackup(Exception):
    """The file given to restore is not a backup this database can be restored from; nothing was changed."""


class BackupFailed(Exception):
    """A backup or restore could not be made (a missing or too old tool, an unreachable database)."""


def back_up(database_url: str, file: Path) -> None:
    """Write a consistent copy of the database at ``database_url`` to ``file``, whole or not at all."""
    partial = file.with_name(f".{file.name}.partial")
    try:
        if is_sqlite(database_url):
            _sqlite_back_up(_sqlite_path(database_url), partial)
        else:
            _pg_dump(database_url, partial)
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)


def restore(database_url: str, file: Path) -> None:
    """Replace the content of the database at ``database_url`` with the backup in ``file``.

    Refuses (:class:`NotABackup`) a file that is not a backup of a catalogue database of the same kind."""
    if not file.is_file():
        msg = f"{file} does not exist or is not a file"
        raise NotABackup(msg)
    with file.open("rb") as opened:
        head = opened.read(len(_SQLITE_MAGIC))
    wanted, other = (_SQLITE_MAGIC, "PostgreSQL") if is_sqlite(database_url) else (_PG_MAGIC, "SQLite")
    if not head.startswith(wanted):
        made_by_other = head.startswith(_PG_MAGIC if is_sqlite(database_url) else _SQLITE_MAGIC)
        reason = f"it is a {other} backup" if made_by_other else "it is not a backup made by `backup`"
        msg = f"{file} cannot be restored into {_kind(database_url)}: {reason}"
        raise NotABackup(msg)
    # Under the set-up lock, so that no process starting meanwhile migrates or seeds a half-restored database.
    with setup_lock(database_url):
        if is_sqlite(database_url):
            _sqlite_restore(file, _sqlite_path(database_url))
        else:
            _pg_restore(database_url, file)


def _kind(database_url: str) -> str:
    return "a SQLite database" if is_sqlite(database_url) else "a PostgreSQL database"


def _sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        msg = "a SQLite database in memory has nothing to back up or restore"
        raise BackupFailed(msg)
    return Path(path).resolve()


def _sqlite_back_up(database: Path, target: Path) -> None:
    if not database.is_file():
        msg = f"there is no database at {database}"
        raise BackupFailed(msg)
    source = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True, timeout=_SQLITE_WAIT)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # The copy is one self-contained file, not a database waiting for its write-ahead log.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _sqlite_restore(file: Path, database: Path) -> None:
    backup = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            marked = backup.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_MARK_TABLE,))
            is_catalogue = marked.fetchone() is not None
            intact = backup.execute("PRAGMA quick_check").fetchone() == ("ok",)
        except sqlite3.DatabaseError as error:
            msg = f"{file} is not a readable SQLite database: {error}"
            raise NotABackup(msg) from error
        if not is_catalogue:
            msg = f"{file} is a SQLite database but not a backup of the catalogue"
            raise NotABackup(msg)
        if not intact:
            msg = f"{file} is damaged (the SQLite integrity check fails)"
            raise NotABackup(msg)
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database, timeout=_SQLITE_WAIT)
        try:
            backup.backup(target)
        finally:
            target.close()
    finally:
        backup.close()


def _pg_restore(database_url: str, file: Path) -> None:
    clients = _postgres_clients(database_url)
    listing = clients.run("pg_restore", "--list", str(file))
    if listing.returncode != 0:
        msg = f"{file} is not a readable PostgreSQL backup: {listing.stderr.strip()}"
        raise NotABackup(msg)
    if not re.search(rf"\bTABLE public {_MARK_TABLE}\b", listing.stdout):
        msg = f"{file} is a PostgreSQL backup but not a backup of the catalogue"
        raise NotABackup(msg)
    # The archive as SQL, fed to psql after the emptying statement: one transaction for both.
    script = subprocess.Popen(  # noqa: S603 - a fixed program, arguments are not a shell line
        [clients.programs["pg_restore"], "--file=-", "--no-owner", "--no-privileges", str(file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clients.environment,
    )
    assert script.stdout is not None
    applied = clients.run(
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        f"--dbname={clients.address}",
        f"--command={_EMPTY_PUBLIC_SCHEMA}",
        "--file=-",
        stdin=script.stdout,
    )
    script.stdout.close()
    _, script_errors = script.communicate()
    if script.returncode != 0 or applied.returncode != 0:
        msg = f"the restore failed and changed nothing: {script_errors.decode().strip()} {applied.stderr.strip()}"
        raise BackupFailed(msg.strip())


class _PostgresClients(NamedTuple):
    """The PostgreSQL client programs, checked against the server, and how they reach the database."""

    programs: dict[str, str]
    #: The database's address for libpq, without its password.
    address: str
    #: The environment of the programs: the password goes there, never on a command line.
    environment: dict[str, str]

    def run(self, name: str, *arguments: str, stdin: IO[bytes] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - a fixed program, arguments are not a shell line
            [self.programs[name], *arguments],
            stdin=stdin,
            capture_output=True,
            text=True,
            env=self.environment,
            check=False,
        )


def _postgres_clients(database_url: str) -> _PostgresClients:
    """``pg_dump``, ``pg_restore`` and ``psql``, refused when missing or older than the server."""
    url = make_url(database_url)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    engine = sync_engine(database_url)
    try:
        with engine.connect() as connection:
            server = int(connection.scalar(text("SHOW server_version_num")) or 0) // 10000
    finally:
        engine.dispose()
    programs = {}
    for name in ("pg_dump", "pg_restore", "psql"):
        found = shutil.which(name)
        if found is None:
            msg = (
                f"{name} is not installed: install the PostgreSQL {server} client (Debian: postgresql-client-{server})"
            )
            raise BackupFailed(msg)
        version = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
        major = re.search(r"\b(\d+)(?:\.\d+)*", version)
        if major is None or int(major.group(1)) < server:
            msg = f"{version.strip()} is older than the PostgreSQL {server} server: install postgresql-client-{server}"
            raise BackupFailed(msg)
        programs[name] = found
    return _PostgresClients(programs, address, environment)


def _pg_dump(database_url: str, target: Path) -> None:
    clients = _postgres_clients(database_url)
    done = clients.run("pg_dump", "--format=custom", f"--file={target}", f"--dbname={clients.address}")
    if done.returncode != 0:
        msg = f"pg_dump failed: {done.stderr.strip()}"
        raise BackupFailed(msg)
