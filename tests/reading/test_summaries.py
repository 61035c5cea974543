"""Lists build their views from plain rows: they must equal those built from the stored entries."""

import asyncio
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm.interfaces import LoaderOption

from catalogue import tables as t
from catalogue.database import async_engine, sync_engine
from i18n.locales import Locale
from services.reading import browsing
from tests.support import stored_views

LOCALES = ["da", "en", "de", "zh", "ar"]
#: (list, stored entries it lists, how they are loaded, how a stored entry is presented)
LISTS: dict[str, tuple[Any, Select[Any], tuple[LoaderOption, ...], Callable[[Any, Locale], msgspec.Struct]]] = {
    "cases": (
        browsing.list_cases,
        select(t.CaseResult).where(t.CaseResult.is_published.is_(True)),
        *stored_views.REFERENCES["cases"],
    ),
    "organisations": (browsing.list_organisations, select(t.Organisation), *stored_views.REFERENCES["organisations"]),
    "visit sites": (browsing.list_visit_sites, select(t.VisitSite), *stored_views.REFERENCES["visit sites"]),
}


def _listed_and_stored(url: str, kind: str, locale: Locale) -> tuple[list[Any], list[Any]]:
    listing, entries, load, present = LISTS[kind]

    async def run() -> tuple[list[Any], list[Any]]:
        engine = async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                listed = await listing.__wrapped__(session, browsing.Filters(per_page=100), locale, str(locale))
                stored = [present(entry, locale) for entry in await session.scalars(entries.options(*load))]
                return listed.items, sorted(stored, key=lambda view: view.slug)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("kind", list(LISTS))
@pytest.mark.parametrize("locale", LOCALES)
def test_listed_views_equal_the_stored_entries_views(seeded_url: str, kind: str, locale: str) -> None:
    listed, stored = _listed_and_stored(seeded_url, kind, Locale(locale))
    assert listed
    assert sorted(listed, key=lambda view: view.slug) == stored


def _theme_order(url: str) -> list[str]:
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(text("SELECT slug FROM theme ORDER BY position, id")))
    finally:
        engine.dispose()


def test_lists_show_what_their_entries_link_to(seeded_url: str) -> None:
    cases, _ = _listed_and_stored(seeded_url, "cases", Locale("en"))
    # Cases with themes from several solutions keep the themes' order and name each once.
    order = _theme_order(seeded_url)
    assert any(len(case.themes) > 1 for case in cases)
    for case in cases:
        assert case.themes == sorted(set(case.themes), key=order.index)
    sites, _ = _listed_and_stored(seeded_url, "visit sites", Locale("en"))
    assert any(site.cases for site in sites)


def test_a_site_lists_its_published_cases_in_the_order_they_were_added(fresh_url: str) -> None:
    engine = sync_engine(fresh_url)
    try:
        with engine.begin() as connection:
            site = connection.scalar(text("SELECT min(id) FROM visit_site"))
            connection.execute(
                text("INSERT INTO visit_site_case (visit_site_id, case_id) SELECT :site, id FROM case_result "
                     "WHERE id NOT IN (SELECT case_id FROM visit_site_case WHERE visit_site_id = :site)"),
                {"site": site},
            )  # fmt: skip
            hidden = connection.scalar(text("SELECT max(id) FROM case_result WHERE is_published"))
            connection.execute(text("UPDATE case_result SET is_published = false WHERE id = :id"), {"id": hidden})
    finally:
        engine.dispose()
    listed, stored = _listed_and_stored(fresh_url, "visit sites", Locale("en"))
    assert sorted(listed, key=lambda view: view.slug) == stored
    assert max(len(view.cases) for view in listed) > 2
