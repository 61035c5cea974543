"""The catalogue revision: a counter the database raises with every change to a catalogue table.

Triggers (migration 0002) raise it in the same transaction as the change, whoever makes it: the
application, an import, or SQL typed by hand. A migration that adds a catalogue table adds its
triggers too; the migration tests check that every catalogue table has them.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t

REVISION_ROW = 1


async def current_revision(session: AsyncSession) -> int:
    """The revision of the catalogue as this session sees it."""
    query = select(t.CatalogueRevision.revision).where(t.CatalogueRevision.id == REVISION_ROW)
    return await session.scalar(query) or 0
