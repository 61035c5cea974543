"""The databases' own indexes over folded text, which substring search and suggestions use.

PostgreSQL keeps a trigram index (``pg_trgm``, GIN) on the ``folded`` column of each table
below, used by ``LIKE '%term%'`` as it is. SQLite keeps an FTS5 table with the trigram tokenizer
beside each (``<table>_search``, filled by triggers); a query reaches it through
:func:`indexed_like`, which asks it for the term as a phrase of three-character pieces. Either
way a term of fewer than three characters (a two-character Chinese word, say) is looked for
without the index: the answer is the same, only slower.
"""

from sqlalchemy import ColumnElement, column, literal_column, select, table
from sqlalchemy.orm import InstrumentedAttribute

#: Tables of localised text that are indexed.
INDEXED_TABLES = ("solution_text", "case_text", "organisation_text", "visit_site_text")
#: Shortest term an index of three-character pieces can find.
SHORTEST_INDEXED_TERM = 3
#: What the SQLite index of a table is called.
SEARCH_SUFFIX = "_search"
#: The tables FTS5 keeps for each index of its own.
_SHADOW_SUFFIXES = ("", "_data", "_idx", "_docsize", "_config")


def is_index_table(name: str) -> bool:
    """Whether ``name`` is an SQLite text index or one of the tables FTS5 keeps for it."""
    return any(name == f"{indexed}{SEARCH_SUFFIX}{suffix}" for indexed in INDEXED_TABLES for suffix in _SHADOW_SUFFIXES)


def trigram_index_name(name: str) -> str:
    """The name of the PostgreSQL trigram index on table ``name``."""
    return f"ix_{name}_folded_trigram"


def indexed_like(
    table_name: str, owner_rows: InstrumentedAttribute[int], term: str, dialect: str
) -> ColumnElement[bool] | None:
    """On SQLite, the condition that row ids ``owner_rows`` are among the rows whose folded text holds ``term``.

    The index answers it alone: ``term`` is asked as a phrase of its three-character pieces,
    which a text holds exactly where it holds ``term`` itself, so the rows need no second look.
    ``None`` where a plain ``LIKE`` is all there is to it: on PostgreSQL (whose planner uses the
    trigram index by itself), for a table without an index, and for a term too short for one.
    """
    if dialect != "sqlite" or table_name not in INDEXED_TABLES or len(term) < SHORTEST_INDEXED_TERM:
        return None
    index = table(f"{table_name}{SEARCH_SUFFIX}", column("rowid"))
    phrase = '"' + term.replace('"', '""') + '"'
    return owner_rows.in_(select(index.c.rowid).where(literal_column(index.name).op("MATCH")(phrase)))
