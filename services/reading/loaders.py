"""What each view loads with its entries: every relationship is loaded on purpose, never lazily."""

from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from catalogue import tables as t


def _texts(relationship: object, row_class: type[t.TextRow], *fields: str) -> _AbstractLoad:
    """The text rows of ``fields`` only (every field when none are named)."""
    attribute = relationship
    if fields:
        attribute = relationship.and_(row_class.field.in_(fields))  # type: ignore[attr-defined]
    # The folded copy is for search only: readers never need it.
    return selectinload(attribute).defer(row_class.folded)  # type: ignore[arg-type]


THEME = (_texts(t.Theme.texts, t.ThemeText),)

CASE_SUMMARY = (
    _texts(t.CaseResult.texts, t.CaseText, "title", "summary", "site"),
    selectinload(t.CaseResult.solutions).selectinload(t.Solution.themes),
)
ORGANISATION = (_texts(t.Organisation.texts, t.OrganisationText),)

VISIT_SITE = (
    _texts(t.VisitSite.texts, t.VisitSiteText),
    joinedload(t.VisitSite.host),
    selectinload(t.VisitSite.cases).options(_texts(t.CaseResult.texts, t.CaseText, "title")),
)
