"""Reach: how many delegation packs an organisation's solutions and cases went into, and for which countries.

A pack went to a delegation when at least one render of it finished and lists the entry; each
delegation counts once, however many languages or regenerations it had. Only counts and countries
leave this module: nothing about the delegations themselves, their advisers or their dates.

Editors see their own organisation only, a condition of the query that loads it; advisers and
administrators see any.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.delegations import Delegation
from catalogue.localised import resolve
from catalogue.packs import PackRender
from catalogue.texts import fields_of
from i18n import formatting
from i18n.locales import Locale
from services.accounts.accounts import Actor
from services.delegations import permissions
from services.errors import NotFound

logger = logging.getLogger(__name__)
ReachKind = Literal["solution", "case"]


class CountryView(msgspec.Struct, frozen=True, kw_only=True):
    #: ISO 3166-1 alpha-2.
    code: str
    #: The country's name in the requested locale.
    name: str


class EntryReach(msgspec.Struct, frozen=True, kw_only=True):
    kind: ReachKind
    slug: str
    title: str
    title_locale: str
    #: Delegation packs the entry went into.
    packs: int
    #: Countries those delegations came from.
    countries: int


class Reach(msgspec.Struct, frozen=True, kw_only=True):
    organisation: str
    name: str
    #: Delegation packs holding at least one of the organisation's solutions or cases.
    packs: int
    #: The countries those delegations came from, by name.
    countries: list[CountryView]
    solutions: list[EntryReach]
    cases: list[EntryReach]


class _RenderedEntry(msgspec.Struct, frozen=True):
    kind: str
    slug: str


class _RenderedVersions(msgspec.Struct, frozen=True):
    entries: list[_RenderedEntry] = []


async def organisation_reach(session: AsyncSession, actor: Actor, slug: str, locale: Locale, now: dt.datetime) -> Reach:
    """Where the organisation ``slug``'s solutions and cases went; another company's is not found for an editor."""
    await permissions.require_reach_reader(session, actor, slug, now)
    query = select(t.Organisation).where(t.Organisation.slug == slug, permissions.reach_visible_to(actor))
    organisation = await session.scalar(query)
    if organisation is None:
        raise NotFound("organisation", slug)
    return await _reach(session, organisation, locale)


async def own_reach(session: AsyncSession, actor: Actor, locale: Locale) -> Reach | None:
    """The reach of the organisation an editor works for; ``None`` for every other account."""
    own = permissions.own_organisation(actor)
    if own is None:
        return None
    organisation = await session.scalar(select(t.Organisation).where(t.Organisation.id == own))
    return await _reach(session, organisation, locale) if organisation else None


async def _delivered(session: AsyncSession) -> dict[int, tuple[str, set[tuple[str, str]]]]:
    """Per delegation with a finished render: its country, and every entry any finished render listed."""
    rows = await session.execute(
        select(PackRender.delegation_id, Delegation.country, PackRender.versions)
        .join(Delegation, Delegation.id == PackRender.delegation_id)
        .where(PackRender.status == "done")
    )
    found: dict[int, tuple[str, set[tuple[str, str]]]] = {}
    for delegation_id, country, versions in rows.tuples():
        entries = found.setdefault(delegation_id, (country, set()))[1]
        entries.update((entry.kind, entry.slug) for entry in _entries(delegation_id, versions))
    return found


def _entries(delegation_id: int, versions: Any) -> list[_RenderedEntry]:
    try:
        return msgspec.convert(versions or {}, _RenderedVersions).entries
    except msgspec.ValidationError as error:
        logger.warning("a finished render of delegation %s lists its entries unreadably: %s", delegation_id, error)
        return []


def _entry_reach(
    kind: ReachKind, entries: Iterable[t.Solution | t.CaseResult], delivered: dict[int, Any], locale: Locale
) -> list[EntryReach]:
    found = []
    for entry in entries:
        countries = [country for country, listed in delivered.values() if (kind, entry.slug) in listed]
        title = resolve(fields_of(entry.texts)["title"], locale)
        found.append(
            EntryReach(kind=kind, slug=entry.slug, title=title.text, title_locale=title.locale,
                       packs=len(countries), countries=len(set(countries)))
        )  # fmt: skip
    return sorted(found, key=lambda item: (-item.packs, item.title.casefold(), item.slug))


async def _reach(session: AsyncSession, organisation: t.Organisation, locale: Locale) -> Reach:
    solutions = list(
        await session.scalars(
            select(t.Solution).where(t.Solution.provider_id == organisation.id).options(selectinload(t.Solution.texts))
        )
    )
    cases = list(
        await session.scalars(
            select(t.CaseResult)
            .where(t.CaseResult.maintainer_id == organisation.id)
            .options(selectinload(t.CaseResult.texts))
        )
    )
    delivered = await _delivered(session)
    own = {("solution", entry.slug) for entry in solutions} | {("case", entry.slug) for entry in cases}
    reached = {delegation_id: country for delegation_id, (country, listed) in delivered.items() if listed & own}
    countries = [CountryView(code=code, name=formatting.country(code, locale)) for code in set(reached.values())]
    return Reach(
        organisation=organisation.slug,
        name=organisation.name,
        packs=len(reached),
        countries=sorted(countries, key=lambda country: country.name.casefold()),
        solutions=_entry_reach("solution", solutions, delivered, locale),
        cases=_entry_reach("case", cases, delivered, locale),
    )
