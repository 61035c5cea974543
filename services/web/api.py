"""The JSON API under ``/api/v1/``."""

from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter

from catalogue import views as v
from catalogue.vocabulary import OrganisationKind, VisitSiteKind
from i18n import formatting
from i18n.locales import CONTENT_LOCALES, INTERFACE_LOCALES, display_name
from services import browsing
from services.browsing import MAX_PER_PAGE, Filters
from services.web.dependencies import Session
from services.web.locale import choose_locale
from services.web.problems import PROBLEM_JSON

Lang = Annotated[
    str | None,
    QueryParameter(
        description=(
            "Locale to resolve texts in (BCP 47, such as `de` or `pt-BR`). Texts missing in it fall back "
            "to English, then to their source locale; each text says which locale it came from. An "
            "unsupported locale is answered in the closest supported one, named in `locale`."
        ),
        max_length=35,
    ),
]
Query = Annotated[
    str | None,
    QueryParameter(description="Search every locale's titles, summaries and descriptions.", max_length=200),
]
PageNumber = Annotated[int, QueryParameter(description="Page to return, from 1.", ge=1, le=10_000)]
PerPage = Annotated[int, QueryParameter(description=f"Entries per page, 1 to {MAX_PER_PAGE}.", ge=1, le=MAX_PER_PAGE)]
ThemeSlug = Annotated[str | None, QueryParameter(description="Slug of a theme (see `/api/v1/themes`).", max_length=80)]
OrganisationKindFilter = Annotated[
    OrganisationKind | None, QueryParameter(description="Kind of organisation involved.")
]
Country = Annotated[
    str | None,
    QueryParameter(description="ISO 3166-1 alpha-2 country of a case, such as `DK`.", pattern=r"^[A-Za-z]{2}$"),
]
AvailableLocale = Annotated[
    str | None, QueryParameter(description="Only entries whose title is available in this locale.", max_length=8)
]

_ERRORS = {
    304: ResponseSpec(None, description="Not modified: the `If-None-Match` ETag is current."),
    400: ResponseSpec(dict[str, Any], description="Invalid query parameter.", media_type=PROBLEM_JSON),
}
_ERRORS_404 = {
    **_ERRORS,
    404: ResponseSpec(dict[str, Any], description="No such entry.", media_type=PROBLEM_JSON),
}


def _locale(request: Request[Any, Any, Any], lang: str | None) -> tuple[str, str]:
    return choose_locale(lang, None, request.headers.get("accept-language"), CONTENT_LOCALES)


def _filters(country: str | None, **values: Any) -> Filters:
    return Filters(country=country.upper() if country else None, **values)


T = TypeVar("T")


def _content_language(payload: T, locale: str) -> Response[T]:
    return Response(payload, headers={"Content-Language": locale, "Vary": "Accept-Language"})


class CatalogueApi(Controller):
    path = "/api/v1"
    tags = ("catalogue",)

    @get("/solutions", responses=_ERRORS)
    async def solutions(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        lang: Lang = None,
        q: Query = None,
        theme: ThemeSlug = None,
        organisation_kind: OrganisationKindFilter = None,
        country: Country = None,
        available_locale: AvailableLocale = None,
        page: PageNumber = 1,
        per_page: PerPage = 20,
    ) -> Response[v.Page[v.SolutionSummary]]:
        """Published solutions, best search matches first."""
        locale, requested = _locale(request, lang)
        filters = _filters(
            country, q=q, theme=theme, organisation_kind=organisation_kind, available_locale=available_locale,
            page=page, per_page=per_page,
        )  # fmt: skip
        return _content_language(await browsing.list_solutions(db_session, filters, locale, requested), locale)

    @get("/solutions/{slug:str}", responses=_ERRORS_404)
    async def solution(
        self, request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str], lang: Lang = None
    ) -> Response[v.Entry[v.SolutionDetail]]:
        """One published solution, with its case results."""
        locale, requested = _locale(request, lang)
        data = await browsing.get_solution(db_session, slug, locale)
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)

    @get("/cases", responses=_ERRORS)
    async def cases(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        lang: Lang = None,
        q: Query = None,
        theme: ThemeSlug = None,
        organisation_kind: OrganisationKindFilter = None,
        country: Country = None,
        available_locale: AvailableLocale = None,
        page: PageNumber = 1,
        per_page: PerPage = 20,
    ) -> Response[v.Page[v.CaseSummary]]:
        """Published case results, best search matches first."""
        locale, requested = _locale(request, lang)
        filters = _filters(
            country, q=q, theme=theme, organisation_kind=organisation_kind, available_locale=available_locale,
            page=page, per_page=per_page,
        )  # fmt: skip
        return _content_language(await browsing.list_cases(db_session, filters, locale, requested), locale)

    @get("/cases/{slug:str}", responses=_ERRORS_404)
    async def case(
        self, request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str], lang: Lang = None
    ) -> Response[v.Entry[v.CaseDetail]]:
        """One published case result, with structured outcomes, partners, cost and financing."""
        locale, requested = _locale(request, lang)
        data = await browsing.get_case(db_session, slug, locale)
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)

    @get("/organisations", responses=_ERRORS)
    async def organisations(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        lang: Lang = None,
        q: Query = None,
        kind: OrganisationKindFilter = None,
        theme: ThemeSlug = None,
        country: Country = None,
        available_locale: AvailableLocale = None,
        page: PageNumber = 1,
        per_page: PerPage = 20,
    ) -> Response[v.Page[v.OrganisationSummary]]:
        """Organisations across the triple helix: companies, public bodies, knowledge institutions."""
        locale, requested = _locale(request, lang)
        filters = _filters(
            country, q=q, kind=kind, theme=theme, available_locale=available_locale, page=page, per_page=per_page
        )
        return _content_language(await browsing.list_organisations(db_session, filters, locale, requested), locale)

    @get("/organisations/{slug:str}", responses=_ERRORS_404)
    async def organisation(
        self, request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str], lang: Lang = None
    ) -> Response[v.Entry[v.OrganisationDetail]]:
        """One organisation, with the solutions it provides and the cases it took part in."""
        locale, requested = _locale(request, lang)
        data = await browsing.get_organisation(db_session, slug, locale)
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)

    @get("/visit-sites", responses=_ERRORS)
    async def visit_sites(
        self,
        request: Request[Any, Any, Any],
        db_session: Session,
        lang: Lang = None,
        q: Query = None,
        kind: Annotated[VisitSiteKind | None, QueryParameter(description="Living lab or reference site.")] = None,
        theme: ThemeSlug = None,
        organisation_kind: OrganisationKindFilter = None,
        country: Country = None,
        available_locale: AvailableLocale = None,
        page: PageNumber = 1,
        per_page: PerPage = 20,
    ) -> Response[v.Page[v.VisitSiteView]]:
        """Living labs and reference sites delegations can visit."""
        locale, requested = _locale(request, lang)
        filters = _filters(
            country, q=q, kind=kind, theme=theme, organisation_kind=organisation_kind,
            available_locale=available_locale, page=page, per_page=per_page,
        )  # fmt: skip
        return _content_language(await browsing.list_visit_sites(db_session, filters, locale, requested), locale)

    @get("/visit-sites/{slug:str}", responses=_ERRORS_404)
    async def visit_site(
        self, request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str], lang: Lang = None
    ) -> Response[v.Entry[v.VisitSiteView]]:
        """One visit site."""
        locale, requested = _locale(request, lang)
        data = await browsing.get_visit_site(db_session, slug, locale)
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)

    @get("/themes", responses=_ERRORS)
    async def themes(
        self, request: Request[Any, Any, Any], db_session: Session, lang: Lang = None
    ) -> Response[v.Entry[list[v.ThemeView]]]:
        """The theme taxonomy, in its managed order."""
        locale, requested = _locale(request, lang)
        data = await browsing.list_themes(db_session, locale)
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)

    @get("/locales", responses=_ERRORS)
    async def locales(
        self, request: Request[Any, Any, Any], lang: Lang = None
    ) -> Response[v.Entry[list[v.LocaleView]]]:
        """Every supported content locale, named in itself and in English."""
        locale, requested = _locale(request, lang)
        data = [
            v.LocaleView(
                code=code,
                name=display_name(code),
                english_name=display_name(code, "en"),
                direction=formatting.direction(code),
                interface=code in INTERFACE_LOCALES,
            )
            for code in CONTENT_LOCALES
        ]
        return _content_language(v.Entry(data=data, locale=locale, requested_locale=requested), locale)
