"""Schema migrations, applied with Alembic."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from catalogue.text_index import INDEXED_TABLES, is_index_table, trigram_index_name

_ROOT = Path(__file__).resolve().parent
_TRIGRAM_INDEXES = frozenset(trigram_index_name(name) for name in INDEXED_TABLES)


def ours(_object: object, name: str | None, kind: str, reflected: bool, _compare_to: object) -> bool:
    """Whether comparing the tables with the database looks at an object.

    Not at the job queue's tables, which SAQ manages, nor at the text indexes, which the tables
    do not declare (an FTS5 table and its own tables on SQLite, a trigram index on PostgreSQL).
    """
    if not reflected or name is None:
        return True
    if kind == "table":
        return not (name.startswith("saq_") or is_index_table(name))
    return not (kind == "index" and name in _TRIGRAM_INDEXES)


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the database at ``url``."""
    config = Config()
    config.set_main_option("script_location", str(_ROOT))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url), revision)
