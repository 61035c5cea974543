"""The catalogue revision: raised in the same transaction as every change to catalogue tables."""

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from catalogue import tables as t

_REVISION_ROW = 1
_BUMP = update(t.CatalogueRevision).where(t.CatalogueRevision.id == _REVISION_ROW)
_BUMP = _BUMP.values(revision=t.CatalogueRevision.revision + 1)


def _touches_catalogue(session: Session) -> bool:
    changed = (*session.new, *session.dirty, *session.deleted)
    return any(not isinstance(item, t.CatalogueRevision) for item in changed)


def _after_flush(session: Session, _transaction: UOWTransaction) -> None:
    if _touches_catalogue(session):
        session.connection().execute(_BUMP)


def _after_bulk_change(state: ORMExecuteState) -> Any:
    statement_table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and statement_table is not t.CatalogueRevision.__table__:
        state.session.connection().execute(_BUMP)
    return None


def track_revisions() -> None:
    """Raise the revision with every change any session makes to the catalogue (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _after_bulk_change)


async def current_revision(session: AsyncSession) -> int:
    """The revision of the catalogue as this session sees it."""
    return (
        await session.scalar(select(t.CatalogueRevision.revision).where(t.CatalogueRevision.id == _REVISION_ROW)) or 0
    )
