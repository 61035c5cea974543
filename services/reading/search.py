"""Full-text search over every locale of the catalogue, the same on SQLite and PostgreSQL.

Texts are folded (case, accents, Danish letters) when stored and queries are folded the same way,
so matching is a plain substring test that both databases run identically and that works for
scripts without spaces between words, such as Chinese and Japanese.
"""

from collections.abc import Callable, Mapping

from sqlalchemy import ColumnElement, Select, case, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import Subquery

from catalogue import tables as t
from catalogue.folding import fold
from catalogue.localised import PUBLIC_STATES

#: Most terms of one query that are matched; the rest are ignored.
MAX_TERMS = 8
#: How much a match in each field counts: titles above summaries above body text.
TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 8, 3, 1

#: A source of matches: given a LIKE pattern, select (owner_id, weight) rows.
MatchSource = Callable[[str], Select[tuple[int, int]]]


def search_terms(query: str) -> list[str]:
    """The folded terms of ``query``, each to be found somewhere in a matching entry."""
    return list(dict.fromkeys(fold(query).split()))[:MAX_TERMS]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_source(table: type[t.TextRow], weights: Mapping[str, int]) -> MatchSource:
    """Matches in the public texts of ``table``, weighted by field."""
    owner_id: InstrumentedAttribute[int] = table.owner_id  # type: ignore[attr-defined]
    weight = case(*((table.field == field, value) for field, value in weights.items()), else_=0)

    def select_matches(pattern: str) -> Select[tuple[int, int]]:
        return select(owner_id.label("owner_id"), weight.label("weight")).where(
            table.folded.like(pattern, escape="\\"),
            table.field.in_(list(weights)),
            table.state.in_([state.value for state in PUBLIC_STATES]),
        )

    return select_matches


def column_source(owner_id: InstrumentedAttribute[int], folded: InstrumentedAttribute[str], weight: int) -> MatchSource:
    """Matches in a folded column of the owner's own table."""

    def select_matches(pattern: str) -> Select[tuple[int, int]]:
        return select(owner_id.label("owner_id"), literal(weight).label("weight")).where(
            folded.like(pattern, escape="\\")
        )

    return select_matches


def ranked_matches(query: str, sources: list[MatchSource]) -> Subquery | None:
    """``(owner_id, score)`` of every entry that contains all terms of ``query``; ``None`` for a blank query.

    An entry's score adds, for each term, the weight of the best field it was found in.
    """
    terms = search_terms(query)
    if not terms:
        return None
    per_term: list[Subquery] = []
    for term in terms:
        pattern = _like_pattern(term)
        hits = union_all(*(source(pattern) for source in sources)).subquery()
        per_term.append(
            select(hits.c.owner_id, func.max(hits.c.weight).label("weight")).group_by(hits.c.owner_id).subquery()
        )
    first = per_term[0]
    score: ColumnElement[int] = first.c.weight
    stmt = select(first.c.owner_id)
    for other in per_term[1:]:
        stmt = stmt.join(other, other.c.owner_id == first.c.owner_id)
        score = score + other.c.weight
    return stmt.add_columns(score.label("score")).subquery()
