"""Alembic environment: runs migrations on the engine named by the configuration's URL."""

from alembic import context

from catalogue.database import is_sqlite, sync_engine
from catalogue.migrations import ours
from catalogue.tables import metadata

url = context.config.get_main_option("sqlalchemy.url")
if not url:
    msg = "no database URL: run migrations through `python -m services.cli migrate`"
    raise RuntimeError(msg)


engine = sync_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=is_sqlite(url), include_object=ours
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
