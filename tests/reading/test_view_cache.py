"""Cached views are answered only while the catalogue revision they came from is current."""

import asyncio
import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations
from catalogue import tables as t
from catalogue.database import async_engine
from catalogue.revision import current_revision
from services.editing.importing import import_catalogue, read_catalogue_files
from services.translation.translations import update_source_text
from services.view_cache import ViewCache
from tests.support.databases import BACKENDS, TEST_DATA, EmptyDatabase, make_client


def test_cache_is_bounded_and_least_recently_used_goes_first() -> None:
    cache = ViewCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert (cache.hits, cache.misses) == (3, 1)


async def _import(url: str) -> int:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            before = await current_revision(session)
            await import_catalogue(session, read_catalogue_files(TEST_DATA.glob("*.toml")))
            await session.commit()
            return await current_revision(session) - before
    finally:
        await engine.dispose()


async def _change(url: str, change: str) -> None:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            if change == "text":
                await update_source_text(session, "solution", "test-quiet-asphalt", "title", "Stille asfalt")
            else:
                await session.execute(
                    update(t.Solution).where(t.Solution.slug == "test-quiet-asphalt").values(is_published=False)
                )
                await session.commit()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_change_reaches_readers(backend: str, empty_database: EmptyDatabase, tmp_path: Path) -> None:
    url = empty_database(backend, tmp_path)
    migrations.upgrade(url)
    assert asyncio.run(_import(url)) > 0
    with make_client(url, tmp_path) as client:
        detail = "/api/v1/solutions/test-quiet-asphalt?lang=da"
        assert client.get(detail).json()["data"]["title"]["text"] == "Støjsvag asfalt"
        assert client.get(detail).json()["data"]["title"]["text"] == "Støjsvag asfalt"
        asyncio.run(_change(url, "text"))
        assert client.get(detail).json()["data"]["title"]["text"] == "Stille asfalt"
        asyncio.run(_change(url, "unpublish"))
        assert client.get(detail).status_code == 404
        assert "test-quiet-asphalt" not in client.get("/api/v1/solutions?q=asfalt").text


def _execute_outside_the_application(url: str, statement: str) -> None:
    """Run ``statement`` through the database's own driver, as an administrator's script would."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute(statement)
        return
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute(statement)


@pytest.mark.parametrize("backend", BACKENDS)
def test_changes_made_outside_the_application_reach_readers_too(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    migrations.upgrade(url)
    asyncio.run(_import(url))
    with make_client(url, tmp_path) as client:
        site = "/api/v1/visit-sites/test-harbour-visit?lang=en"
        assert [case["slug"] for case in client.get(site).json()["data"]["cases"]] == ["test-harbour-bath"]
        _execute_outside_the_application(
            url, "UPDATE case_result SET is_published = false WHERE slug = 'test-harbour-bath'"
        )
        assert client.get(site).json()["data"]["cases"] == []
        assert client.get("/api/v1/cases/test-harbour-bath").status_code == 404
        assert client.get("/api/v1/visit-sites?theme=test-theme").json()["total"] == 0
        org = client.get("/api/v1/organisations/test-fjordby-kommune").json()["data"]
        assert org["cases"] == []
        _execute_outside_the_application(url, "DELETE FROM solution_theme")
        assert client.get("/api/v1/solutions?theme=test-theme").json()["total"] == 0
