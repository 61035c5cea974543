"""entry images: uploaded images and the images shown with solutions and cases

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 20:17:26
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

from catalogue.migrations import revision_triggers

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('uploaded_image',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=72), nullable=False),
    sa.Column('media_type', sa.String(length=16), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('uploaded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_uploaded_image_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploaded_image')),
    sa.UniqueConstraint('name', name=op.f('uq_uploaded_image_name')),
    )
    # Plain ADD COLUMN, which SQLite does in place: the tables keep their revision triggers.
    op.add_column('case_result', sa.Column('images', _json(), server_default='[]', nullable=False))
    op.add_column('solution', sa.Column('images', _json(), server_default='[]', nullable=False))


def downgrade() -> None:
    for table in ('solution', 'case_result'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('images')
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column by copying the table, which drops its triggers.
        revision_triggers.create(['solution', 'case_result'])
    op.drop_table('uploaded_image')
