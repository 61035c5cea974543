"""Ranked suggestions for a delegation: solutions, cases and visit sites, each with why it ranks.

An entry is suggested when it shares a theme with the delegation or answers one of its
challenges; it then ranks higher for each shared theme and matched challenge term, for being
readable in the delegation's languages, for serving its country (solutions), for sourced results
(cases) and for tours in its languages that take the whole group (visit sites).
"""

import re
from collections.abc import Iterable

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.delegations import Delegation
from catalogue.folding import fold
from catalogue.localised import LocalisedText, resolve
from catalogue.texts import fields_of
from catalogue.vocabulary import Verification
from i18n import formatting
from i18n.catalogues import translations
from i18n.locales import Locale

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

    def relevance(self, theme_slugs: Iterable[str], fields: dict[str, LocalisedText]) -> tuple[float, list[Reason]]:
        """Score and reasons from shared themes and matched challenge terms; zero means not relevant."""
        _ = self._
        shared = [slug for slug in dict.fromkeys(theme_slugs) if slug in self.delegation.themes]
        reasons = [
            Reason(kind="theme", value=slug, text=_("theme: %(theme)s") % {"theme": self.themes.get(slug, slug)})
            for slug in shared
        ]
        searched = fold(" ".join(value.text for text in fields.values() for value in text.values.values()))
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


async def suggest(session: AsyncSession, delegation: Delegation, locale: Locale, limit: int = 20) -> Suggestions:
    """The best solutions, cases and visit sites for ``delegation``, reasons given in ``locale``."""
    theme_rows = await session.scalars(select(t.Theme).options(selectinload(t.Theme.texts)))
    themes = {theme.slug: resolve(fields_of(theme.texts)["label"], locale).text for theme in theme_rows}
    ranker = _Ranker(delegation, themes, locale)
    _ = ranker._
    solutions = []
    for solution in await session.scalars(
        select(t.Solution)
        .where(t.Solution.is_published)
        .options(selectinload(t.Solution.texts), selectinload(t.Solution.themes))
    ):
        fields = fields_of(solution.texts)
        score, reasons = ranker.relevance((theme.slug for theme in solution.themes), fields)
        if not score:
            continue
        bonus, readable = ranker.languages(fields["title"])
        score, reasons = score + bonus, reasons + readable
        if delegation.country in solution.markets:
            score += MARKET_WEIGHT
            country = formatting.country(delegation.country, locale)
            reasons.append(
                Reason(kind="market", value=delegation.country, text=_("serves %(country)s") % {"country": country})
            )
        solutions.append(ranker.suggestion(solution.slug, fields["title"], score, reasons))
    cases = []
    for case in await session.scalars(
        select(t.CaseResult)
        .where(t.CaseResult.is_published)
        .options(
            selectinload(t.CaseResult.texts),
            selectinload(t.CaseResult.outcomes),
            selectinload(t.CaseResult.solutions).selectinload(t.Solution.themes),
        )
    ):
        fields = fields_of(case.texts)
        case_themes = (theme.slug for solution in case.solutions for theme in solution.themes)
        score, reasons = ranker.relevance(case_themes, fields)
        if not score:
            continue
        bonus, readable = ranker.languages(fields["title"])
        score, reasons = score + bonus, reasons + readable
        sourced = sum(outcome.verification in _SOURCED for outcome in case.outcomes)
        if sourced:
            score += min(sourced, 3) * 0.5
            text = ranker.ngettext("%(num)d sourced result", "%(num)d sourced results", sourced) % {"num": sourced}
            reasons.append(Reason(kind="results", value=str(sourced), text=text))
        cases.append(ranker.suggestion(case.slug, fields["title"], score, reasons))
    sites = []
    for site in await session.scalars(
        select(t.VisitSite).options(
            selectinload(t.VisitSite.texts),
            selectinload(t.VisitSite.cases).selectinload(t.CaseResult.solutions).selectinload(t.Solution.themes),
        )
    ):
        fields = fields_of(site.texts)
        site_themes = (theme.slug for case in site.cases for solution in case.solutions for theme in solution.themes)
        score, reasons = ranker.relevance(site_themes, fields)
        if not score:
            continue
        bonus, readable = ranker.languages(fields["name"])
        score, reasons = score + bonus, reasons + readable
        tours = [code for code in delegation.languages if code in site.tour_languages]
        if tours:
            score += TOUR_WEIGHT
            names = formatting.languages(tours, locale)
            reasons.append(
                Reason(kind="tour", value=",".join(tours), text=_("tour in %(languages)s") % {"languages": names})
            )
        if site.capacity is not None and site.capacity < delegation.group_size:
            score -= THEME_WEIGHT
            reasons.append(Reason(kind="capacity", value=str(site.capacity),
                                  text=_("takes groups of at most %(num)d") % {"num": site.capacity}))  # fmt: skip
        sites.append(ranker.suggestion(site.slug, fields["name"], score, reasons))
    return Suggestions(
        solutions=_ranked(solutions, limit), cases=_ranked(cases, limit), visit_sites=_ranked(sites, limit)
    )
