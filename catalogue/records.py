"""Catalogue entries as they enter the system: data files, imports and API payloads.

Each struct is strict: unknown fields are refused and every constraint is declared, so an error
names the field that was wrong.
"""

import datetime as dt
import re
from typing import Annotated

import msgspec
from msgspec import Meta

from catalogue.vocabulary import (
    FundingModel,
    HelixRole,
    Maturity,
    OrganisationKind,
    OutcomeMethod,
    PartnerRole,
    Verification,
    VisitSiteKind,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: Text without control characters (tabs and line breaks are allowed).
PLAIN_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Slug = Annotated[str, Meta(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
LocaleCode = Annotated[str, Meta(pattern=r"^[a-z]{2}$")]
CountryCode = Annotated[str, Meta(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, Meta(pattern=r"^[A-Z]{3}$")]
ShortText = Annotated[str, Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT_PATTERN)]
Sdg = Annotated[int, Meta(ge=1, le=17)]
Year = Annotated[int, Meta(ge=1800, le=2100)]
#: A finite figure (bounds also refuse NaN and infinities, which TOML allows).
Figure = Annotated[float, Meta(ge=-1e15, le=1e15)]
#: A translatable field as written: one text per locale.
Texts = dict[LocaleCode, Annotated[str, Meta(min_length=1, max_length=20_000, pattern=PLAIN_TEXT_PATTERN)]]


def is_slug(value: str) -> bool:
    """Whether ``value`` has the shape of a slug, so it can name an entry at all."""
    return 2 <= len(value) <= 80 and re.match(SLUG_PATTERN, value) is not None


class Record(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Base of every incoming record."""


class ThemeRecord(Record, kw_only=True, frozen=True):
    slug: Slug
    position: Annotated[int, Meta(ge=0)]
    source_locale: LocaleCode = "en"
    label: Texts
    description: Texts


class Contact(Record, kw_only=True, frozen=True):
    name: ShortText | None = None
    email: Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)] | None = None
    phone: Annotated[str, Meta(pattern=r"^\+?[0-9 ()-]{6,20}$", max_length=20)] | None = None


class OrganisationRecord(Record, kw_only=True, frozen=True):
    slug: Slug
    name: ShortText
    kind: OrganisationKind
    helix_role: HelixRole
    country: CountryCode = "DK"
    cvr: Annotated[str, Meta(pattern=r"^[0-9]{8}$")] | None = None
    address: ShortText | None = None
    postcode: Annotated[str, Meta(max_length=12)] | None = None
    city: ShortText
    website: Annotated[str, Meta(pattern=r"^https://", max_length=300)] | None = None
    contact: Contact | None = None
    source_locale: LocaleCode = "da"
    description: Texts
    #: True for the plainly fictional organisations of the demo catalogue.
    demo: bool = False
    sources: list[ShortText] = []


class SolutionRecord(Record, kw_only=True, frozen=True):
    slug: Slug
    provider: Slug
    themes: Annotated[list[Slug], Meta(min_length=1)]
    sdgs: list[Sdg] = []
    maturity: Maturity
    markets: list[CountryCode] = []
    source_locale: LocaleCode = "da"
    title: Texts
    summary: Texts
    description: Texts
    #: One benefit per line.
    benefits: Texts
    demo: bool = False


class Partner(Record, kw_only=True, frozen=True):
    organisation: Slug
    role: PartnerRole


class Outcome(Record, kw_only=True, frozen=True):
    """One measured or expected result of a case, with where the figure comes from."""

    metric: Slug
    label: Texts
    unit: Annotated[str, Meta(min_length=1, max_length=40)]
    baseline: Figure | None = None
    result: Figure
    #: Upper end when the source gives a range ("60-80 %").
    result_max: Figure | None = None
    annual: bool = False
    from_year: Year | None = None
    to_year: Year | None = None
    method: OutcomeMethod
    verification: Verification
    source: ShortText
    source_url: Annotated[str, Meta(pattern=r"^https://", max_length=300)] | None = None
    as_of: dt.date
    note: Texts = {}


class Money(Record, kw_only=True, frozen=True):
    amount: Annotated[float, Meta(ge=0, le=1e15)]
    currency: CurrencyCode


class Cost(Record, kw_only=True, frozen=True):
    investment: Money | None = None
    funding_model: FundingModel | None = None
    payback_years: Annotated[float, Meta(gt=0, le=100)] | None = None
    source: ShortText
    as_of: dt.date


class CaseRecord(Record, kw_only=True, frozen=True):
    slug: Slug
    source_locale: LocaleCode = "da"
    title: Texts
    summary: Texts
    challenge: Texts
    approach: Texts
    #: The place within the city, such as a plant or a district; localised like the other texts.
    site: Texts
    city: ShortText
    country: CountryCode = "DK"
    from_year: Year
    to_year: Year | None = None
    solutions: list[Slug] = []
    partners: Annotated[list[Partner], Meta(min_length=1)]
    outcomes: list[Outcome] = []
    cost: Cost | None = None
    demo: bool = False
    #: Where the case's dates, place and partners come from.
    sources: list[ShortText] = []


class VisitSiteRecord(Record, kw_only=True, frozen=True):
    slug: Slug
    kind: VisitSiteKind
    host: Slug
    source_locale: LocaleCode = "da"
    name: Texts
    description: Texts
    how_to_visit: Texts
    address: ShortText
    postcode: Annotated[str, Meta(max_length=12)] | None = None
    city: ShortText
    country: CountryCode = "DK"
    latitude: Annotated[float, Meta(ge=-90, le=90)]
    longitude: Annotated[float, Meta(ge=-180, le=180)]
    #: Languages tours are given in, when the host has said so.
    tour_languages: list[LocaleCode] = []
    #: Largest group the host receives, when the host has said so.
    capacity: Annotated[int, Meta(ge=1, le=10_000)] | None = None
    cases: list[Slug] = []
    demo: bool = False
    sources: list[ShortText] = []


class ExchangeRate(Record, kw_only=True, frozen=True):
    """How many units of ``quote`` one unit of ``base`` bought on ``as_of``, and who says so."""

    base: CurrencyCode
    quote: CurrencyCode
    rate: Annotated[float, Meta(gt=0, le=1e9)]
    as_of: dt.date
    source: ShortText


class CatalogueFile(Record, kw_only=True, frozen=True):
    """A data file of the catalogue; any of its lists may be absent."""

    themes: list[ThemeRecord] = []
    organisations: list[OrganisationRecord] = []
    solutions: list[SolutionRecord] = []
    cases: list[CaseRecord] = []
    visit_sites: list[VisitSiteRecord] = []
    exchange_rates: list[ExchangeRate] = []
