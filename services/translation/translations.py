"""Keeping translations honest when the text they were made from changes."""

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.localised import LocalisedText, replace_source
from catalogue.texts import field_of, store_field
from services.errors import NotFound
from services.transaction import use_case

EntryKind = Literal["solution", "case", "organisation", "visit site", "theme"]

_MODELS: dict[str, tuple[type[t.Solution | t.CaseResult | t.Organisation | t.VisitSite | t.Theme], type[t.TextRow]]] = {
    "solution": (t.Solution, t.SolutionText),
    "case": (t.CaseResult, t.CaseText),
    "organisation": (t.Organisation, t.OrganisationText),
    "visit site": (t.VisitSite, t.VisitSiteText),
    "theme": (t.Theme, t.ThemeText),
}


@use_case
async def update_source_text(session: AsyncSession, kind: EntryKind, slug: str, field: str, text: str) -> LocalisedText:
    """Give ``field`` of an entry a new source text and mark translations of the old one outdated.

    Translations already made from the new text (same fingerprint) keep their state. Returns the
    field as stored.
    """
    model, row_class = _MODELS[kind]
    entry: t.Solution | t.CaseResult | t.Organisation | t.VisitSite | t.Theme | None = await session.scalar(
        select(model).where(model.slug == slug).options(selectinload(model.texts))
    )
    if entry is None:
        raise NotFound(kind, slug)
    current = field_of(entry, field)
    if current is None:
        raise NotFound(f"{kind} field", field)
    updated = replace_source(current, text)
    store_field(entry, row_class, field, updated)
    await session.commit()
    return updated
