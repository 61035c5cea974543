"""indexes over folded text for substring search: trigram GIN (PostgreSQL), FTS5 trigram (SQLite)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("solution_text", "case_text", "organisation_text", "visit_site_text")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name in TABLES:
            op.execute(f"CREATE INDEX ix_{name}_folded_trigram ON {name} USING gin (folded gin_trgm_ops)")
        return
    for name in TABLES:
        index = f"{name}_search"
        op.execute(
            f"CREATE VIRTUAL TABLE {index} USING fts5(folded, content='{name}', content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER {index}_insert AFTER INSERT ON {name} BEGIN "
            f"INSERT INTO {index}(rowid, folded) VALUES (new.id, new.folded); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_delete AFTER DELETE ON {name} BEGIN "
            f"INSERT INTO {index}({index}, rowid, folded) VALUES ('delete', old.id, old.folded); END"
        )
        op.execute(
            f"CREATE TRIGGER {index}_update AFTER UPDATE ON {name} BEGIN "
            f"INSERT INTO {index}({index}, rowid, folded) VALUES ('delete', old.id, old.folded); "
            f"INSERT INTO {index}(rowid, folded) VALUES (new.id, new.folded); END"
        )
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TABLES:
            op.execute(f"DROP INDEX IF EXISTS ix_{name}_folded_trigram")
        return
    for name in TABLES:
        index = f"{name}_search"
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
