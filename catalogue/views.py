"""Catalogue entries as readers receive them: texts resolved for one locale, each saying where it came from."""

import datetime as dt
from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class View(msgspec.Struct, kw_only=True, frozen=True):
    """Base of every outgoing view."""


class Text(View, kw_only=True, frozen=True):
    """A text in the locale it really came from; ``fallback`` is true when that is not the one asked for."""

    text: str
    locale: str
    fallback: bool
    outdated: bool = False
    #: The locale the text was written in; a text in another locale is a translation of it.
    source: str = ""


class Lines(View, kw_only=True, frozen=True):
    """A list of short texts (such as benefits) from one locale."""

    items: list[str]
    locale: str
    fallback: bool


class ThemeView(View, kw_only=True, frozen=True):
    slug: str
    label: Text
    description: Text


class OrganisationRef(View, kw_only=True, frozen=True):
    slug: str
    name: str
    kind: str


class Contact(View, kw_only=True, frozen=True):
    name: str | None
    email: str | None
    phone: str | None


class OrganisationSummary(View, kw_only=True, frozen=True):
    slug: str
    name: str
    kind: str
    helix_role: str
    city: str
    country: str
    demo: bool
    description: Text
    locales: list[str]


class SolutionRef(View, kw_only=True, frozen=True):
    slug: str
    title: Text


class CaseRef(View, kw_only=True, frozen=True):
    slug: str
    title: Text
    city: str
    country: str


class SolutionSummary(View, kw_only=True, frozen=True):
    slug: str
    title: Text
    summary: Text
    provider: OrganisationRef
    themes: list[str]
    maturity: str
    sdgs: list[int]
    markets: list[str]
    demo: bool
    locales: list[str]


class CaseSummary(View, kw_only=True, frozen=True):
    slug: str
    title: Text
    summary: Text
    site: Text
    city: str
    country: str
    from_year: int
    to_year: int | None
    themes: list[str]
    demo: bool
    locales: list[str]


class OutcomeView(View, kw_only=True, frozen=True):
    metric: str
    label: Text
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
    note: Text | None


class Money(View, kw_only=True, frozen=True):
    amount: float
    currency: str


class CostView(View, kw_only=True, frozen=True):
    investment: Money | None
    funding_model: str | None
    payback_years: float | None
    source: str
    as_of: dt.date


class ExchangeRateView(View, kw_only=True, frozen=True):
    """One ``base`` bought ``rate`` units of ``quote`` on ``as_of``, according to ``source``."""

    base: str
    quote: str
    rate: float
    as_of: dt.date
    source: str


class PartnerView(View, kw_only=True, frozen=True):
    organisation: OrganisationRef
    role: str


class ImageView(View, kw_only=True, frozen=True):
    """An image of an entry: where it is served and its alternative text in the reader's locale."""

    url: str
    alt: Text


class CaseDetail(CaseSummary, kw_only=True, frozen=True):
    challenge: Text
    approach: Text
    partners: list[PartnerView]
    outcomes: list[OutcomeView]
    cost: CostView | None
    sources: list[str]
    solutions: list[SolutionRef]
    visit_sites: list["VisitSiteRef"]
    images: list[ImageView] = []


class VisitSiteRef(View, kw_only=True, frozen=True):
    slug: str
    name: Text
    city: str


class SolutionDetail(SolutionSummary, kw_only=True, frozen=True):
    description: Text
    benefits: Lines
    cases: list[CaseSummary]
    images: list[ImageView] = []


class OrganisationDetail(OrganisationSummary, kw_only=True, frozen=True):
    cvr: str | None
    address: str | None
    postcode: str | None
    website: str | None
    contact: Contact | None
    sources: list[str]
    solutions: list[SolutionRef]
    cases: list[CaseRef]


class VisitSiteView(View, kw_only=True, frozen=True):
    slug: str
    kind: str
    name: Text
    description: Text
    how_to_visit: Text
    host: OrganisationRef
    address: str
    postcode: str | None
    city: str
    country: str
    latitude: float
    longitude: float
    tour_languages: list[str]
    capacity: int | None
    cases: list[CaseRef]
    demo: bool
    locales: list[str]
    sources: list[str]


class LocaleView(View, kw_only=True, frozen=True):
    code: str
    name: str
    english_name: str
    direction: str
    interface: bool


class Page(View, Generic[T], kw_only=True, frozen=True):
    """One page of a list, with the total across all pages."""

    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int
    locale: str
    requested_locale: str


class Entry(View, Generic[T], kw_only=True, frozen=True):
    """One entry, and the locale it was asked for and served in."""

    data: T
    locale: str
    requested_locale: str
