"""Pure builders of views resolved for one reader's locale, from plain columns and localised fields.

A detail view extends its summary: it is built from the summary's fields plus its own.
"""

import datetime as dt
from typing import Any, NamedTuple, Protocol

import msgspec

from catalogue import tables as t
from catalogue import views as v
from catalogue.localised import LocalisedText, resolve
from catalogue.texts import fields_of
from i18n.locales import Locale


def text_of(fields: dict[str, LocalisedText], field: str, locale: Locale) -> v.Text:
    """Field ``field`` of ``fields`` as the reader of ``locale`` sees it."""
    resolved = resolve(fields[field], locale)
    return v.Text(
        text=resolved.text,
        locale=resolved.locale,
        fallback=resolved.is_fallback,
        outdated=resolved.outdated,
        source=fields[field].source_locale,
    )


def _locales(fields: dict[str, LocalisedText], field: str = "title") -> list[str]:
    return fields[field].public_locales() if field in fields else []


def _fields(summary: msgspec.Struct) -> dict[str, Any]:
    return msgspec.structs.asdict(summary)


def theme_view(theme: t.Theme, locale: Locale) -> v.ThemeView:
    fields = fields_of(theme.texts)
    return v.ThemeView(
        slug=theme.slug, label=text_of(fields, "label", locale), description=text_of(fields, "description", locale)
    )


class OrganisationFacts(Protocol):
    """The columns of an organisation its summary shows: a stored organisation, or a row loaded with these."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def helix_role(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def is_demo(self) -> bool: ...


def summary_of_organisation(
    org: OrganisationFacts, fields: dict[str, LocalisedText], locale: Locale
) -> v.OrganisationSummary:
    """An organisation's summary from its columns and its localised fields."""
    return v.OrganisationSummary(
        slug=org.slug,
        name=org.name,
        kind=org.kind,
        helix_role=org.helix_role,
        city=org.city,
        country=org.country,
        demo=org.is_demo,
        description=text_of(fields, "description", locale),
        locales=_locales(fields, "description"),
    )


class OrganisationDetails(NamedTuple):
    """The columns of an organisation its detail adds to its summary."""

    cvr: str | None
    address: str | None
    postcode: str | None
    website: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    sources: list[str]


def detail_of_organisation(
    summary: v.OrganisationSummary,
    details: OrganisationDetails,
    solutions: list[v.SolutionRef],
    cases: list[v.CaseRef],
) -> v.OrganisationDetail:
    """An organisation's detail from its summary, its further columns, its solutions and its cases."""
    contact = None
    if details.contact_name or details.contact_email or details.contact_phone:
        contact = v.Contact(name=details.contact_name, email=details.contact_email, phone=details.contact_phone)
    return v.OrganisationDetail(
        **_fields(summary),
        cvr=details.cvr,
        address=details.address,
        postcode=details.postcode,
        website=details.website,
        contact=contact,
        sources=list(details.sources),
        solutions=solutions,
        cases=cases,
    )


class SolutionFacts(Protocol):
    """The columns of a solution a summary shows: a stored solution, or a row loaded with exactly these."""

    @property
    def slug(self) -> str: ...
    @property
    def maturity(self) -> str: ...
    @property
    def sdgs(self) -> list[int]: ...
    @property
    def markets(self) -> list[str]: ...
    @property
    def is_demo(self) -> bool: ...


def summary_of_solution(
    solution: SolutionFacts,
    provider: v.OrganisationRef,
    themes: list[str],
    fields: dict[str, LocalisedText],
    locale: Locale,
) -> v.SolutionSummary:
    """A solution's summary from its columns, its provider, its themes' slugs and its localised fields."""
    return v.SolutionSummary(
        slug=solution.slug,
        title=text_of(fields, "title", locale),
        summary=text_of(fields, "summary", locale),
        provider=provider,
        themes=themes,
        maturity=solution.maturity,
        sdgs=list(solution.sdgs),
        markets=list(solution.markets),
        demo=solution.is_demo,
        locales=_locales(fields),
    )


#: Where uploaded images are served.
IMAGE_PATH = "/images/"


def images(stored: list[dict[str, Any]], source_locale: str, locale: Locale) -> list[v.ImageView]:
    """The entry's images, each with its alternative text resolved for ``locale``."""
    shown = []
    for item in stored:
        alt: dict[str, str] = item["alt"]
        source = source_locale if source_locale in alt else next(iter(alt))
        text = text_of({"alt": LocalisedText.from_source(source, alt)}, "alt", locale)
        shown.append(v.ImageView(url=IMAGE_PATH + item["image"], alt=text))
    return shown


def detail_of_solution(
    summary: v.SolutionSummary,
    fields: dict[str, LocalisedText],
    cases: list[v.CaseSummary],
    stored_images: list[dict[str, Any]],
    locale: Locale,
) -> v.SolutionDetail:
    """A solution's detail from its summary, its description and benefits, its published cases and its images."""
    benefits = text_of(fields, "benefits", locale)
    return v.SolutionDetail(
        **_fields(summary),
        description=text_of(fields, "description", locale),
        benefits=v.Lines(
            items=[line.strip() for line in benefits.text.splitlines() if line.strip()],
            locale=benefits.locale,
            fallback=benefits.fallback,
        ),
        cases=cases,
        images=images(stored_images, summary.title.source, locale),
    )


class CaseFacts(Protocol):
    """The columns of a case a summary shows: a stored case, or a row loaded with exactly these."""

    @property
    def slug(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def from_year(self) -> int: ...
    @property
    def to_year(self) -> int | None: ...
    @property
    def is_demo(self) -> bool: ...


def summary_of_case(
    case: CaseFacts, themes: list[str], fields: dict[str, LocalisedText], locale: Locale
) -> v.CaseSummary:
    """A case's summary from its columns, the themes of its published solutions (in order) and its localised fields."""
    return v.CaseSummary(
        slug=case.slug,
        title=text_of(fields, "title", locale),
        summary=text_of(fields, "summary", locale),
        site=text_of(fields, "site", locale),
        city=case.city,
        country=case.country,
        from_year=case.from_year,
        to_year=case.to_year,
        themes=themes,
        demo=case.is_demo,
        locales=_locales(fields),
    )


class OutcomeColumns(NamedTuple):
    """The columns of an outcome its view shows, named as in its table."""

    metric: str
    unit: str
    baseline: float | None
    result: float
    result_max: float | None
    annual: bool
    from_year: int | None
    to_year: int | None
    method: str
    verification: str
    source: str
    source_url: str | None
    as_of: dt.date


def outcome_of(outcome: OutcomeColumns, fields: dict[str, LocalisedText], locale: Locale) -> v.OutcomeView:
    """An outcome's view from its columns and its localised label and note."""
    return v.OutcomeView(
        **outcome._asdict(),
        label=text_of(fields, "label", locale),
        note=text_of(fields, "note", locale) if "note" in fields else None,
    )


class CostColumns(NamedTuple):
    """A case's cost columns, named as in its table."""

    investment_amount: float | None
    investment_currency: str | None
    funding_model: str | None
    payback_years: float | None
    cost_source: str | None
    cost_as_of: dt.date | None


def cost_of(cost: CostColumns) -> v.CostView | None:
    """A case's cost, shown only with its source and date."""
    if cost.cost_source is None or cost.cost_as_of is None:
        return None
    investment = None
    if cost.investment_amount is not None and cost.investment_currency:
        investment = v.Money(amount=cost.investment_amount, currency=cost.investment_currency)
    return v.CostView(
        investment=investment,
        funding_model=cost.funding_model,
        payback_years=cost.payback_years,
        source=cost.cost_source,
        as_of=cost.cost_as_of,
    )


class CaseLinks(NamedTuple):
    """What a case's detail links to, each in the order shown."""

    partners: list[v.PartnerView]
    outcomes: list[v.OutcomeView]
    solutions: list[v.SolutionRef]
    visit_sites: list[v.VisitSiteRef]


def detail_of_case(
    summary: v.CaseSummary,
    fields: dict[str, LocalisedText],
    links: CaseLinks,
    cost: v.CostView | None,
    sources: list[str],
    stored_images: list[dict[str, Any]],
    locale: Locale,
) -> v.CaseDetail:
    """A case's detail from its summary, its challenge and approach, what it links to, its cost and its images."""
    return v.CaseDetail(
        **_fields(summary),
        challenge=text_of(fields, "challenge", locale),
        approach=text_of(fields, "approach", locale),
        partners=links.partners,
        outcomes=links.outcomes,
        cost=cost,
        sources=list(sources),
        solutions=links.solutions,
        visit_sites=links.visit_sites,
        images=images(stored_images, summary.title.source, locale),
    )


class VisitSiteFacts(Protocol):
    """The columns of a visit site its view shows: a stored site, or a row loaded with these."""

    @property
    def slug(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def postcode(self) -> str | None: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...
    @property
    def tour_languages(self) -> list[str]: ...
    @property
    def capacity(self) -> int | None: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def is_demo(self) -> bool: ...


def view_of_visit_site(
    site: VisitSiteFacts,
    host: v.OrganisationRef,
    cases: list[v.CaseRef],
    fields: dict[str, LocalisedText],
    locale: Locale,
) -> v.VisitSiteView:
    """A visit site's view from its columns, its host, its published cases and its localised fields."""
    return v.VisitSiteView(
        slug=site.slug,
        kind=site.kind,
        name=text_of(fields, "name", locale),
        description=text_of(fields, "description", locale),
        how_to_visit=text_of(fields, "how_to_visit", locale),
        host=host,
        address=site.address,
        postcode=site.postcode,
        city=site.city,
        country=site.country,
        latitude=site.latitude,
        longitude=site.longitude,
        tour_languages=list(site.tour_languages),
        capacity=site.capacity,
        cases=cases,
        demo=site.is_demo,
        locales=_locales(fields, "name"),
        sources=list(site.sources),
    )
