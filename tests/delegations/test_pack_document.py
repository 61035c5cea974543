"""The pack as one PDF per language, read back: contents page numbers, bookmarks, language, tags, glyphs."""

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support.accounts import api_tokens, bearer
from tests.support.databases import Client, TemplateDatabases, make_client
from tests.support.delegations import BUSAN, ROOT
from tests.support.pdf import read_pdf

pytestmark = pytest.mark.slow

SOLUTIONS, CASES = 20, 5


@pytest.fixture(scope="module")
def packs(template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("packs")
    url = template_databases.clone("sqlite", folder)
    token = bearer(api_tokens(url)["adviser"])
    with make_client(url, folder / "data") as client:
        delegation = client.post(f"{ROOT}/", json={**BUSAN, "themes": []}, headers=token).json()
        solutions = client.get("/api/v1/solutions?per_page=100").json()["items"]
        cases = client.get("/api/v1/cases?per_page=100").json()["items"]
        sites = client.get("/api/v1/visit-sites?per_page=100").json()["items"]
        body = {
            "items": [{"kind": "solution", "slug": s["slug"]} for s in solutions[:SOLUTIONS]]
            + [{"kind": "case", "slug": c["slug"]} for c in cases[:CASES]],
            "letter": {"en": "Dear guests,\n\nwelcome to Denmark."},
            "programme": [
                {"date": f"2027-05-1{day}", "visits": [{"starts_at": "10:00", "visit_site": sites[day]["slug"]}]}
                for day in range(3)
            ],
            "contacts": [{"name": "Mette Jensen", "role": "Export adviser", "email": "mette@example.org"}],
        }
        etag = client.get(f"{ROOT}/{delegation['id']}/pack", headers=token).headers["etag"]
        saved = client.put(f"{ROOT}/{delegation['id']}/pack", json=body, headers={**token, "If-Match": etag})
        assert saved.status_code == 200, saved.text
        rendered = {}
        for lang in ("ko", "en"):
            response = client.get(f"{ROOT}/{delegation['id']}/pack.pdf?lang={lang}", headers=token)
            assert response.status_code == 200, response.text
            rendered[lang] = response.content
        again = client.get(f"{ROOT}/{delegation['id']}/pack.pdf?lang=en", headers=token)
        yield {"pdf": rendered, "client": client, "again": again, "delegation": delegation, "token": token}


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    """Every bookmark, depth first, with the page (from 1) it leads to."""
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                assert page is not None, item.title
                found.append((item.title, page + 1))

    walk(reader.outline)
    return found


def _sections(reader: PdfReader) -> list[tuple[int, int]]:
    """The numbered sections' bookmarks: section number and page."""
    return [(int(m.group(1)), page) for title, page in _outline(reader) if (m := re.match(r"^(\d+) ", title))]


def _contents(reader: PdfReader) -> dict[int, int]:
    """Section number to page number, as the printed contents list says."""
    listed: dict[int, int] = {}
    for page in reader.pages[:6]:
        for line in (page.extract_text() or "").splitlines():
            found = re.match(r"^\s*(\d+)\s.*?(\d+)\s*$", line)
            if found and "." in line:
                listed.setdefault(int(found.group(1)), int(found.group(2)))
    return listed


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_language_is_one_tagged_document_with_its_contents_and_bookmarks_right(
    packs: dict[str, Any], lang: str
) -> None:
    pdf = packs["pdf"][lang]
    facts = read_pdf(pdf)
    assert facts.language == lang and facts.tagged and facts.has_structure
    assert facts.notdef == 0
    assert facts.title == BUSAN["name"]
    reader = PdfReader(io.BytesIO(pdf))
    sections = _sections(reader)
    assert [number for number, _ in sections] == list(range(1, SOLUTIONS + CASES + 1))
    assert _contents(reader) == dict(sections)
    pages = [page for _, page in sections]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    assert "Mette Jensen" in facts.text


def test_every_language_has_the_same_sections_in_the_same_order(packs: dict[str, Any]) -> None:
    korean, english = (PdfReader(io.BytesIO(packs["pdf"][lang])) for lang in ("ko", "en"))
    assert [number for number, _ in _sections(korean)] == [number for number, _ in _sections(english)]
    assert "Dear guests" in read_pdf(packs["pdf"]["en"]).text
    # Korean readers get the localised welcome instead of the English letter.
    assert "Dear guests" not in read_pdf(packs["pdf"]["ko"]).text


def test_the_same_pack_is_served_from_the_cache(packs: dict[str, Any]) -> None:
    again = packs["again"]
    assert again.status_code == 200 and again.content == packs["pdf"]["en"]


def test_only_the_owner_downloads_the_pack(packs: dict[str, Any]) -> None:
    client: Client = packs["client"]
    path = f"{ROOT}/{packs['delegation']['id']}/pack.pdf?lang=en"
    assert client.get(path).status_code == 401
    assert client.get(f"{ROOT}/{packs['delegation']['id']}/pack.pdf?lang=xx", headers=packs["token"]).status_code in {
        400,
        422,
    }


def test_a_changed_pack_is_rendered_anew(packs: dict[str, Any]) -> None:
    client: Client = packs["client"]
    token = packs["token"]
    path = f"{ROOT}/{packs['delegation']['id']}/pack"
    current = client.get(path, headers=token)
    body = {key: current.json()[key] for key in ("letter", "programme", "contacts")}
    body["items"] = [{"kind": item["kind"], "slug": item["slug"]} for item in current.json()["items"][:2]]
    body["letter"] = {"en": "Dear guests, the programme has changed."}
    saved = client.put(path, json=body, headers={**token, "If-Match": current.headers["etag"]})
    assert saved.status_code == 200, saved.text
    pdf = client.get(f"{path}.pdf?lang=en", headers=token).content
    assert pdf != packs["pdf"]["en"]
    facts = read_pdf(pdf)
    assert "the programme has changed" in facts.text
    assert [number for number, _ in _sections(PdfReader(io.BytesIO(pdf)))] == [1, 2]
