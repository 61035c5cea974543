"""Database table of delegations: visiting groups an export adviser prepares for."""

import datetime as dt
from typing import Annotated

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import JsonB
from msgspec import Meta
from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.accounts import OUTSIDE_CATALOGUE
from catalogue.records import PLAIN_TEXT_PATTERN, CountryCode, LocaleCode, Record, ShortText, Slug
from i18n.locales import CONTENT_LOCALES


class Delegation(BigIntAuditBase):
    """A visiting group: where it comes from, its languages, dates and interests."""

    __tablename__ = "delegation"
    __table_args__ = {"info": OUTSIDE_CATALOGUE}
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(200))
    organisations: Mapped[list[str]] = mapped_column(JsonB, default=list)
    #: Content locales the group reads, most important first.
    languages: Mapped[list[str]] = mapped_column(JsonB, default=list)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    group_size: Mapped[int] = mapped_column(Integer)
    themes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    challenges: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Raised by every change; with the id it forms the delegation's ETag.
    lock: Mapped[int] = mapped_column(Integer, default=1)


class DelegationRecord(Record, kw_only=True, frozen=True):
    """A delegation as an adviser describes it."""

    name: Annotated[str, Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT_PATTERN)]
    country: CountryCode
    city: ShortText | None = None
    organisations: Annotated[list[ShortText], Meta(max_length=20)] = []
    languages: Annotated[list[LocaleCode], Meta(min_length=1, max_length=5)]
    starts_on: dt.date
    ends_on: dt.date
    group_size: Annotated[int, Meta(ge=1, le=500)]
    themes: Annotated[list[Slug], Meta(max_length=7)] = []
    #: What the group wants to learn about, in its own words (searched in every language).
    challenges: Annotated[str, Meta(max_length=2000, pattern=PLAIN_TEXT_PATTERN)] = ""
    notes: Annotated[str, Meta(max_length=4000, pattern=PLAIN_TEXT_PATTERN)] = ""


def delegation_problems(record: DelegationRecord, themes: set[str]) -> list[str]:
    """What is wrong with a delegation beyond the shape of its fields."""
    problems = [
        f"languages: {code!r} is not a supported locale" for code in record.languages if code not in CONTENT_LOCALES
    ]
    if len(set(record.languages)) != len(record.languages):
        problems.append("languages: a language appears twice")
    if record.ends_on < record.starts_on:
        problems.append("ends_on: the visit ends before it starts")
    if (record.ends_on - record.starts_on).days > 30:
        problems.append("ends_on: a visit lasts at most 31 days")
    problems += [f"themes: unknown theme {slug!r}" for slug in record.themes if slug not in themes]
    return problems
