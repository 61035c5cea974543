"""revision triggers: every change to a catalogue table raises the catalogue revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Catalogue tables as of this revision; later migrations that add tables add their triggers.
TABLES = (
    "theme", "theme_text", "organisation", "organisation_text", "solution", "solution_text", "solution_theme",
    "case_result", "case_text", "case_solution", "case_partner", "outcome", "outcome_text",
    "visit_site", "visit_site_text", "visit_site_case",
)  # fmt: skip
BUMP = "UPDATE catalogue_revision SET revision = revision + 1 WHERE id = 1"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION bump_catalogue_revision() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER catalogue_revision_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_revision()"
            )
        return
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(
                f"CREATE TRIGGER catalogue_revision_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN {BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER catalogue_revision_{table} ON {table}")
        op.execute("DROP FUNCTION bump_catalogue_revision()")
        return
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER catalogue_revision_{table}_{event}")
