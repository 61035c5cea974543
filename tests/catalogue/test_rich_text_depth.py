"""Rich text nested too deeply is refused wherever it enters, and what is already stored still renders."""

import asyncio
import re
from html import unescape
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations, richtext
from catalogue import tables as t
from catalogue.database import async_engine, sync_engine
from services.editing.importing import import_catalogue, read_catalogue_files
from services.errors import InvalidCatalogueData
from services.translation.translation_files import from_xliff, to_xliff
from tests.support.accounts import snapshot
from tests.support.databases import DEMO_DATA, Client, EmptyDatabase
from tests.support.delegations import BUSAN
from tests.support.editing import Desk, edit_form_fields, sign_in_with_form
from tests.support.pdf import read_pdf

pytestmark = pytest.mark.slow

SOLUTION = "modular-rain-gardens"
CASE = "eksempelby-rain-gardens"
TOO_DEEP = richtext.MAX_NESTING // 2 + 1


def nested_list(levels: int, word: str = "item") -> str:
    """A list nested ``levels`` lists deep (two elements per level), each item naming its level."""
    return "".join(f"<ul><li>{word} {level}" for level in range(1, levels + 1)) + "</li></ul>" * levels


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def test_nesting_counts_elements_of_the_allowed_subset() -> None:
    assert richtext.nesting("plain text") == 0
    assert richtext.nesting("<p>a<br>b</p>") == 1
    assert richtext.nesting(richtext.sanitise(nested_list(3))) == 6
    assert richtext.nesting(richtext.sanitise("<div>" * 40 + "<p>x</p>" + "</div>" * 40)) == 1
    assert richtext.nesting_problem(nested_list(richtext.MAX_NESTING // 2)) is None
    problem = richtext.nesting_problem(nested_list(TOO_DEEP))
    assert problem is not None and f"at most {richtext.MAX_NESTING}" in problem
    assert richtext.nesting_problem("<" * 5000) is None


@pytest.mark.parametrize("levels", [1, richtext.MAX_NESTING // 2, TOO_DEEP, 80, 400])
def test_flattening_keeps_every_word_and_bounds_the_depth(levels: int) -> None:
    html = richtext.sanitise(nested_list(levels) + '<p>a <a href="https://example.org/?a=1&amp;b=2">link</a> &lt;</p>')
    flat = richtext.flattened(html)
    assert richtext.nesting(flat) <= richtext.MAX_NESTING
    assert richtext.plain_text(flat).split() == richtext.plain_text(html).split()
    assert richtext.sanitise(flat) == flat
    if richtext.nesting(html) <= richtext.MAX_NESTING:
        assert flat == html
    else:
        # Deeper items stand on lines of their own, not run together.
        assert f"item {levels - 1}<br>item {levels}" in flat


def _assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["invalid_params"][0]["name"] == field
    assert f"at most {richtext.MAX_NESTING}" in problem["invalid_params"][0]["reason"]


RICH_FIELDS = [("solutions", SOLUTION, "description"), ("cases", CASE, "challenge"), ("cases", CASE, "approach")]


@pytest.mark.parametrize(("kind", "slug", "field"), RICH_FIELDS)
def test_a_draft_saved_through_the_api_refuses_deep_rich_text(desk: Desk, kind: str, slug: str, field: str) -> None:
    path = f"/api/v1/{kind}/{slug}/draft"
    copy, etag = desk.copy("company_a", path)
    content = copy["content"]
    content[field]["da"] = nested_list(80)
    before = snapshot(desk.url)
    _assert_refused(desk("company_a", "PUT", path, content, etag), f"{field}.da")
    assert snapshot(desk.url) == before
    content[field]["da"] = nested_list(4)
    assert desk("company_a", "PUT", path, content, etag).status_code == 200


def test_a_new_entry_with_deep_rich_text_is_not_created(desk: Desk) -> None:
    copy, _ = desk.copy("company_a")
    content = copy["content"]
    content["description"] = {"da": nested_list(80)}
    before = snapshot(desk.url)
    headers = {"Authorization": f"Bearer {desk.tokens['company_a']}", "If-None-Match": "*"}
    response = desk.client.put("/api/v1/solutions/deep-gardens/draft", json=content, headers=headers)
    _assert_refused(response, "description.da")
    assert snapshot(desk.url) == before


def test_the_edit_page_refuses_deep_rich_text_and_keeps_the_text(fresh_client: Client, fresh_url: str) -> None:
    sign_in_with_form(fresh_client, "company_a")
    page = f"/edit/solutions/{SOLUTION}"
    form = edit_form_fields(fresh_client.get(f"{page}?locale=da").text)
    form["text.description"] = nested_list(80)
    before = snapshot(fresh_url)
    refused = fresh_client.post(page, data={**form, "action": "save"})
    assert refused.status_code == 422
    assert "description.da" in refused.text and f"at most {richtext.MAX_NESTING}" in refused.text
    assert unescape(edit_form_fields(refused.text)["text.description"]) == nested_list(80)
    assert snapshot(fresh_url) == before


def test_a_translation_file_with_deep_rich_text_changes_nothing(desk: Desk) -> None:
    headers = {"Authorization": f"Bearer {desk.tokens['translator']}"}
    exported = desk.client.get("/api/v1/translations/export?target=de&format=xliff", headers=headers)
    file = from_xliff(exported.content)
    unit_id = f"solution/{SOLUTION}/description"
    assert any(unit.id.endswith(unit_id) for unit in file.units)
    units = [
        msgspec.structs.replace(unit, target_text=nested_list(80)) if unit.id.endswith(unit_id) else unit
        for unit in file.units
    ]
    before = snapshot(desk.url)
    response = desk.client.post(
        "/api/v1/translations/import?format=xliff",
        content=to_xliff(msgspec.structs.replace(file, units=units)),
        headers={**headers, "Content-Type": "application/octet-stream"},
    )
    _assert_refused(response, "description.de")
    assert snapshot(desk.url) == before


def test_a_cover_letter_with_deep_rich_text_is_refused(desk: Desk) -> None:
    created = desk("adviser", "POST", "/api/v1/delegations/", BUSAN)
    assert created.status_code == 201, created.text
    path = f"/api/v1/delegations/{created.json()['id']}/pack"
    etag = desk("adviser", "GET", path).headers["etag"]
    before = snapshot(desk.url)
    _assert_refused(desk("adviser", "PUT", path, {"letter": {"en": nested_list(80)}}, etag), "letter.en")
    assert snapshot(desk.url) == before


def test_a_catalogue_import_with_deep_rich_text_stores_nothing(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    migrations.upgrade(url)
    data = read_catalogue_files(DEMO_DATA.glob("*.toml"))
    [solution] = [record for record in data.solutions if record.slug == SOLUTION]
    deep = msgspec.structs.replace(solution, description={**solution.description, "en": nested_list(80)})
    data = msgspec.structs.replace(data, solutions=[deep if s.slug == SOLUTION else s for s in data.solutions])

    async def run() -> None:
        engine = async_engine(url)
        try:
            async with async_sessionmaker(engine)() as session:
                with pytest.raises(InvalidCatalogueData) as refused:
                    await import_catalogue(session, data)
                assert f"solution {SOLUTION!r}: description.en:" in str(refused.value)
        finally:
            await engine.dispose()

    before = snapshot(url)
    asyncio.run(run())
    assert snapshot(url) == before
    assert not before["solution"]


def _store_description(url: str, text: str) -> None:
    """Put ``text`` in every locale of the solution's description, as content stored before the limit would be."""
    engine = sync_engine(url)
    try:
        with engine.begin() as connection:
            owner = connection.execute(select(t.Solution.id).where(t.Solution.slug == SOLUTION)).scalar_one()
            connection.execute(
                update(t.SolutionText)
                .where(t.SolutionText.owner_id == owner, t.SolutionText.field == "description")
                .values(text=text)
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("lang", ["da", "fr"])
def test_a_stored_description_nested_too_deeply_still_makes_a_brochure(
    fresh_client: Client, fresh_url: str, lang: str
) -> None:
    # Two hundred levels: the renderer gives up on the raw markup somewhere past a hundred.
    _store_description(fresh_url, nested_list(200, "niveau"))
    response = fresh_client.get(f"/solutions/{SOLUTION}/brochure.pdf?lang={lang}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", " ", read_pdf(response.content).text)
    assert "niveau 1 " in text and "niveau 200" in text
    page = fresh_client.get(f"/solutions/{SOLUTION}?lang={lang}")
    assert page.status_code == 200 and "niveau 200" in page.text
