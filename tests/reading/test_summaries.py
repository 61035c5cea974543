"""Case lists build their summaries from plain rows: they must equal those built from the stored cases."""

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import tables as t
from catalogue import views as v
from catalogue.database import async_engine
from i18n.locales import Locale
from services.reading import browsing, loaders, presenting

LOCALES = ["da", "en", "de", "zh", "ar"]


def _listed_and_stored(url: str, locale: Locale) -> tuple[list[v.CaseSummary], list[v.CaseSummary]]:
    async def run() -> tuple[list[v.CaseSummary], list[v.CaseSummary]]:
        engine = async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                list_cases = browsing.list_cases.__wrapped__  # type: ignore[attr-defined]
                listed = await list_cases(session, browsing.Filters(per_page=100), locale, str(locale))
                cases = await session.scalars(
                    select(t.CaseResult).where(t.CaseResult.is_published.is_(True)).options(*loaders.CASE_SUMMARY)
                )
                stored = [presenting.case_summary(case, locale) for case in cases]
                return listed.items, sorted(stored, key=lambda summary: summary.slug)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("locale", LOCALES)
def test_listed_case_summaries_equal_the_stored_cases_summaries(seeded_url: str, locale: str) -> None:
    listed, stored = _listed_and_stored(seeded_url, Locale(locale))
    assert listed
    assert sorted(listed, key=lambda summary: summary.slug) == stored
    # Cases with themes from several solutions keep the themes' order and name each once.
    assert any(len(case.themes) > 1 for case in listed)
