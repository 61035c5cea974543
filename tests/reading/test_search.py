"""Search across every locale: folding, CJK substrings, ranking, and one answer on both databases."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, delete, insert, select, update

from catalogue import tables as t
from catalogue.database import sync_engine
from services.reading.search import holding, like_pattern
from tests.support.databases import BACKENDS, Client, SeededDatabases, make_client

pytestmark = pytest.mark.postgres


def search(client: Client, kind: str, query: str, extra: str = "") -> list[str]:
    response = client.get(f"/api/v1/{kind}", params={"q": query, "per_page": 100}, headers={})
    assert response.status_code == 200, response.text
    found = [item["slug"] for item in response.json()["items"]]
    return [slug for slug in found if slug.startswith(extra)]


@pytest.mark.parametrize("query", ["København", "kobenhavn", "KØBENHAVN", "Kobenhavn"])
def test_danish_spellings_find_each_other(client: Client, query: str) -> None:
    # One test solution writes København in its title, the other Kobenhavn in its summary.
    assert search(client, "solutions", query, "test-") == ["test-harbour-sensors", "test-quiet-asphalt"]


def test_title_matches_rank_above_body_matches(client: Client) -> None:
    # By slug the body match would come first.
    assert search(client, "solutions", "zebratunnel", "test-") == ["test-zebra-tunnel", "test-aardvark-pumps"]
    assert search(client, "solutions", "zebratunnel fjordby", "test-") == ["test-aardvark-pumps"]


def test_chinese_and_japanese_are_found_by_substring(client: Client) -> None:
    assert search(client, "solutions", "港口", "test-") == ["test-harbour-sensors"]
    assert search(client, "solutions", "港口传感", "test-") == ["test-harbour-sensors"]
    assert search(client, "solutions", "アスファルト", "test-") == ["test-quiet-asphalt"]
    assert search(client, "solutions", "アスフアルト", "test-") == []


def test_every_term_must_match(client: Client) -> None:
    assert search(client, "solutions", "harbour water", "test-") == ["test-harbour-sensors"]
    assert search(client, "solutions", "harbour asphalt", "test-") == []


@pytest.mark.parametrize("query", ["%", "_", "\\", "%_%"])
def test_wildcards_are_literal(client: Client, query: str) -> None:
    assert search(client, "solutions", query) == []


def test_drafts_and_unpublished_entries_are_not_found(client: Client) -> None:
    assert search(client, "solutions", "Unpublished solution") == []
    assert search(client, "solutions", "brouillon") == []
    assert search(client, "solutions", "capteurs portuaires") == []


def test_cases_organisations_and_sites_are_searchable(client: Client) -> None:
    assert search(client, "cases", "varslingsmodel") == ["test-harbour-bath"]
    assert search(client, "organisations", "fjordby testkommune") == ["test-fjordby-kommune"]
    assert search(client, "visit-sites", "BADEANLÆG") == ["test-harbour-visit"]


QUERIES = ["København", "kobenhavn", "aarhus", "Århus", "LED", "港口", "district heating", "fjernvarme", "skybrud", "a"]


def test_sqlite_and_postgresql_give_the_same_results(seeded_databases: SeededDatabases, tmp_path: Path) -> None:
    answers: dict[str, dict[str, Any]] = {}
    for backend in BACKENDS:
        with make_client(seeded_databases[backend], tmp_path) as client:
            answers[backend] = {
                f"{kind}?q={query}": client.get(f"/api/v1/{kind}", params={"q": query, "per_page": 100}).json()
                for kind in ("solutions", "cases", "organisations", "visit-sites")
                for query in QUERIES
            }
    assert answers["sqlite"] == answers["postgresql"]
    assert sum(page["total"] for page in answers["sqlite"].values()) > 0


def test_the_text_index_follows_every_change_to_the_texts(fresh_url: str, tmp_path: Path) -> None:
    engine = sync_engine(fresh_url)
    harbour = select(t.Solution.id).where(t.Solution.slug == "test-harbour-sensors").scalar_subquery()
    english_title = and_(t.SolutionText.owner_id == harbour, t.SolutionText.field == "title")
    try:
        with make_client(fresh_url, tmp_path) as client:
            with engine.begin() as connection:
                connection.execute(
                    update(t.SolutionText)
                    .where(english_title, t.SolutionText.locale == "en")
                    .values(text="Glacier gauges", folded="glacier gauges")
                )
            assert search(client, "solutions", "glacier gauges") == ["test-harbour-sensors"]
            with engine.begin() as connection:
                connection.execute(delete(t.SolutionText).where(english_title, t.SolutionText.locale == "en"))
            assert search(client, "solutions", "glacier") == []
            with engine.begin() as connection:
                connection.execute(
                    insert(t.SolutionText).values(
                        owner_id=harbour, field="title", locale="en", text="Moraine meters", folded="moraine meters",
                        state="approved", is_source=False,
                    )
                )  # fmt: skip
            assert search(client, "solutions", "moraine") == ["test-harbour-sensors"]
    finally:
        engine.dispose()


def test_sqlite_finds_terms_of_three_characters_through_its_index(seeded_databases: SeededDatabases) -> None:
    engine = sync_engine(seeded_databases["sqlite"])
    try:
        with engine.connect() as connection:
            for term, indexed in (("skybrud", True), ("led", True), ("港口", False), ("50%", True), ('"og', True)):
                query = select(t.SolutionText.id).where(*holding(t.SolutionText, term, "sqlite"))
                compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
                plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
                assert ("VIRTUAL TABLE" in plan) is indexed, (term, plan)
                # The index finds exactly the rows a plain substring test finds.
                scanned = select(t.SolutionText.id).where(t.SolutionText.folded.like(like_pattern(term), escape="\\"))
                assert set(connection.scalars(query)) == set(connection.scalars(scanned)), term
    finally:
        engine.dispose()
