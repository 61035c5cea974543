"""Changing a source text marks the other locales outdated, in storage and for readers."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import selectinload

from catalogue import migrations
from catalogue import tables as t
from catalogue.database import async_engine
from catalogue.localised import LocalisedText
from catalogue.texts import field_of
from catalogue.vocabulary import TranslationState
from services.editing.importing import import_catalogue, read_catalogue_files
from services.errors import NotFound
from services.translation.translations import update_source_text
from tests.support.databases import BACKENDS, TEST_DATA, EmptyDatabase, make_client


async def _change_and_reload(url: str) -> tuple[LocalisedText, LocalisedText]:
    engine = async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            await import_catalogue(session, read_catalogue_files(TEST_DATA.glob("*.toml")))
            await session.commit()
        async with sessions() as session:
            changed = await update_source_text(
                session, "solution", "test-harbour-sensors", "title", "Havnesensorer til hele København"
            )
        async with sessions() as session:
            solution = await session.scalar(
                select(t.Solution)
                .where(t.Solution.slug == "test-harbour-sensors")
                .options(selectinload(t.Solution.texts))
            )
            assert solution is not None
            stored = field_of(solution, "title")
            assert stored is not None
            with pytest.raises(NotFound):
                await update_source_text(session, "solution", "no-such-solution", "title", "x")
        return changed, stored
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_new_source_text_outdates_translations(backend: str, empty_database: EmptyDatabase, tmp_path: Path) -> None:
    url = empty_database(backend, tmp_path)
    migrations.upgrade(url)
    changed, stored = asyncio.run(_change_and_reload(url))
    assert stored == changed
    assert stored.source_text == "Havnesensorer til hele København"
    assert {locale: stored.state(locale).value for locale in ("da", "en", "de", "zh", "ja")} == {
        "da": "approved", "en": "outdated", "de": "outdated", "zh": "outdated", "ja": "missing",
    }  # fmt: skip
    assert stored.state("en") is TranslationState.OUTDATED
    with make_client(url, tmp_path) as client:
        title = client.get("/api/v1/solutions/test-harbour-sensors?lang=de").json()["data"]["title"]
        assert title == {
            "text": "Hafensensoren für Kopenhagen",
            "locale": "de",
            "fallback": False,
            "outdated": True,
            "source": "da",
        }
        found = client.get("/api/v1/solutions?q=hele").json()
        assert [item["slug"] for item in found["items"]] == ["test-harbour-sensors"]
