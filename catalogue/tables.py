"""Database tables of the catalogue.

Every translatable field is stored as rows of a ``*_text`` table, one per field and locale, with
its state, the fingerprint of the source it was made from and a folded copy for search.
"""

import datetime as dt
from typing import Any

from advanced_alchemy.base import BigIntAuditBase, BigIntBase
from advanced_alchemy.types import JsonB
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

metadata = BigIntBase.metadata


class TextRow(BigIntBase):
    """Columns shared by every table of localised text."""

    __abstract__ = True

    field: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))
    is_source: Mapped[bool] = mapped_column(Boolean, default=False)
    source_fingerprint: Mapped[str | None] = mapped_column(String(32))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:  # noqa: N805 - a class-level directive
        return (UniqueConstraint("owner_id", "field", "locale", name=f"uq_{cls.__tablename__}_owner_field_locale"),)


def _owner_fk(table: str) -> Mapped[int]:
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


solution_theme = Table(
    "solution_theme",
    metadata,
    Column("solution_id", ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)
case_solution = Table(
    "case_solution",
    metadata,
    Column("case_id", ForeignKey("case_result.id", ondelete="CASCADE"), primary_key=True),
    Column("solution_id", ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True, index=True),
)
visit_site_case = Table(
    "visit_site_case",
    metadata,
    Column("visit_site_id", ForeignKey("visit_site.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("case_result.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Theme(BigIntAuditBase):
    __tablename__ = "theme"
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    texts: Mapped[list["ThemeText"]] = relationship(lazy="raise", cascade="all, delete-orphan")


class ThemeText(TextRow):
    __tablename__ = "theme_text"
    owner_id: Mapped[int] = _owner_fk("theme")


class Organisation(BigIntAuditBase):
    __tablename__ = "organisation"
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The name folded for search (see :func:`catalogue.folding.fold`).
    name_folded: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    helix_role: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))
    cvr: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    sources: Mapped[list[str]] = mapped_column(JsonB, default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    texts: Mapped[list["OrganisationText"]] = relationship(lazy="raise", cascade="all, delete-orphan")


class OrganisationText(TextRow):
    __tablename__ = "organisation_text"
    owner_id: Mapped[int] = _owner_fk("organisation")


class Solution(BigIntAuditBase):
    __tablename__ = "solution"
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    maturity: Mapped[str] = mapped_column(String(16))
    sdgs: Mapped[list[int]] = mapped_column(JsonB, default=list)
    markets: Mapped[list[str]] = mapped_column(JsonB, default=list)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Images shown with the solution: ``{"image": name, "alt": {locale: text}}`` each.
    images: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list, server_default="[]")
    provider: Mapped[Organisation] = relationship(lazy="raise")
    themes: Mapped[list[Theme]] = relationship(
        secondary=solution_theme, lazy="raise", order_by=(Theme.position, Theme.id)
    )
    texts: Mapped[list["SolutionText"]] = relationship(lazy="raise", cascade="all, delete-orphan")


class SolutionText(TextRow):
    __tablename__ = "solution_text"
    owner_id: Mapped[int] = _owner_fk("solution")


class CaseResult(BigIntAuditBase):
    __tablename__ = "case_result"
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    city: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    from_year: Mapped[int] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    investment_amount: Mapped[float | None] = mapped_column(Float)
    investment_currency: Mapped[str | None] = mapped_column(String(3))
    funding_model: Mapped[str | None] = mapped_column(String(32))
    payback_years: Mapped[float | None] = mapped_column(Float)
    cost_source: Mapped[str | None] = mapped_column(String(200))
    cost_as_of: Mapped[dt.date | None] = mapped_column(Date)
    sources: Mapped[list[str]] = mapped_column(JsonB, default=list)
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list, server_default="[]")
    #: The organisation whose editors keep this entry current.
    maintainer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    maintainer: Mapped[Organisation | None] = relationship(lazy="raise")
    texts: Mapped[list["CaseText"]] = relationship(lazy="raise", cascade="all, delete-orphan")
    solutions: Mapped[list[Solution]] = relationship(secondary=case_solution, lazy="raise", order_by=Solution.id)
    partners: Mapped[list["CasePartner"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CasePartner.position"
    )
    outcomes: Mapped[list["Outcome"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Outcome.position"
    )


class CaseText(TextRow):
    __tablename__ = "case_text"
    owner_id: Mapped[int] = _owner_fk("case_result")


class CasePartner(BigIntBase):
    __tablename__ = "case_partner"
    case_id: Mapped[int] = _owner_fk("case_result")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[Organisation] = relationship(lazy="raise")


class Outcome(BigIntBase):
    __tablename__ = "outcome"
    case_id: Mapped[int] = _owner_fk("case_result")
    position: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(40))
    baseline: Mapped[float | None] = mapped_column(Float)
    result: Mapped[float] = mapped_column(Float)
    result_max: Mapped[float | None] = mapped_column(Float)
    annual: Mapped[bool] = mapped_column(Boolean, default=False)
    from_year: Mapped[int | None] = mapped_column(Integer)
    to_year: Mapped[int | None] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    verification: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(300))
    as_of: Mapped[dt.date] = mapped_column(Date)
    texts: Mapped[list["OutcomeText"]] = relationship(lazy="raise", cascade="all, delete-orphan")


class OutcomeText(TextRow):
    __tablename__ = "outcome_text"
    owner_id: Mapped[int] = _owner_fk("outcome")


class VisitSite(BigIntAuditBase):
    __tablename__ = "visit_site"
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    host_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    tour_languages: Mapped[list[str]] = mapped_column(JsonB, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    sources: Mapped[list[str]] = mapped_column(JsonB, default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    host: Mapped[Organisation] = relationship(lazy="raise")
    cases: Mapped[list[CaseResult]] = relationship(secondary=visit_site_case, lazy="raise", order_by=CaseResult.id)
    texts: Mapped[list["VisitSiteText"]] = relationship(lazy="raise", cascade="all, delete-orphan")


class VisitSiteText(TextRow):
    __tablename__ = "visit_site_text"
    owner_id: Mapped[int] = _owner_fk("visit_site")


class ExchangeRate(BigIntBase):
    """A dated exchange rate: one ``base`` bought ``rate`` units of ``quote`` on ``as_of``."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("base", "quote", "as_of", name="uq_exchange_rate_base_quote_as_of"),)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[float] = mapped_column(Float)
    as_of: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200))


class CatalogueRevision(BigIntBase):
    """A counter raised by every change to the catalogue, so readers can tell whether what they hold is current."""

    __tablename__ = "catalogue_revision"
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


TEXT_TABLES = (ThemeText, OrganisationText, SolutionText, CaseText, OutcomeText, VisitSiteText)

# Registered on the shared metadata, so that migrations and the schema comparison see them.
from catalogue import accounts, delegations, packs, stored_files, translation_requests, versions  # noqa: E402, F401

for _table in TEXT_TABLES:
    Index(f"ix_{_table.__tablename__}_locale_field", _table.locale, _table.field)
