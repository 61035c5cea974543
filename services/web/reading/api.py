"""The JSON API under ``/api/v1/``."""

from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response, get
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter

from catalogue import views as v
from catalogue.vocabulary import OrganisationKind, VisitSiteKind
from i18n import formatting
from i18n.locales import CONTENT_LOCALES, INTERFACE_LOCALES, display_name
from services.reading import browsing
from services.reading.browsing import MAX_PER_PAGE, Filters
from services.web.answers import kept
from services.web.dependencies import Session
from services.web.editing.administration_api import AdministrationRoutes
from services.web.locale import reader_locale
from services.web.problems import PROBLEM_JSON, ProblemDetails

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
    QueryParameter(
        description="Search every locale's titles, summaries and descriptions.",
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]*$",
    ),
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

T = TypeVar("T")

_ERRORS = {
    304: ResponseSpec(None, description="Not modified: the `If-None-Match` ETag is current."),
    400: ResponseSpec(
        ProblemDetails, description="A query parameter is invalid.", media_type=PROBLEM_JSON, generate_examples=False
    ),
    503: ResponseSpec(
        ProblemDetails, description="The database cannot be reached.", media_type=PROBLEM_JSON, generate_examples=False
    ),
}
_ERRORS_404 = {
    **_ERRORS,
    404: ResponseSpec(
        ProblemDetails,
        description="No published entry has this slug.",
        media_type=PROBLEM_JSON,
        generate_examples=False,
    ),
}


class Reader(msgspec.Struct, frozen=True):
    """The locale a request is answered in, and the one it asked for."""

    locale: str
    requested: str

    def entry(self, data: T) -> Response[v.Entry[T]]:
        """``data`` wrapped with the locales, in a response that says its language."""
        return self.respond(v.Entry(data=data, locale=self.locale, requested_locale=self.requested))

    def respond(self, payload: T) -> Response[T]:
        return Response(payload, headers={"Content-Language": self.locale, "Vary": "Accept-Language"})


async def provide_reader(request: Request[Any, Any, Any], lang: Lang = None) -> Reader:
    locale, requested = reader_locale(lang, request, cookie=False)
    return Reader(locale=locale, requested=requested)


async def provide_filters(
    q: Query = None,
    theme: ThemeSlug = None,
    organisation_kind: OrganisationKindFilter = None,
    country: Country = None,
    available_locale: AvailableLocale = None,
    page: PageNumber = 1,
    per_page: PerPage = 20,
) -> Filters:
    return Filters(
        q=q,
        theme=theme,
        organisation_kind=organisation_kind,
        country=country.upper() if country else None,
        available_locale=available_locale,
        page=page,
        per_page=per_page,
    )


class CatalogueApi(AdministrationRoutes):
    path = "/api/v1"
    tags = ("catalogue",)
    dependencies = {"reader": Provide(provide_reader), "filters": Provide(provide_filters)}  # noqa: RUF012
    #: Readings are the same for everyone: kept whole while the catalogue is unchanged (changes are POSTs).
    middleware = (kept,)
    response_headers = (
        ResponseHeader(
            name="ETag",
            documentation_only=True,
            description="Validator of this answer: send it back in `If-None-Match` to get 304 while it is current.",
        ),
        ResponseHeader(name="Content-Language", documentation_only=True, description="The locale the answer is in."),
    )

    @get("/solutions", responses=_ERRORS)
    async def solutions(
        self,
        db_session: Session,
        reader: NamedDependency[Reader],
        filters: NamedDependency[Filters],
    ) -> Response[v.Page[v.SolutionSummary]]:
        """Published solutions, best search matches first."""
        return reader.respond(await browsing.list_solutions(db_session, filters, reader.locale, reader.requested))

    @get("/solutions/{slug:str}", responses=_ERRORS_404)
    async def solution(
        self, db_session: Session, reader: NamedDependency[Reader], slug: FromPath[str]
    ) -> Response[v.Entry[v.SolutionDetail]]:
        """One published solution, with its case results."""
        return reader.entry(await browsing.get_solution(db_session, slug, reader.locale))

    @get("/cases", responses=_ERRORS)
    async def cases(
        self,
        db_session: Session,
        reader: NamedDependency[Reader],
        filters: NamedDependency[Filters],
    ) -> Response[v.Page[v.CaseSummary]]:
        """Published case results, best search matches first."""
        return reader.respond(await browsing.list_cases(db_session, filters, reader.locale, reader.requested))

    @get("/cases/{slug:str}", responses=_ERRORS_404)
    async def case(
        self, db_session: Session, reader: NamedDependency[Reader], slug: FromPath[str]
    ) -> Response[v.Entry[v.CaseDetail]]:
        """One published case result, with structured outcomes, partners, cost and financing."""
        return reader.entry(await browsing.get_case(db_session, slug, reader.locale))

    @get("/organisations", responses=_ERRORS)
    async def organisations(
        self,
        db_session: Session,
        reader: NamedDependency[Reader],
        filters: NamedDependency[Filters],
        kind: Annotated[
            OrganisationKind | None,
            QueryParameter(description="Same as `organisation_kind`, which wins if both are given."),
        ] = None,
    ) -> Response[v.Page[v.OrganisationSummary]]:
        """Organisations across the triple helix: companies, public bodies, knowledge institutions."""
        filters = msgspec.structs.replace(filters, organisation_kind=filters.organisation_kind or kind)
        return reader.respond(await browsing.list_organisations(db_session, filters, reader.locale, reader.requested))

    @get("/organisations/{slug:str}", responses=_ERRORS_404)
    async def organisation(
        self, db_session: Session, reader: NamedDependency[Reader], slug: FromPath[str]
    ) -> Response[v.Entry[v.OrganisationDetail]]:
        """One organisation, with the solutions it provides and the cases it took part in."""
        return reader.entry(await browsing.get_organisation(db_session, slug, reader.locale))

    @get("/visit-sites", responses=_ERRORS)
    async def visit_sites(
        self,
        db_session: Session,
        reader: NamedDependency[Reader],
        filters: NamedDependency[Filters],
        kind: Annotated[VisitSiteKind | None, QueryParameter(description="Living lab or reference site.")] = None,
    ) -> Response[v.Page[v.VisitSiteView]]:
        """Living labs and reference sites delegations can visit; `organisation_kind` is the host's kind."""
        filters = msgspec.structs.replace(filters, site_kind=kind)
        return reader.respond(await browsing.list_visit_sites(db_session, filters, reader.locale, reader.requested))

    @get("/visit-sites/{slug:str}", responses=_ERRORS_404)
    async def visit_site(
        self, db_session: Session, reader: NamedDependency[Reader], slug: FromPath[str]
    ) -> Response[v.Entry[v.VisitSiteView]]:
        """One visit site."""
        return reader.entry(await browsing.get_visit_site(db_session, slug, reader.locale))

    @get("/themes", responses=_ERRORS)
    async def themes(
        self, db_session: Session, reader: NamedDependency[Reader]
    ) -> Response[v.Entry[list[v.ThemeView]]]:
        """The theme taxonomy, in its managed order."""
        return reader.entry(await browsing.list_themes(db_session, reader.locale))

    @get("/locales", responses=_ERRORS)
    async def locales(self, reader: NamedDependency[Reader]) -> Response[v.Entry[list[v.LocaleView]]]:
        """Every supported content locale, named in itself and in English."""
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
        return reader.entry(data)
