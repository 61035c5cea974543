"""What only administrators change directly: organisations and the theme taxonomy."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.content import revise
from catalogue.folding import fold
from catalogue.records import CatalogueFile, OrganisationRecord, ThemeRecord
from catalogue.texts import fields_of, store_field
from catalogue.validation import catalogue_problems
from services import audit
from services.accounts.accounts import Actor
from services.accounts.permissions import require_administrator
from services.editing.importing import organisation_row, theme_row
from services.errors import InvalidCatalogueData, InvalidInput, NotFound
from services.transaction import use_case


def _check(data: CatalogueFile) -> None:
    problems = catalogue_problems(data)
    if problems:
        raise InvalidCatalogueData(problems)


def _revise_texts(
    owner: t.Organisation | t.Theme, row_class: type[t.TextRow], source: str, fields: dict[str, dict[str, str]]
) -> None:
    current = fields_of(owner.texts)
    for field, texts in fields.items():
        if field in current and current[field].source_locale != source:
            raise InvalidInput(
                "source_locale", f"the source language is {current[field].source_locale!r} and cannot change"
            )
        store_field(owner, row_class, field, revise(current.get(field), source, texts))


@use_case
async def save_organisation(
    session: AsyncSession, actor: Actor, record: OrganisationRecord, now: dt.datetime, *, slug: str | None = None
) -> None:
    """Create an organisation, or replace the one at ``slug``; only administrators may. Commits."""
    await require_administrator(session, actor, now)
    _check(CatalogueFile(organisations=[record]))
    if slug is None:
        if await session.scalar(select(t.Organisation.id).where(t.Organisation.slug == record.slug)) is not None:
            raise InvalidInput("slug", f"an organisation with the slug {record.slug!r} exists")
        session.add(organisation_row(record))
    else:
        if record.slug != slug:
            raise InvalidInput("slug", "an organisation's slug cannot change")
        org = await session.scalar(
            select(t.Organisation).where(t.Organisation.slug == slug).options(selectinload(t.Organisation.texts))
        )
        if org is None:
            raise NotFound("organisation", slug)
        contact = record.contact
        org.name, org.name_folded = record.name, fold(record.name)
        org.kind, org.helix_role, org.country = record.kind.value, record.helix_role.value, record.country
        org.cvr, org.address, org.postcode, org.city = record.cvr, record.address, record.postcode, record.city
        org.website, org.sources = record.website, list(record.sources)
        org.contact_name = contact.name if contact else None
        org.contact_email = contact.email if contact else None
        org.contact_phone = contact.phone if contact else None
        _revise_texts(org, t.OrganisationText, record.source_locale, {"description": record.description})
    audit.record(session, "organisation-saved", now, actor_id=actor.id, target=f"organisation/{record.slug}")
    await session.commit()


@use_case
async def save_theme(
    session: AsyncSession, actor: Actor, record: ThemeRecord, now: dt.datetime, *, slug: str | None = None
) -> None:
    """Add a theme to the taxonomy, or replace the one at ``slug``; only administrators may. Commits."""
    await require_administrator(session, actor, now)
    _check(CatalogueFile(themes=[record]))
    if slug is None:
        if await session.scalar(select(t.Theme.id).where(t.Theme.slug == record.slug)) is not None:
            raise InvalidInput("slug", f"a theme with the slug {record.slug!r} exists")
        session.add(theme_row(record))
    else:
        if record.slug != slug:
            raise InvalidInput("slug", "a theme's slug cannot change")
        theme = await session.scalar(select(t.Theme).where(t.Theme.slug == slug).options(selectinload(t.Theme.texts)))
        if theme is None:
            raise NotFound("theme", slug)
        theme.position = record.position
        _revise_texts(
            theme, t.ThemeText, record.source_locale, {"label": record.label, "description": record.description}
        )
    audit.record(session, "theme-saved", now, actor_id=actor.id, target=f"theme/{record.slug}")
    await session.commit()
