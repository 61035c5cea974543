"""Full-text search over every locale of the catalogue, the same on SQLite and PostgreSQL.

Texts are folded (case, accents, Danish letters) when stored and queries are folded the same way,
so matching is a plain substring test that both databases run identically and that works for
scripts without spaces between words, such as Chinese and Japanese. The databases' own trigram
indexes (:mod:`catalogue.text_index`) find the rows holding a term.
"""

from collections.abc import Callable, Mapping

from sqlalchemy import ColumnElement, Select, case, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.selectable import Subquery

from catalogue import tables as t
from catalogue.folding import fold
from catalogue.localised import PUBLIC_STATES
from catalogue.text_index import indexed_like

#: Most terms of one query that are matched; the rest are ignored.
MAX_TERMS = 8
#: How much a match in each field counts: titles above summaries above body text.
TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 8, 3, 1

#: A source of matches: given a folded term and the database's dialect, select (owner_id, weight) rows.
MatchSource = Callable[[str, str], Select[tuple[int, int]]]


def search_terms(query: str) -> list[str]:
    """The folded terms of ``query``, each to be found somewhere in a matching entry."""
    return list(dict.fromkeys(fold(query).split()))[:MAX_TERMS]


def like_pattern(term: str) -> str:
    """The ``LIKE`` pattern (escaped with a backslash) of rows holding ``term``."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_source(table: type[t.TextRow], weights: Mapping[str, int]) -> MatchSource:
    """Matches in the public texts of ``table``, weighted by field."""
    owner_id: InstrumentedAttribute[int] = table.owner_id  # type: ignore[attr-defined]
    weight = case(*((table.field == field, value) for field, value in weights.items()), else_=0)

    def select_matches(term: str, dialect: str) -> Select[tuple[int, int]]:
        return select(owner_id.label("owner_id"), weight.label("weight")).where(
            *holding(table, term, dialect),
            table.field.in_(list(weights)),
            table.state.in_([state.value for state in PUBLIC_STATES]),
        )

    return select_matches


def holding(table: type[t.TextRow], term: str, dialect: str) -> list[ColumnElement[bool]]:
    """The conditions on rows of ``table`` whose folded text holds ``term``, through the text index where it helps."""
    indexed = indexed_like(str(table.__tablename__), table.id, term, dialect)
    return [indexed] if indexed is not None else [table.folded.like(like_pattern(term), escape="\\")]


def column_source(owner_id: InstrumentedAttribute[int], folded: InstrumentedAttribute[str], weight: int) -> MatchSource:
    """Matches in a folded column of the owner's own table."""

    def select_matches(term: str, _dialect: str) -> Select[tuple[int, int]]:
        return select(owner_id.label("owner_id"), literal(weight).label("weight")).where(
            folded.like(like_pattern(term), escape="\\")
        )

    return select_matches


def ranked_matches(query: str, sources: list[MatchSource], dialect: str) -> Subquery | None:
    """``(owner_id, score)`` of every entry that contains all terms of ``query``; ``None`` for a blank query.

    An entry's score adds, for each term, the weight of the best field it was found in. Every
    term's matches are gathered in one pass and counted per entry: an entry holding all of them
    is one found.
    """
    terms = search_terms(query)
    if not terms:
        return None
    hits = union_all(*(
        source(term, dialect).add_columns(literal(number).label("term"))
        for number, term in enumerate(terms)
        for source in sources
    )).subquery()  # fmt: skip
    best = (
        select(hits.c.owner_id, hits.c.term, func.max(hits.c.weight).label("weight"))
        .group_by(hits.c.owner_id, hits.c.term)
        .subquery()
    )
    return (
        select(best.c.owner_id, func.sum(best.c.weight).label("score"))
        .group_by(best.c.owner_id)
        .having(func.count() == len(terms))
        .subquery()
    )
