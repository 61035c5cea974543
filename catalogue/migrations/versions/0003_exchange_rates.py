"""exchange rates: dated rates for showing amounts in the reader's currency

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalogue.migrations import revision_triggers

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_rate",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_rate")),
        sa.UniqueConstraint("base", "quote", "as_of", name="uq_exchange_rate_base_quote_as_of"),
    )
    revision_triggers.create(["exchange_rate"])


def downgrade() -> None:
    revision_triggers.drop(["exchange_rate"])
    op.drop_table("exchange_rate")
