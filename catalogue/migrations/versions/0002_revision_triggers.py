"""revision triggers: every change to a catalogue table raises the catalogue revision

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:30:00
"""

from collections.abc import Sequence

from catalogue.migrations import revision_triggers

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


def upgrade() -> None:
    revision_triggers.create(TABLES, with_function=True)


def downgrade() -> None:
    revision_triggers.drop(TABLES, with_function=True)
