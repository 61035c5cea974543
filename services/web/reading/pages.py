"""Public pages of the catalogue: lists with filters and search, and single entries; usable without JavaScript."""

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from catalogue.vocabulary import OrganisationKind, VisitSiteKind
from i18n.locales import CONTENT_LOCALES, display_name
from services.reading import browsing
from services.reading.browsing import Filters
from services.web.answers import kept
from services.web.dependencies import Session
from services.web.page_rendering import content_locale, last_value, render

#: Entries per page of a public list.
PAGE_SIZE = 12


def _filters(request: Request[Any, Any, Any], **fixed: Any) -> Filters:
    raw_page = last_value(request, "page") or "1"
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and 0 < int(raw_page) <= 10_000 else 1
    country = (last_value(request, "country") or "").upper() or None
    return Filters(
        q=(last_value(request, "q") or "").strip()[:200] or None,
        theme=last_value(request, "theme") or None,
        country=country if country and len(country) == 2 and country.isalpha() else None,
        page=page,
        per_page=PAGE_SIZE,
        **fixed,
    )


def _choice(request: Request[Any, Any, Any], name: str, allowed: type[Any]) -> str | None:
    value = last_value(request, name)
    return value if value in {member.value for member in allowed} else None


@get("/", include_in_schema=False, middleware=[kept])
async def home(request: Request[Any, Any, Any], db_session: Session) -> Response[str]:
    locale = content_locale(request)
    kind = _choice(request, "organisation_kind", OrganisationKind)
    filters = _filters(request, organisation_kind=kind)
    results = await browsing.list_solutions(db_session, filters, locale, locale)
    themes = await browsing.list_themes(db_session, locale)
    return render(request, "home.html", results=results, themes=themes, filters=filters)


@get("/solutions/{slug:str}", include_in_schema=False, middleware=[kept])
async def solution_page(request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str]) -> Response[str]:
    locale = content_locale(request)
    solution = await browsing.get_solution(db_session, slug, locale)
    themes = {theme.slug: theme for theme in await browsing.list_themes(db_session, locale)}
    languages = [(code, display_name(code)) for code in CONTENT_LOCALES]
    return render(request, "solution.html", solution=solution, themes=themes, document_languages=languages)


@get("/cases", include_in_schema=False, middleware=[kept])
async def cases_page(request: Request[Any, Any, Any], db_session: Session) -> Response[str]:
    locale = content_locale(request)
    filters = _filters(request)
    results = await browsing.list_cases(db_session, filters, locale, locale)
    themes = await browsing.list_themes(db_session, locale)
    return render(request, "cases.html", results=results, themes=themes, filters=filters)


@get("/cases/{slug:str}", include_in_schema=False, middleware=[kept])
async def case_page(request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str]) -> Response[str]:
    locale = content_locale(request)
    return render(request, "case.html", case=await browsing.get_case(db_session, slug, locale))


@get("/organisations", include_in_schema=False, middleware=[kept])
async def organisations_page(request: Request[Any, Any, Any], db_session: Session) -> Response[str]:
    locale = content_locale(request)
    filters = _filters(request, organisation_kind=_choice(request, "kind", OrganisationKind))
    results = await browsing.list_organisations(db_session, filters, locale, locale)
    return render(request, "organisations.html", results=results, filters=filters)


@get("/organisations/{slug:str}", include_in_schema=False, middleware=[kept])
async def organisation_page(request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str]) -> Response[str]:
    locale = content_locale(request)
    return render(request, "organisation.html", org=await browsing.get_organisation(db_session, slug, locale))


@get("/visit-sites", include_in_schema=False, middleware=[kept])
async def visit_sites_page(request: Request[Any, Any, Any], db_session: Session) -> Response[str]:
    locale = content_locale(request)
    filters = _filters(request, site_kind=_choice(request, "kind", VisitSiteKind))
    results = await browsing.list_visit_sites(db_session, filters, locale, locale)
    return render(request, "visit_sites.html", results=results, filters=filters)


@get("/visit-sites/{slug:str}", include_in_schema=False, middleware=[kept])
async def visit_site_page(request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str]) -> Response[str]:
    locale = content_locale(request)
    return render(request, "visit_site.html", site=await browsing.get_visit_site(db_session, slug, locale))


PAGE_HANDLERS = [
    home, solution_page, cases_page, case_page,
    organisations_page, organisation_page, visit_sites_page, visit_site_page,
]  # fmt: skip
