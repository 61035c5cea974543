"""Alembic environment: runs migrations on the engine named by the configuration's URL."""

from alembic import context

from catalogue.database import is_sqlite, sync_engine
from catalogue.tables import metadata

url = context.config.get_main_option("sqlalchemy.url")
if not url:
    msg = "no database URL: run migrations through `python -m services.cli migrate`"
    raise RuntimeError(msg)


def _ours(_object: object, name: str | None, kind: str, reflected: bool, _compare_to: object) -> bool:
    """Whether autogenerate compares a database object: not the job queue's tables, which SAQ manages."""
    return not (kind == "table" and reflected and name is not None and name.startswith("saq_"))


engine = sync_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=is_sqlite(url), include_object=_ours
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
