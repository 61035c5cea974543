"""Triggers that raise the catalogue revision on every change to a table (used by migrations)."""

from collections.abc import Iterable

from alembic import op

_BUMP = "UPDATE catalogue_revision SET revision = revision + 1 WHERE id = 1"
_EVENTS = ("insert", "update", "delete")


def create(tables: Iterable[str], *, with_function: bool = False) -> None:
    """Triggers on ``tables``; ``with_function`` also creates PostgreSQL's trigger function."""
    if op.get_bind().dialect.name == "postgresql":
        if with_function:
            op.execute(
                "CREATE FUNCTION bump_catalogue_revision() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {_BUMP}; RETURN NULL; END $$"
            )
        for table in tables:
            op.execute(
                f"CREATE TRIGGER catalogue_revision_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_revision()"
            )
        return
    for table in tables:
        for event in _EVENTS:
            op.execute(
                f"CREATE TRIGGER catalogue_revision_{table}_{event} AFTER {event.upper()} ON {table} BEGIN {_BUMP}; END"
            )


def drop(tables: Iterable[str], *, with_function: bool = False) -> None:
    """Remove the triggers of ``tables`` (and PostgreSQL's trigger function)."""
    if op.get_bind().dialect.name == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER catalogue_revision_{table} ON {table}")
        if with_function:
            op.execute("DROP FUNCTION bump_catalogue_revision()")
        return
    for table in tables:
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER catalogue_revision_{table}_{event}")
