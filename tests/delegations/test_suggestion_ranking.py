"""The database chooses the best suggestions exactly as scoring every entry would, on both databases."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.database import async_engine, sync_engine
from catalogue.delegations import Delegation
from i18n.locales import Locale
from services.delegations.suggestions import Suggestion, Suggestions, suggest
from tests.support.databases import SeededDatabases

pytestmark = pytest.mark.postgres

DELEGATIONS = [
    # Themes only; a market most solutions do not serve.
    {"country": "KR", "languages": ["ko", "en"], "themes": ["energy", "lighting"], "challenges": "", "group_size": 12},
    # A challenge line only: every suggestion comes from the words it matches.
    {"country": "DE", "languages": ["de"], "themes": [], "group_size": 40,
     "challenges": "Starkregen und Hochwasser in der Innenstadt, Fernwärme für alte Gebäude, sichere Radwege."},
    # Both, three languages, a group too large for some sites.
    {"country": "CN", "languages": ["zh", "en", "da"], "themes": ["climate-adaptation", "water", "test-theme"],
     "challenges": "cloudburst flooding harbour sensors district heating waste", "group_size": 200},
]  # fmt: skip


def _suggestions(url: str, delegation: Delegation, limit: int) -> Suggestions:
    async def run() -> Suggestions:
        engine = async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                return await suggest(session, delegation, Locale("en"), limit)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _keys(items: list[Suggestion]) -> list[tuple[str, float]]:
    return [(item.slug, item.score) for item in items]


@pytest.mark.parametrize("number", range(len(DELEGATIONS)))
def test_the_best_few_are_the_first_of_all_scored(seeded_url: str, number: int) -> None:
    delegation = Delegation(name="Ranking", **DELEGATIONS[number])
    everything = _suggestions(seeded_url, delegation, 10_000)
    assert everything.solutions and everything.cases
    for items in (everything.solutions, everything.cases, everything.visit_sites):
        # Ordered by score, then slug; each one relevant by a theme or a challenge.
        assert _keys(items) == sorted(_keys(items), key=lambda key: (-key[1], key[0]))
        assert all(any(reason.kind in {"theme", "challenge"} for reason in item.reasons) for item in items)
    for limit in (1, 2, 3, 5, 8):
        best = _suggestions(seeded_url, delegation, limit)
        assert best.solutions == everything.solutions[:limit]
        assert best.cases == everything.cases[:limit]
        assert best.visit_sites == everything.visit_sites[:limit]


def test_every_published_solution_sharing_a_theme_is_suggested(seeded_url: str) -> None:
    delegation = Delegation(name="Themes", **{**DELEGATIONS[0], "themes": ["test-theme"]})
    found = {item.slug for item in _suggestions(seeded_url, delegation, 10_000).solutions}
    assert {"test-harbour-sensors", "test-quiet-asphalt"} <= found
    assert "test-unpublished" not in found


def test_both_databases_suggest_the_same(seeded_databases: SeededDatabases) -> None:
    for fields in DELEGATIONS:
        delegation = Delegation(name="Same", **fields)
        answers = [_suggestions(seeded_databases[backend], delegation, 20) for backend in ("sqlite", "postgresql")]
        assert answers[0] == answers[1]


def test_theme_reasons_follow_the_themes_order(seeded_url: str) -> None:
    engine = sync_engine(seeded_url)
    try:
        with engine.connect() as connection:
            order = list(connection.scalars(text("SELECT slug FROM theme ORDER BY position, id")))
    finally:
        engine.dispose()
    delegation = Delegation(
        name="Every theme", country="DK", languages=["en"], themes=order, challenges="", group_size=10
    )
    everything = _suggestions(seeded_url, delegation, 10_000)
    several = 0
    for item in everything.solutions + everything.cases + everything.visit_sites:
        shared = [reason.value for reason in item.reasons if reason.kind == "theme"]
        several += len(shared) > 1
        assert shared == sorted(set(shared), key=order.index), item.slug
    assert several
