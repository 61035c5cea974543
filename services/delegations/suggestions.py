"""Ranked suggestions for a delegation: solutions, cases and visit sites, each with why it ranks.

An entry is suggested when it shares a theme with the delegation or answers one of its
challenges; it then ranks higher for each shared theme and matched challenge term, for being
readable in the delegation's languages, for serving its country (solutions), for sourced results
(cases) and for tours in its languages that take the whole group (visit sites).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import Subquery

from catalogue import tables as t
from catalogue.delegations import Delegation
from catalogue.folding import fold
from catalogue.localised import PUBLIC_STATES, LocalisedText, resolve
from catalogue.texts import TextColumns, fields_from
from catalogue.vocabulary import Verification
from i18n import formatting
from i18n.catalogues import translations
from i18n.locales import Locale
from services.reading import browsing
from services.reading.search import holding

THEME_WEIGHT, TERM_WEIGHT, LANGUAGE_WEIGHT, MARKET_WEIGHT, TOUR_WEIGHT = 3.0, 1.0, 2.0, 2.0, 2.0
MAX_TERMS = 3
#: Words too common to tell entries apart.
_STOPWORDS = frozenset(fold(word) for word in (
    "and", "the", "for", "with", "from", "that", "this", "their", "have", "more", "less", "what", "which", "about",
    "into", "our", "how", "city", "cities", "og", "med", "til", "for", "der", "die", "und", "mit",
    "against", "between", "within", "without", "over", "under", "also", "such", "than", "they", "these", "those",
    "when", "where", "while", "would", "could", "should", "will", "been", "were", "mod", "som", "fra", "gegen", "von",
))  # fmt: skip
_SOURCED = {Verification.PUBLISHED.value, Verification.INDEPENDENTLY_VERIFIED.value}
_PUBLIC = [state.value for state in PUBLIC_STATES]


class Reason(msgspec.Struct, frozen=True, kw_only=True):
    """One reason an entry ranks: what kind of match, on what, and the reason in the reader's words."""

    kind: str
    value: str
    text: str


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    title: str
    title_locale: str
    score: float
    reasons: list[Reason]


class Suggestions(msgspec.Struct, frozen=True, kw_only=True):
    solutions: list[Suggestion]
    cases: list[Suggestion]
    visit_sites: list[Suggestion]


def challenge_terms(challenges: str) -> list[str]:
    """The folded words of the delegation's challenges worth matching, in the order written."""
    words = re.findall(r"\w{4,}", fold(challenges))
    return list(dict.fromkeys(word for word in words if word not in _STOPWORDS))


class _Ranker:
    def __init__(self, delegation: Delegation, themes: dict[str, str], locale: Locale) -> None:
        self.delegation = delegation
        self.themes = themes
        self.locale = locale
        self.terms = challenge_terms(delegation.challenges)
        self._ = translations(locale).gettext
        self.ngettext = translations(locale).ngettext

    def relevance(self, theme_slugs: Iterable[str], folded: Iterable[str]) -> tuple[float, list[Reason]]:
        """Score and reasons from shared themes and challenge terms matched in ``folded`` texts; zero: not relevant."""
        _ = self._
        shared = [slug for slug in dict.fromkeys(theme_slugs) if slug in self.delegation.themes]
        reasons = [
            Reason(kind="theme", value=slug, text=_("theme: %(theme)s") % {"theme": self.themes.get(slug, slug)})
            for slug in shared
        ]
        # Each text is stored folded; a term (a word, without spaces) never spans two of them.
        searched = " ".join(folded)
        matched = [term for term in self.terms if term in searched][:MAX_TERMS]
        reasons += [
            Reason(kind="challenge", value=term, text=_("mentions “%(term)s”") % {"term": term}) for term in matched
        ]
        return THEME_WEIGHT * len(shared) + TERM_WEIGHT * len(matched), reasons

    def languages(self, title: LocalisedText) -> tuple[float, list[Reason]]:
        """Score and reasons for being readable in the delegation's languages."""
        readable = [code for code in self.delegation.languages if code in title.public_locales()]
        reasons = [
            Reason(kind="language", value=code, text=self._("available in %(language)s")
                   % {"language": formatting.language(code, self.locale)})
            for code in readable
        ]  # fmt: skip
        return LANGUAGE_WEIGHT * len(readable) / len(self.delegation.languages), reasons

    def suggestion(self, slug: str, title: LocalisedText, score: float, reasons: list[Reason]) -> Suggestion:
        shown = resolve(title, self.locale)
        return Suggestion(
            slug=slug, title=shown.text, title_locale=shown.locale, score=round(score, 2), reasons=reasons
        )


def _ranked(items: list[Suggestion], limit: int) -> list[Suggestion]:
    return sorted(items, key=lambda item: (-item.score, item.slug))[:limit]


def _mentions(values: Any, code: str) -> ColumnElement[bool]:
    """Whether the JSON list of codes ``values`` holds ``code`` (a code of letters, quoted in the JSON)."""
    return cast(values, String).like(f'%"{code}"%')


def _counted(rows: Select[tuple[int, Any]]) -> Subquery:
    """``(owner_id, n)``: how many different values of ``rows``' second column each owner has."""
    found = rows.subquery()
    owner, value = found.c
    return select(owner.label("owner_id"), func.count(distinct(value)).label("n")).group_by(owner).subquery()


class _Scored(NamedTuple):
    """An entry's title, and the score and reasons every kind of entry is given."""

    title: LocalisedText
    score: float
    reasons: list[Reason]


class _Best(msgspec.Struct, frozen=True):
    """How the entries of one kind are found in the database and the best of them chosen.

    The query computes the score :class:`_Ranker` gives, scaled to whole numbers so that both
    databases order exactly as the score would: ``2 L`` times the score, ``L`` being the number of
    the delegation's languages. Only the best are then loaded whole, to be given their reasons.
    """

    model: Any
    texts: Any
    title_field: str
    #: ``(owner_id, theme slug)`` rows: the themes an entry counts as sharing.
    themes: Select[tuple[int, str]]
    #: What the kind adds to the score, times 2.
    extra: ColumnElement[int]
    conditions: tuple[ColumnElement[bool], ...] = ()
    #: ``(owner_id, n)`` counts that ``extra`` reads, each made in one pass and joined rather than looked up per entry.
    counts: tuple[Subquery, ...] = ()

    async def ids(self, session: AsyncSession, ranker: "_Ranker", limit: int) -> list[int]:
        dialect = session.get_bind().dialect.name
        delegation = ranker.delegation
        owner = self.texts.owner_id
        themes = _counted(self.themes.where(t.Theme.slug.in_(delegation.themes)))
        # The titles in the delegation's languages, counted per entry in one pass rather than looked up per entry.
        titles = (
            select(owner.label("owner_id"), func.count().label("n"))
            .where(
                self.texts.field == self.title_field,
                self.texts.locale.in_(delegation.languages),
                self.texts.state.in_(_PUBLIC),
            )
            .group_by(owner)
            .subquery()
        )
        readable: ColumnElement[int] = func.coalesce(titles.c.n, 0)
        shared: ColumnElement[int] = func.coalesce(themes.c.n, 0)
        query = (
            select(self.model.id)
            .outerjoin(themes, themes.c.owner_id == self.model.id)
            .outerjoin(titles, titles.c.owner_id == self.model.id)
            .where(*self.conditions)
        )
        for count in self.counts:
            query = query.outerjoin(count, count.c.owner_id == self.model.id)
        matched: ColumnElement[int] = literal(0)
        if ranker.terms:
            hits = union_all(*(
                select(owner.label("owner_id"), literal(number).label("term"))
                .where(*holding(self.texts, term, dialect))
                for number, term in enumerate(ranker.terms)
            )).subquery()  # fmt: skip
            terms = _counted(select(hits.c.owner_id, hits.c.term))
            query = query.outerjoin(terms, terms.c.owner_id == self.model.id)
            counted = func.coalesce(terms.c.n, 0)
            matched = case((counted > MAX_TERMS, MAX_TERMS), else_=counted)
        languages = len(delegation.languages)
        weighed = 2 * THEME_WEIGHT * shared + 2 * TERM_WEIGHT * matched + self.extra
        scaled = weighed * languages + 2 * LANGUAGE_WEIGHT * readable
        slug = browsing.in_byte_order(self.model.slug, dialect)
        query = query.where(or_(shared > 0, matched > 0)).order_by(scaled.desc(), slug).limit(limit)
        return list(await session.scalars(query))

    async def chosen(self, session: AsyncSession, ranker: "_Ranker", limit: int) -> dict[int, _Scored]:
        """The best ``limit`` entries, each with its title and what its themes, terms and languages score."""
        ids = await self.ids(session, ranker, limit)
        texts, folded = await _entries_texts(session, self.texts, ids)
        themes = await _themes(session, self.themes, ids)
        scored = {}
        for entry_id in ids:
            title = fields_from(texts[entry_id])[self.title_field]
            score, reasons = ranker.relevance(themes[entry_id], folded[entry_id])
            bonus, readable = ranker.languages(title)
            scored[entry_id] = _Scored(title, score + bonus, reasons + readable)
        return scored


def _themes_of(first: Any, *path: tuple[Any, Any]) -> Select[tuple[int, str]]:
    """``(owner, theme slug)`` rows: from column ``first`` through the joins of ``path`` to a solution's themes."""
    query = select(first, t.Theme.slug)
    for joined, condition in path:
        query = query.join(joined, condition)
    return query.join(t.Theme, t.Theme.id == t.solution_theme.c.theme_id)


def _best_solutions(delegation: Delegation) -> _Best:
    return _Best(
        model=t.Solution,
        texts=t.SolutionText,
        title_field="title",
        themes=_themes_of(t.solution_theme.c.solution_id),
        extra=case((_mentions(t.Solution.markets, delegation.country), 2 * MARKET_WEIGHT), else_=0),
        conditions=(t.Solution.is_published.is_(True),),
    )


def _best_cases() -> _Best:
    outcomes = (
        select(t.Outcome.case_id.label("owner_id"), func.count().label("n"))
        .where(t.Outcome.verification.in_(_SOURCED))
        .group_by(t.Outcome.case_id)
        .subquery()
    )
    sourced = func.coalesce(outcomes.c.n, 0)
    return _Best(
        model=t.CaseResult,
        texts=t.CaseText,
        title_field="title",
        themes=_themes_of(
            t.case_solution.c.case_id,
            (t.solution_theme, t.solution_theme.c.solution_id == t.case_solution.c.solution_id),
        ),
        # Half a point for each sourced result, at most three.
        extra=case((sourced > 3, 3), else_=sourced),
        conditions=(t.CaseResult.is_published.is_(True),),
        counts=(outcomes,),
    )


def _best_sites(delegation: Delegation) -> _Best:
    tours = or_(false(), *(_mentions(t.VisitSite.tour_languages, code) for code in delegation.languages))
    small = and_(t.VisitSite.capacity.is_not(None), t.VisitSite.capacity < delegation.group_size)
    return _Best(
        model=t.VisitSite,
        texts=t.VisitSiteText,
        title_field="name",
        themes=_themes_of(
            t.visit_site_case.c.visit_site_id,
            (t.case_solution, t.case_solution.c.case_id == t.visit_site_case.c.case_id),
            (t.solution_theme, t.solution_theme.c.solution_id == t.case_solution.c.solution_id),
        ),
        extra=case((tours, 2 * TOUR_WEIGHT), else_=0) - case((small, 2 * THEME_WEIGHT), else_=0),
    )


async def suggest(session: AsyncSession, delegation: Delegation, locale: Locale, limit: int = 20) -> Suggestions:
    """The best solutions, cases and visit sites for ``delegation``, reasons given in ``locale``.

    The database finds and orders the candidates (:class:`_Best`); only the best ``limit`` of each
    kind are loaded and given their reasons, so a catalogue of thousands answers about as fast
    as one of dozens.
    """
    themes = {theme.slug: theme.label.text for theme in await browsing.list_themes(session, locale)}
    ranker = _Ranker(delegation, themes, locale)
    return Suggestions(
        solutions=_ranked(await _solutions(session, ranker, limit), limit),
        cases=_ranked(await _cases(session, ranker, limit), limit),
        visit_sites=_ranked(await _sites(session, ranker, limit), limit),
    )


async def _entries_texts(
    session: AsyncSession, texts: Any, ids: list[int]
) -> tuple[dict[int, list[TextColumns]], dict[int, list[str]]]:
    """The texts of entries ``ids``: as plain columns per entry, and their folded forms per entry."""
    columns: dict[int, list[TextColumns]] = defaultdict(list)
    folded: dict[int, list[str]] = defaultdict(list)
    for owner, field, locale, text, state, is_source, source_print, folded_text in await session.execute(
        select(texts.owner_id, texts.field, texts.locale, texts.text, texts.state, texts.is_source,
               texts.source_fingerprint, texts.folded)
        .where(texts.owner_id.in_(ids))
    ):  # fmt: skip
        columns[owner].append((field, locale, text, state, is_source, source_print))
        folded[owner].append(folded_text)
    return columns, folded


async def _themes(session: AsyncSession, themes: Select[tuple[int, str]], ids: list[int]) -> dict[int, list[str]]:
    """The theme slugs of entries ``ids`` from ``(owner, theme slug)`` rows, in the themes' order."""
    found: dict[int, list[str]] = defaultdict(list)
    owner = themes.selected_columns[0]
    for entry_id, slug in await session.execute(themes.where(owner.in_(ids)).order_by(t.Theme.position, t.Theme.id)):
        found[entry_id].append(slug)
    return found


async def _solutions(session: AsyncSession, ranker: _Ranker, limit: int) -> list[Suggestion]:
    delegation, _ = ranker.delegation, ranker._
    best = await _best_solutions(delegation).chosen(session, ranker, limit)
    found = []
    for solution_id, slug, markets in await session.execute(
        select(t.Solution.id, t.Solution.slug, t.Solution.markets).where(t.Solution.id.in_(list(best)))
    ):
        title, score, reasons = best[solution_id]
        if delegation.country in markets:
            score += MARKET_WEIGHT
            country = formatting.country(delegation.country, ranker.locale)
            reasons.append(
                Reason(kind="market", value=delegation.country, text=_("serves %(country)s") % {"country": country})
            )
        found.append(ranker.suggestion(slug, title, score, reasons))
    return found


async def _cases(session: AsyncSession, ranker: _Ranker, limit: int) -> list[Suggestion]:
    best = await _best_cases().chosen(session, ranker, limit)
    counted = await session.execute(
        select(t.Outcome.case_id, func.count())
        .where(t.Outcome.case_id.in_(list(best)), t.Outcome.verification.in_(_SOURCED))
        .group_by(t.Outcome.case_id)
    )
    sourced_counts = dict(counted.tuples().all())
    found = []
    for case_id, slug in await session.execute(
        select(t.CaseResult.id, t.CaseResult.slug).where(t.CaseResult.id.in_(list(best)))
    ):
        title, score, reasons = best[case_id]
        sourced = sourced_counts.get(case_id, 0)
        if sourced:
            score += min(sourced, 3) * 0.5
            text = ranker.ngettext("%(num)d sourced result", "%(num)d sourced results", sourced) % {"num": sourced}
            reasons.append(Reason(kind="results", value=str(sourced), text=text))
        found.append(ranker.suggestion(slug, title, score, reasons))
    return found


async def _sites(session: AsyncSession, ranker: _Ranker, limit: int) -> list[Suggestion]:
    delegation, _ = ranker.delegation, ranker._
    best = await _best_sites(delegation).chosen(session, ranker, limit)
    found = []
    site = t.VisitSite
    for site_id, slug, tour_languages, capacity in await session.execute(
        select(site.id, site.slug, site.tour_languages, site.capacity).where(site.id.in_(list(best)))
    ):
        title, score, reasons = best[site_id]
        tours = [code for code in delegation.languages if code in tour_languages]
        if tours:
            score += TOUR_WEIGHT
            names = formatting.languages(tours, ranker.locale)
            reasons.append(
                Reason(kind="tour", value=",".join(tours), text=_("tour in %(languages)s") % {"languages": names})
            )
        if capacity is not None and capacity < delegation.group_size:
            score -= THEME_WEIGHT
            reasons.append(Reason(kind="capacity", value=str(capacity),
                                  text=_("takes groups of at most %(num)d") % {"num": capacity}))  # fmt: skip
        found.append(ranker.suggestion(slug, title, score, reasons))
    return found
