"""Reading the public catalogue: lists with filters, search and pages, and single entries."""

import math
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

import msgspec
from sqlalchemy import ColumnElement, Row, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from catalogue import tables as t
from catalogue import views as v
from catalogue.localised import PUBLIC_STATES
from catalogue.records import is_slug
from catalogue.texts import TextColumns, fields_from
from i18n.locales import CONTENT_LOCALES, Locale
from services.errors import InvalidQuery, NotFound
from services.reading import presenting
from services.reading.search import (
    BODY_WEIGHT,
    SUMMARY_WEIGHT,
    TITLE_WEIGHT,
    MatchSource,
    column_source,
    ranked_matches,
    text_source,
)
from services.view_cache import cached_view

#: Largest page a list returns.
MAX_PER_PAGE = 100

EntryT = TypeVar("EntryT", t.Solution, t.CaseResult, t.Organisation, t.VisitSite)
ViewT = TypeVar("ViewT")


class Filters(msgspec.Struct, frozen=True, kw_only=True):
    """What a reader narrowed a list down to; every field is optional."""

    q: str | None = None
    theme: str | None = None
    #: Kind of the organisation involved: the provider, a partner, the host, or the organisation listed.
    organisation_kind: str | None = None
    country: str | None = None
    available_locale: str | None = None
    #: Kind of visit site.
    site_kind: str | None = None
    page: int = 1
    per_page: int = 20


_PUBLIC = [state.value for state in PUBLIC_STATES]
_SOLUTION_SEARCH = [
    text_source(t.SolutionText, {"title": TITLE_WEIGHT, "summary": SUMMARY_WEIGHT, "description": BODY_WEIGHT})
]
_CASE_SEARCH = [
    text_source(
        t.CaseText,
        {"title": TITLE_WEIGHT, "summary": SUMMARY_WEIGHT, "challenge": BODY_WEIGHT, "approach": BODY_WEIGHT},
    )
]
_ORGANISATION_SEARCH = [
    column_source(t.Organisation.id, t.Organisation.name_folded, TITLE_WEIGHT),
    text_source(t.OrganisationText, {"description": BODY_WEIGHT}),
]
_VISIT_SITE_SEARCH = [
    text_source(t.VisitSiteText, {"name": TITLE_WEIGHT, "description": BODY_WEIGHT, "how_to_visit": BODY_WEIGHT})
]


def _has_public_text(table: type[t.TextRow], owner_id: Any, field: str, locale: str) -> ColumnElement[bool]:
    return exists().where(
        table.owner_id == owner_id,  # type: ignore[attr-defined]
        table.field == field,
        table.locale == locale,
        table.state.in_(_PUBLIC),
    )


async def _check_filters(session: AsyncSession, filters: Filters) -> None:
    if filters.available_locale is not None and filters.available_locale not in CONTENT_LOCALES:
        supported = ", ".join(CONTENT_LOCALES)
        raise InvalidQuery("available_locale", f"{filters.available_locale!r} is not one of {supported}")
    if filters.theme is None:
        return
    exists_theme = is_slug(filters.theme) and await session.scalar(
        select(t.Theme.id).where(t.Theme.slug == filters.theme)
    )
    if not exists_theme:
        known = ", ".join(await session.scalars(select(t.Theme.slug).order_by(t.Theme.position)))
        raise InvalidQuery("theme", f"no theme {filters.theme!r}; themes are {known}")


#: Loads the views of the entries with these ids, by id.
Presenter = Callable[[AsyncSession, list[int], Locale], Awaitable[dict[int, ViewT]]]


class Listing(msgspec.Struct, Generic[EntryT, ViewT], frozen=True):
    """How one kind of entry is listed: what narrows it, where search looks, how a page's views are loaded."""

    model: type[EntryT]
    conditions: Callable[[Filters], list[ColumnElement[bool]]]
    search: list[MatchSource]
    present: Presenter[ViewT]


def in_byte_order(column: InstrumentedAttribute[str], dialect: str) -> ColumnElement[str] | InstrumentedAttribute[str]:
    """``column`` ordered by its bytes on every database: both answer in the same order whatever their collation."""
    return column.collate("C") if dialect == "postgresql" else column


async def _texts_of(
    session: AsyncSession, text: type[t.TextRow], ids: list[int], fields: tuple[str, ...]
) -> dict[int, list[TextColumns]]:
    """The texts of ``fields`` of entries ``ids``, as plain columns per entry."""
    texts: dict[int, list[TextColumns]] = defaultdict(list)
    if not ids:
        return texts
    owner_id: InstrumentedAttribute[int] = text.owner_id  # type: ignore[attr-defined]
    for owner, field, text_locale, value, state, is_source, source_print in await session.execute(
        select(owner_id, text.field, text.locale, text.text, text.state, text.is_source, text.source_fingerprint)
        .where(owner_id.in_(ids), text.field.in_(fields))
    ):  # fmt: skip
        texts[owner].append((field, text_locale, value, state, is_source, source_print))
    return texts


class _SolutionColumns(NamedTuple):
    slug: str
    maturity: str
    sdgs: list[int]
    markets: list[str]
    is_demo: bool


async def _solution_summaries(session: AsyncSession, ids: list[int], locale: Locale) -> dict[int, v.SolutionSummary]:
    """Solution summaries from plain rows: a list is rebuilt after every change, so it skips the ORM.

    Rows are unpacked as tuples: reading a result row's columns by name costs more than the rest of the work.
    """
    solution, provider = t.Solution, t.Organisation
    rows = await session.execute(
        select(solution.id, solution.slug, solution.maturity, solution.sdgs, solution.markets, solution.is_demo,
               provider.slug, provider.name, provider.kind)
        .join(provider, provider.id == solution.provider_id)
        .where(solution.id.in_(ids))
    )  # fmt: skip
    texts = await _texts_of(session, t.SolutionText, ids, ("title", "summary"))
    themes: dict[int, list[str]] = defaultdict(list)
    for owner, slug in await session.execute(
        select(t.solution_theme.c.solution_id, t.Theme.slug)
        .join(t.Theme, t.Theme.id == t.solution_theme.c.theme_id)
        .where(t.solution_theme.c.solution_id.in_(ids))
        .order_by(t.Theme.position, t.Theme.id)
    ):
        themes[owner].append(slug)
    return {
        entry_id: presenting.summary_of_solution(
            _SolutionColumns(slug, maturity, sdgs, markets, is_demo),
            v.OrganisationRef(slug=provider_slug, name=provider_name, kind=provider_kind),
            themes[entry_id],
            fields_from(texts[entry_id]),
            locale,
        )
        for entry_id, slug, maturity, sdgs, markets, is_demo, provider_slug, provider_name, provider_kind in rows
    }


class _CaseColumns(NamedTuple):
    slug: str
    city: str
    country: str
    from_year: int
    to_year: int | None
    is_demo: bool


async def _case_summaries(session: AsyncSession, ids: list[int], locale: Locale) -> dict[int, v.CaseSummary]:
    """Case summaries from plain rows, as :func:`_solution_summaries` builds solutions'."""
    case = t.CaseResult
    rows = await session.execute(
        select(case.id, case.slug, case.city, case.country, case.from_year, case.to_year, case.is_demo)
        .where(case.id.in_(ids))
    )  # fmt: skip
    texts = await _texts_of(session, t.CaseText, ids, ("title", "summary", "site"))
    # The themes of each case's published solutions, each once, in the themes' order.
    themes: dict[int, list[str]] = defaultdict(list)
    for owner, slug in await session.execute(
        select(t.case_solution.c.case_id, t.Theme.slug)
        .join(t.Solution, t.Solution.id == t.case_solution.c.solution_id)
        .join(t.solution_theme, t.solution_theme.c.solution_id == t.Solution.id)
        .join(t.Theme, t.Theme.id == t.solution_theme.c.theme_id)
        .where(t.case_solution.c.case_id.in_(ids), t.Solution.is_published.is_(True))
        .group_by(t.case_solution.c.case_id, t.Theme.slug, t.Theme.position)
        .order_by(t.Theme.position, in_byte_order(t.Theme.slug, session.get_bind().dialect.name))
    ):
        themes[owner].append(slug)
    return {
        entry_id: presenting.summary_of_case(
            _CaseColumns(slug, city, country, from_year, to_year, is_demo),
            themes[entry_id],
            fields_from(texts[entry_id]),
            locale,
        )
        for entry_id, slug, city, country, from_year, to_year, is_demo in rows
    }


class _OrganisationColumns(NamedTuple):
    slug: str
    name: str
    kind: str
    helix_role: str
    city: str
    country: str
    is_demo: bool


async def _organisation_summaries(
    session: AsyncSession, ids: list[int], locale: Locale
) -> dict[int, v.OrganisationSummary]:
    """Organisation summaries from plain rows, as :func:`_solution_summaries` builds solutions'."""
    org = t.Organisation
    rows = await session.execute(
        select(org.id, org.slug, org.name, org.kind, org.helix_role, org.city, org.country, org.is_demo)
        .where(org.id.in_(ids))
    )  # fmt: skip
    texts = await _texts_of(session, t.OrganisationText, ids, ("description",))
    return {
        entry_id: presenting.summary_of_organisation(
            _OrganisationColumns(*columns), fields_from(texts[entry_id]), locale
        )
        for entry_id, *columns in rows
    }


class _VisitSiteColumns(NamedTuple):
    slug: str
    kind: str
    address: str
    postcode: str | None
    city: str
    country: str
    latitude: float
    longitude: float
    tour_languages: list[str]
    capacity: int | None
    sources: list[str]
    is_demo: bool


async def _visit_site_views(session: AsyncSession, ids: list[int], locale: Locale) -> dict[int, v.VisitSiteView]:
    """Visit site views from plain rows, as :func:`_solution_summaries` builds solution summaries."""
    site, host = t.VisitSite, t.Organisation
    rows = await session.execute(
        select(site.id, host.slug, host.name, host.kind, site.slug, site.kind, site.address, site.postcode, site.city,
               site.country, site.latitude, site.longitude, site.tour_languages, site.capacity, site.sources,
               site.is_demo)
        .join(host, host.id == site.host_id)
        .where(site.id.in_(ids))
    )  # fmt: skip
    texts = await _texts_of(session, t.VisitSiteText, ids, ("name", "description", "how_to_visit"))
    # Each site's published cases, in the order they were added, with their titles.
    case = t.CaseResult
    linked = (
        await session.execute(
            select(t.visit_site_case.c.visit_site_id, case.id, case.slug, case.city, case.country)
            .join(case, case.id == t.visit_site_case.c.case_id)
            .where(t.visit_site_case.c.visit_site_id.in_(ids), case.is_published.is_(True))
            .order_by(case.id)
        )
    ).all()
    cases: dict[int, list[v.CaseRef]] = defaultdict(list)
    for (site_id, *_), ref in zip(linked, await _case_refs(session, [row[1:] for row in linked], locale), strict=True):
        cases[site_id].append(ref)
    return {
        entry_id: presenting.view_of_visit_site(
            _VisitSiteColumns(*columns),
            v.OrganisationRef(slug=host_slug, name=host_name, kind=host_kind),
            cases[entry_id],
            fields_from(texts[entry_id]),
            locale,
        )
        for entry_id, host_slug, host_name, host_kind, *columns in rows
    }


async def _page(
    session: AsyncSession, listing: Listing[EntryT, ViewT], filters: Filters, locale: Locale, requested: str
) -> v.Page[ViewT]:
    """One page of entries meeting ``filters``, best search matches first."""
    await _check_filters(session, filters)
    model = listing.model
    ids = select(model.id).where(*listing.conditions(filters))
    order: list[Any] = []
    dialect = session.get_bind().dialect.name
    matches = ranked_matches(filters.q or "", listing.search, dialect)
    if matches is not None:
        ids = ids.join(matches, matches.c.owner_id == model.id)
        order.append(matches.c.score.desc())
    order.append(in_byte_order(model.slug, dialect))
    # The page and the number of all entries meeting the filters, in one pass over the matches.
    counted = ids.add_columns(func.count().over().label("total"))
    rows = (
        await session.execute(
            counted.order_by(*order).limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
        )
    ).all()
    page_ids = [row[0] for row in rows]
    # A page past the last has no rows to carry the number: it is counted on its own.
    total = rows[0].total if rows else await session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    views = await listing.present(session, page_ids, locale)
    return v.Page(
        items=[views[entry_id] for entry_id in page_ids],
        total=total,
        page=filters.page,
        per_page=filters.per_page,
        pages=math.ceil(total / filters.per_page),
        locale=locale,
        requested_locale=requested,
    )


def _solution_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [t.Solution.is_published.is_(True)]
    if filters.theme:
        conditions.append(t.Solution.themes.any(t.Theme.slug == filters.theme))
    if filters.organisation_kind:
        conditions.append(t.Solution.provider.has(t.Organisation.kind == filters.organisation_kind))
    if filters.country:
        in_country = and_(t.CaseResult.country == filters.country, t.CaseResult.is_published)
        conditions.append(exists().where(
            t.case_solution.c.solution_id == t.Solution.id,
            t.case_solution.c.case_id == t.CaseResult.id,
            in_country,
        ))  # fmt: skip
    if filters.available_locale:
        conditions.append(_has_public_text(t.SolutionText, t.Solution.id, "title", filters.available_locale))
    return conditions


def _case_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [t.CaseResult.is_published.is_(True)]
    if filters.theme:
        themed = and_(t.Solution.is_published.is_(True), t.Solution.themes.any(t.Theme.slug == filters.theme))
        conditions.append(t.CaseResult.solutions.any(themed))
    if filters.organisation_kind:
        partner_kind = t.CasePartner.organisation.has(t.Organisation.kind == filters.organisation_kind)
        conditions.append(t.CaseResult.partners.any(partner_kind))
    if filters.country:
        conditions.append(t.CaseResult.country == filters.country)
    if filters.available_locale:
        conditions.append(_has_public_text(t.CaseText, t.CaseResult.id, "title", filters.available_locale))
    return conditions


def _organisation_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.organisation_kind:
        conditions.append(t.Organisation.kind == filters.organisation_kind)
    if filters.country:
        conditions.append(t.Organisation.country == filters.country)
    if filters.theme:
        provides = select(t.Solution.id).where(
            t.Solution.provider_id == t.Organisation.id,
            t.Solution.is_published,
            t.Solution.themes.any(t.Theme.slug == filters.theme),
        )
        conditions.append(provides.exists())
    if filters.available_locale:
        conditions.append(
            _has_public_text(t.OrganisationText, t.Organisation.id, "description", filters.available_locale)
        )
    return conditions


def _visit_site_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.site_kind:
        conditions.append(t.VisitSite.kind == filters.site_kind)
    if filters.country:
        conditions.append(t.VisitSite.country == filters.country)
    if filters.organisation_kind:
        conditions.append(t.VisitSite.host.has(t.Organisation.kind == filters.organisation_kind))
    if filters.theme:
        themed_solution = and_(t.Solution.is_published.is_(True), t.Solution.themes.any(t.Theme.slug == filters.theme))
        themed = and_(t.CaseResult.is_published.is_(True), t.CaseResult.solutions.any(themed_solution))
        conditions.append(t.VisitSite.cases.any(themed))
    if filters.available_locale:
        conditions.append(_has_public_text(t.VisitSiteText, t.VisitSite.id, "name", filters.available_locale))
    return conditions


SOLUTIONS = Listing(t.Solution, _solution_conditions, _SOLUTION_SEARCH, _solution_summaries)
CASES = Listing(
    t.CaseResult,
    _case_conditions,
    _CASE_SEARCH,
    _case_summaries,
)
ORGANISATIONS = Listing(
    t.Organisation,
    _organisation_conditions,
    _ORGANISATION_SEARCH,
    _organisation_summaries,
)
VISIT_SITES = Listing(
    t.VisitSite,
    _visit_site_conditions,
    _VISIT_SITE_SEARCH,
    _visit_site_views,
)


@cached_view
async def list_solutions(
    session: AsyncSession, filters: Filters, locale: Locale, requested: str
) -> v.Page[v.SolutionSummary]:
    """Published solutions meeting ``filters``, resolved for ``locale``."""
    return await _page(session, SOLUTIONS, filters, locale, requested)


@cached_view
async def list_cases(session: AsyncSession, filters: Filters, locale: Locale, requested: str) -> v.Page[v.CaseSummary]:
    """Published case results meeting ``filters``, resolved for ``locale``."""
    return await _page(session, CASES, filters, locale, requested)


@cached_view
async def list_organisations(
    session: AsyncSession, filters: Filters, locale: Locale, requested: str
) -> v.Page[v.OrganisationSummary]:
    """Organisations meeting ``filters``, resolved for ``locale``."""
    return await _page(session, ORGANISATIONS, filters, locale, requested)


@cached_view
async def list_visit_sites(
    session: AsyncSession, filters: Filters, locale: Locale, requested: str
) -> v.Page[v.VisitSiteView]:
    """Visit sites meeting ``filters``, resolved for ``locale``."""
    return await _page(session, VISIT_SITES, filters, locale, requested)


@cached_view
async def list_exchange_rates(session: AsyncSession) -> list[v.ExchangeRateView]:
    """Every stored exchange rate, newest first."""
    rates = await session.scalars(select(t.ExchangeRate).order_by(t.ExchangeRate.as_of.desc(), t.ExchangeRate.id))
    return [v.ExchangeRateView(base=r.base, quote=r.quote, rate=r.rate, as_of=r.as_of, source=r.source) for r in rates]


@cached_view
async def list_themes(session: AsyncSession, locale: Locale) -> list[v.ThemeView]:
    """Every theme of the taxonomy, in its managed order."""
    texts = selectinload(t.Theme.texts).defer(t.ThemeText.folded)  # the folded copy is for search only
    themes = await session.scalars(select(t.Theme).order_by(t.Theme.position, t.Theme.slug).options(texts))
    return [presenting.theme_view(theme, locale) for theme in themes]


async def _entry_of(
    session: AsyncSession, model: Any, kind: str, slug: str, columns: Sequence[Any], *conditions: Any
) -> Row[Any]:
    """``(id, *columns)`` of the entry of ``model`` called ``slug`` meeting ``conditions``; :class:`NotFound` otherwise.

    The slug is checked before any statement runs.
    """
    if not is_slug(slug):
        raise NotFound(kind, slug)
    found = (await session.execute(select(model.id, *columns).where(model.slug == slug, *conditions))).first()
    if found is None:
        raise NotFound(kind, slug)
    return found


@cached_view
async def get_solution(session: AsyncSession, slug: str, locale: Locale) -> v.SolutionDetail:
    """One published solution with its published case results, by slug; :class:`NotFound` otherwise."""
    published = t.Solution.is_published.is_(True)
    solution_id, stored_images = await _entry_of(session, t.Solution, "solution", slug, [t.Solution.images], published)
    summary = (await _solution_summaries(session, [solution_id], locale))[solution_id]
    texts = await _texts_of(session, t.SolutionText, [solution_id], ("description", "benefits"))
    case = t.CaseResult
    case_ids = list(
        await session.scalars(
            select(case.id)
            .join(t.case_solution, t.case_solution.c.case_id == case.id)
            .where(t.case_solution.c.solution_id == solution_id, case.is_published.is_(True))
            .order_by(in_byte_order(case.slug, session.get_bind().dialect.name))
        )
    )
    cases = await _case_summaries(session, case_ids, locale)
    fields = fields_from(texts[solution_id])
    return presenting.detail_of_solution(summary, fields, [cases[i] for i in case_ids], stored_images, locale)


@cached_view
async def get_case(session: AsyncSession, slug: str, locale: Locale) -> v.CaseDetail:
    """One published case result with outcomes, partners and cost, by slug; :class:`NotFound` otherwise."""
    case = t.CaseResult
    cost_columns = [getattr(case, name) for name in presenting.CostColumns._fields]
    columns = [case.sources, case.images, *cost_columns]
    case_id, sources, stored_images, *cost = await _entry_of(
        session, case, "case", slug, columns, case.is_published.is_(True)
    )
    summary = (await _case_summaries(session, [case_id], locale))[case_id]
    texts = await _texts_of(session, t.CaseText, [case_id], ("challenge", "approach"))
    links = presenting.CaseLinks(
        partners=await _partners(session, case_id),
        outcomes=await _outcomes(session, case_id, locale),
        # The case's published solutions, in the order they were added.
        solutions=await _solution_refs(
            session,
            select(t.Solution.id, t.Solution.slug)
            .join(t.case_solution, t.case_solution.c.solution_id == t.Solution.id)
            .where(t.case_solution.c.case_id == case_id, t.Solution.is_published.is_(True))
            .order_by(t.Solution.id),
            locale,
        ),
        visit_sites=await _site_refs(session, case_id, locale),
    )
    fields = fields_from(texts[case_id])
    return presenting.detail_of_case(
        summary, fields, links, presenting.cost_of(presenting.CostColumns(*cost)), sources, stored_images, locale
    )


async def _partners(session: AsyncSession, case_id: int) -> list[v.PartnerView]:
    org, partner = t.Organisation, t.CasePartner
    rows = await session.execute(
        select(org.slug, org.name, org.kind, partner.role)
        .join(partner, partner.organisation_id == org.id)
        .where(partner.case_id == case_id)
        .order_by(partner.position)
    )
    return [
        v.PartnerView(organisation=v.OrganisationRef(slug=slug, name=name, kind=kind), role=role)
        for slug, name, kind, role in rows
    ]


async def _outcomes(session: AsyncSession, case_id: int, locale: Locale) -> list[v.OutcomeView]:
    outcome = t.Outcome
    rows = (
        await session.execute(
            select(outcome.id, *(getattr(outcome, name) for name in presenting.OutcomeColumns._fields))
            .where(outcome.case_id == case_id)
            .order_by(outcome.position)
        )
    ).all()
    texts = await _texts_of(session, t.OutcomeText, [row[0] for row in rows], ("label", "note"))
    return [
        presenting.outcome_of(presenting.OutcomeColumns(*columns), fields_from(texts[outcome_id]), locale)
        for outcome_id, *columns in rows
    ]


async def _solution_refs(
    session: AsyncSession, solutions: Select[tuple[int, str]], locale: Locale
) -> list[v.SolutionRef]:
    """References to the solutions ``(id, slug)`` that ``solutions`` selects, in its order, with their titles."""
    rows = (await session.execute(solutions)).all()
    titles = await _texts_of(session, t.SolutionText, [row[0] for row in rows], ("title",))
    return [
        v.SolutionRef(slug=slug, title=presenting.text_of(fields_from(titles[solution_id]), "title", locale))
        for solution_id, slug in rows
    ]


async def _case_refs(session: AsyncSession, rows: Sequence[Sequence[Any]], locale: Locale) -> list[v.CaseRef]:
    """References to the cases of ``(id, slug, city, country)`` rows, in their order, with their titles."""
    titles = await _texts_of(session, t.CaseText, list({row[0] for row in rows}), ("title",))
    return [
        v.CaseRef(slug=slug, title=presenting.text_of(fields_from(titles[case_id]), "title", locale), city=city,
                  country=country)
        for case_id, slug, city, country in rows
    ]  # fmt: skip


async def _site_refs(session: AsyncSession, case_id: int, locale: Locale) -> list[v.VisitSiteRef]:
    """The sites where the case can be visited, by slug."""
    site = t.VisitSite
    rows = (
        await session.execute(
            select(site.id, site.slug, site.city)
            .join(t.visit_site_case, t.visit_site_case.c.visit_site_id == site.id)
            .where(t.visit_site_case.c.case_id == case_id)
            .order_by(in_byte_order(site.slug, session.get_bind().dialect.name))
        )
    ).all()
    names = await _texts_of(session, t.VisitSiteText, [row[0] for row in rows], ("name",))
    return [
        v.VisitSiteRef(slug=slug, name=presenting.text_of(fields_from(names[site_id]), "name", locale), city=city)
        for site_id, slug, city in rows
    ]


@cached_view
async def get_organisation(session: AsyncSession, slug: str, locale: Locale) -> v.OrganisationDetail:
    """One organisation with the published solutions it provides and the published cases it took part in, by
    slug; :class:`NotFound` otherwise."""
    org, case = t.Organisation, t.CaseResult
    columns = [getattr(org, name) for name in presenting.OrganisationDetails._fields]
    org_id, *details = await _entry_of(session, org, "organisation", slug, columns)
    summary = (await _organisation_summaries(session, [org_id], locale))[org_id]
    solutions = await _solution_refs(
        session,
        select(t.Solution.id, t.Solution.slug)
        .where(t.Solution.provider_id == org_id, t.Solution.is_published.is_(True))
        .order_by(in_byte_order(t.Solution.slug, session.get_bind().dialect.name)),
        locale,
    )
    rows = (
        await session.execute(
            select(case.id, case.slug, case.city, case.country)
            .where(case.partners.any(t.CasePartner.organisation_id == org_id), case.is_published.is_(True))
            .order_by(in_byte_order(case.slug, session.get_bind().dialect.name))
        )
    ).all()
    cases = await _case_refs(session, rows, locale)
    return presenting.detail_of_organisation(summary, presenting.OrganisationDetails(*details), solutions, cases)


@cached_view
async def get_visit_site(session: AsyncSession, slug: str, locale: Locale) -> v.VisitSiteView:
    """One visit site, by slug; :class:`NotFound` otherwise."""
    (site_id,) = await _entry_of(session, t.VisitSite, "visit site", slug, [])
    return (await _visit_site_views(session, [site_id], locale))[site_id]
