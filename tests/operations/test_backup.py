"""Backup and restore through the command line: a round trip brings the database back as it was, a backup
taken beside an open write holds only what was committed, and a file of the wrong kind is refused."""

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from catalogue import migrations
from catalogue.database import sync_engine
from catalogue.tables import metadata
from services.settings import PROJECT_ROOT
from tests.support.databases import EmptyDatabase
from tests.support.serving import environment_with

pytestmark = pytest.mark.slow


def cli(url: str, data_dir: Path, *arguments: str, given: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *arguments],
        cwd=PROJECT_ROOT,
        env=environment_with(DATABASE_URL=url, DATA_DIR=str(data_dir)),
        input=given,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def everything(url: str) -> dict[str, list[Any]]:
    """Every row of every table, the schema version's among them."""
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: sorted((tuple(row) for row in connection.execute(text(f"SELECT * FROM {name}"))), key=repr)
                for name in [*sorted(metadata.tables), "alembic_version"]
            }
    finally:
        engine.dispose()


NEW_ADMINISTRATOR = ("create-admin", "later@example.org", "--password-stdin")
RENAME = text("UPDATE organisation SET name = 'Renamed after the backup' WHERE slug = 'regnspejl-demo'")


def test_a_restore_brings_back_the_database_as_it_was_backed_up(fresh_url: str, tmp_path: Path) -> None:
    before = everything(fresh_url)
    file = tmp_path / "catalogue.backup"
    backed = cli(fresh_url, tmp_path, "backup", str(file))
    assert backed.returncode == 0, backed.stderr
    assert file.stat().st_size > 0 and not list(tmp_path.glob(".*partial"))

    made = cli(
        fresh_url, tmp_path, "create-admin", "later@example.org", "--password-stdin", given="a long secret 2026\n"
    )
    assert made.returncode == 0, made.stderr
    engine = sync_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(RENAME)
    finally:
        engine.dispose()
    changed = everything(fresh_url)
    assert changed != before
    assert any("later@example.org" in row for row in changed["user_account"])

    restored = cli(fresh_url, tmp_path, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert everything(fresh_url) == before
    migrations.upgrade(fresh_url)  # the restored database still goes to the latest schema
    assert everything(fresh_url) == before
    # and takes new rows: its sequences came back with its tables.
    again = cli(fresh_url, tmp_path, *NEW_ADMINISTRATOR, given="a long secret 2026\n")
    assert again.returncode == 0, again.stderr


def test_a_backup_beside_an_open_write_holds_what_was_committed(
    fresh_url: str, backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    before = everything(fresh_url)
    file = tmp_path / "catalogue.backup"
    engine = sync_engine(fresh_url)
    try:
        with engine.connect() as writer:
            writer.execute(RENAME)  # inside a transaction that stays open while the backup runs
            backed = cli(fresh_url, tmp_path, "backup", str(file))
            writer.rollback()
    finally:
        engine.dispose()
    assert backed.returncode == 0, backed.stderr
    # Restored on another machine's empty database: the same content, without the uncommitted change.
    elsewhere = empty_database(backend, tmp_path / "elsewhere")
    restored = cli(elsewhere, tmp_path / "elsewhere", "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert everything(elsewhere) == before


def _not_catalogue_backup(backend: str, empty_database: EmptyDatabase, tmp_path: Path) -> Path:
    """A genuine backup of the right kind, of a database that is not the catalogue's."""
    if backend == "sqlite":
        path = tmp_path / "other.sqlite3"
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
        other.close()
        return path
    url = make_url(empty_database("postgresql", tmp_path)).set(drivername="postgresql")
    path = tmp_path / "other.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={path}", f"--dbname={url.render_as_string(hide_password=False)}"],
        check=True,
        timeout=120,
    )
    return path


def _of_other_kind(backend: str, tmp_path: Path) -> Path:
    path = tmp_path / "other-kind.backup"
    if backend == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    else:
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE alembic_version (version_num TEXT)")
        other.close()
    return path


@pytest.mark.parametrize("kind", ["missing", "text", "other-kind", "not-the-catalogue"])
def test_a_file_that_is_not_a_backup_of_this_kind_is_refused_and_changes_nothing(
    kind: str, fresh_url: str, backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    files = {
        "missing": lambda: tmp_path / "no-such.backup",
        "text": lambda: (tmp_path / "notes.txt", (tmp_path / "notes.txt").write_text("not a backup\n"))[0],
        "other-kind": lambda: _of_other_kind(backend, tmp_path),
        "not-the-catalogue": lambda: _not_catalogue_backup(backend, empty_database, tmp_path),
    }
    expected = {
        "missing": "does not exist",
        "text": "it is not a backup made by `backup`",
        "other-kind": f"it is a {'PostgreSQL' if backend == 'sqlite' else 'SQLite'} backup",
        "not-the-catalogue": "but not a backup of the catalogue",
    }
    before = everything(fresh_url)
    refused = cli(fresh_url, tmp_path, "restore", str(files[kind]()))
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("nothing restored: ") and expected[kind] in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert everything(fresh_url) == before


def test_restore_says_the_app_should_be_stopped(tmp_path: Path) -> None:
    helped = cli(f"sqlite:///{tmp_path / 'unused.sqlite3'}", tmp_path, "restore", "--help")
    assert helped.returncode == 0 and "stop the app" in helped.stdout
