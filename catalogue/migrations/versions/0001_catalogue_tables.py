"""catalogue tables

Revision ID: 0001
Revises:
Create Date: 2026-11-26 18:18:05.412015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_result',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=False),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('investment_amount', sa.Float(), nullable=True),
    sa.Column('investment_currency', sa.String(length=3), nullable=True),
    sa.Column('funding_model', sa.String(length=32), nullable=True),
    sa.Column('payback_years', sa.Float(), nullable=True),
    sa.Column('cost_source', sa.String(length=200), nullable=True),
    sa.Column('cost_as_of', sa.Date(), nullable=True),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_result')),
    sa.UniqueConstraint('slug', name=op.f('uq_case_result_slug'))
    )
    with op.batch_alter_table('case_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_result_country'), ['country'], unique=False)

    revision_table = op.create_table('catalogue_revision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_revision'))
    )
    op.bulk_insert(revision_table, [{'id': 1, 'revision': 0}])
    op.create_table('organisation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('helix_role', sa.String(length=16), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('cvr', sa.String(length=8), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisation_slug'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_kind'), ['kind'], unique=False)

    op.create_table('theme',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('slug', name=op.f('uq_theme_slug'))
    )
    op.create_table('case_partner',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_result.id'], name=op.f('fk_case_partner_case_id_case_result'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_case_partner_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_partner'))
    )
    with op.batch_alter_table('case_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_partner_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_partner_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('case_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['case_result.id'], name=op.f('fk_case_text_owner_id_case_result'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_case_text_owner_field_locale')
    )
    with op.batch_alter_table('case_text', schema=None) as batch_op:
        batch_op.create_index('ix_case_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_text_owner_id'), ['owner_id'], unique=False)

    op.create_table('organisation_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['organisation.id'], name=op.f('fk_organisation_text_owner_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_organisation_text_owner_field_locale')
    )
    with op.batch_alter_table('organisation_text', schema=None) as batch_op:
        batch_op.create_index('ix_organisation_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_text_owner_id'), ['owner_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=80), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('result', sa.Float(), nullable=False),
    sa.Column('result_max', sa.Float(), nullable=True),
    sa.Column('annual', sa.Boolean(), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('verification', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_url', sa.String(length=300), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_result.id'], name=op.f('fk_outcome_case_id_case_result'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome'))
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_case_id'), ['case_id'], unique=False)

    op.create_table('solution',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('provider_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('maturity', sa.String(length=16), nullable=False),
    sa.Column('sdgs', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('markets', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['organisation.id'], name=op.f('fk_solution_provider_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solution')),
    sa.UniqueConstraint('slug', name=op.f('uq_solution_slug'))
    )
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solution_provider_id'), ['provider_id'], unique=False)

    op.create_table('theme_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['theme.id'], name=op.f('fk_theme_text_owner_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_theme_text_owner_field_locale')
    )
    with op.batch_alter_table('theme_text', schema=None) as batch_op:
        batch_op.create_index('ix_theme_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_text_owner_id'), ['owner_id'], unique=False)

    op.create_table('visit_site',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('host_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('tour_languages', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'cockroachdb').with_variant(advanced_alchemy.types.json.ORA_JSONB(), 'oracle').with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['organisation.id'], name=op.f('fk_visit_site_host_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_site')),
    sa.UniqueConstraint('slug', name=op.f('uq_visit_site_slug'))
    )
    with op.batch_alter_table('visit_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_site_host_id'), ['host_id'], unique=False)

    op.create_table('case_solution',
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('solution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_result.id'], name=op.f('fk_case_solution_case_id_case_result'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_case_solution_solution_id_solution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'solution_id', name=op.f('pk_case_solution'))
    )
    with op.batch_alter_table('case_solution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_solution_solution_id'), ['solution_id'], unique=False)

    op.create_table('outcome_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['outcome.id'], name=op.f('fk_outcome_text_owner_id_outcome'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_outcome_text_owner_field_locale')
    )
    with op.batch_alter_table('outcome_text', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_text_owner_id'), ['owner_id'], unique=False)

    op.create_table('solution_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['solution.id'], name=op.f('fk_solution_text_owner_id_solution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solution_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_solution_text_owner_field_locale')
    )
    with op.batch_alter_table('solution_text', schema=None) as batch_op:
        batch_op.create_index('ix_solution_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_solution_text_owner_id'), ['owner_id'], unique=False)

    op.create_table('solution_theme',
    sa.Column('solution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('theme_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_solution_theme_solution_id_solution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_solution_theme_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('solution_id', 'theme_id', name=op.f('pk_solution_theme'))
    )
    with op.batch_alter_table('solution_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solution_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('visit_site_case',
    sa.Column('visit_site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_result.id'], name=op.f('fk_visit_site_case_case_id_case_result'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_site_id'], ['visit_site.id'], name=op.f('fk_visit_site_case_visit_site_id_visit_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_site_id', 'case_id', name=op.f('pk_visit_site_case'))
    )
    with op.batch_alter_table('visit_site_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_site_case_case_id'), ['case_id'], unique=False)

    op.create_table('visit_site_text',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('folded', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('is_source', sa.Boolean(), nullable=False),
    sa.Column('source_fingerprint', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['visit_site.id'], name=op.f('fk_visit_site_text_owner_id_visit_site'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_site_text')),
    sa.UniqueConstraint('owner_id', 'field', 'locale', name='uq_visit_site_text_owner_field_locale')
    )
    with op.batch_alter_table('visit_site_text', schema=None) as batch_op:
        batch_op.create_index('ix_visit_site_text_locale_field', ['locale', 'field'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_site_text_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visit_site_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_site_text_owner_id'))
        batch_op.drop_index('ix_visit_site_text_locale_field')

    op.drop_table('visit_site_text')
    with op.batch_alter_table('visit_site_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_site_case_case_id'))

    op.drop_table('visit_site_case')
    with op.batch_alter_table('solution_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_theme_theme_id'))

    op.drop_table('solution_theme')
    with op.batch_alter_table('solution_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_text_owner_id'))
        batch_op.drop_index('ix_solution_text_locale_field')

    op.drop_table('solution_text')
    with op.batch_alter_table('outcome_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_text_owner_id'))
        batch_op.drop_index('ix_outcome_text_locale_field')

    op.drop_table('outcome_text')
    with op.batch_alter_table('case_solution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_solution_solution_id'))

    op.drop_table('case_solution')
    with op.batch_alter_table('visit_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_site_host_id'))

    op.drop_table('visit_site')
    with op.batch_alter_table('theme_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_text_owner_id'))
        batch_op.drop_index('ix_theme_text_locale_field')

    op.drop_table('theme_text')
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_provider_id'))

    op.drop_table('solution')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_case_id'))

    op.drop_table('outcome')
    with op.batch_alter_table('organisation_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_text_owner_id'))
        batch_op.drop_index('ix_organisation_text_locale_field')

    op.drop_table('organisation_text')
    with op.batch_alter_table('case_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_text_owner_id'))
        batch_op.drop_index('ix_case_text_locale_field')

    op.drop_table('case_text')
    with op.batch_alter_table('case_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_partner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_case_partner_case_id'))

    op.drop_table('case_partner')
    op.drop_table('theme')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_kind'))

    op.drop_table('organisation')
    op.drop_table('catalogue_revision')
    with op.batch_alter_table('case_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_result_country'))

    op.drop_table('case_result')
