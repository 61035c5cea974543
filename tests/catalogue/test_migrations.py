"""Migrations build the schema from empty on both databases, match the tables, and can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from catalogue import migrations
from catalogue.database import is_sqlite, sync_engine
from catalogue.tables import metadata
from catalogue.text_index import INDEXED_TABLES, SEARCH_SUFFIX, is_index_table
from tests.support.databases import BACKENDS, EmptyDatabase

INDEXED_TABLES_SEARCH = {f"{name}{SEARCH_SUFFIX}" for name in INDEXED_TABLES}


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_from_empty_match_the_tables(
    backend: str, empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = empty_database(backend, tmp_path_factory.mktemp(f"migrate-{backend}"))
    migrations.upgrade(url)
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert {name for name in tables if not is_index_table(name)} == {*metadata.tables, "alembic_version"}
            # The text indexes are the migrations' own: an FTS5 table per indexed table on SQLite.
            assert {name for name in tables if name in INDEXED_TABLES_SEARCH} == (
                INDEXED_TABLES_SEARCH if backend == "sqlite" else set()
            )
            options = {"render_as_batch": is_sqlite(url), "include_object": migrations.ours}
            context = MigrationContext.configure(connection, opts=options)
            assert compare_metadata(context, metadata) == []
            if backend == "sqlite":
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        migrations.downgrade(url, "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
            if backend == "postgresql":
                indexes = connection.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trigram'")
                assert list(indexes) == []
        migrations.upgrade(url)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_catalogue_table_raises_the_revision(
    backend: str, empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = empty_database(backend, tmp_path_factory.mktemp(f"triggers-{backend}"))
    migrations.upgrade(url)
    engine = sync_engine(url)
    catalogue_tables = {name for name, table in metadata.tables.items() if not table.info.get("outside_catalogue")} - {
        "catalogue_revision"
    }
    assert {"solution", "case_result", "outcome_text"} <= catalogue_tables
    try:
        with engine.connect() as connection:
            if backend == "sqlite":
                rows = connection.exec_driver_sql("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                events = {(table, sql.split()[4]) for table, sql in rows}
            else:
                rows = connection.exec_driver_sql(
                    "SELECT event_object_table, event_manipulation FROM information_schema.triggers"
                )
                events = {(table, event) for table, event in rows}
            expected = {(table, event) for table in catalogue_tables for event in ("INSERT", "UPDATE", "DELETE")}
            assert expected <= events
    finally:
        engine.dispose()
