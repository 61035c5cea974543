"""Downloading brochures over HTTP: names, cache, conditional requests, variants and failures."""

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from services.documents.cache import DocumentCache
from tests.support.databases import Client
from tests.support.pdf import pdf_bytes_contain, read_pdf

pytestmark = pytest.mark.slow

URL = "/solutions/cloudburst-management-plan/brochure.pdf"


def test_download_is_a_named_tagged_pdf(client: Client) -> None:
    response = client.get(f"{URL}?lang=de")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="cloudburst-management-plan-de.pdf"; ')
    assert "filename*=UTF-8''Stadtweiter%20Starkregen-Managementplan.pdf" in disposition
    assert response.headers["content-language"] == "de"
    facts = read_pdf(response.content)
    assert (facts.title, facts.language, facts.tagged) == ("Stadtweiter Starkregen-Managementplan", "de", True)


def test_repeated_download_comes_from_the_cache(client: Client) -> None:
    pool = client.app.state.render_pool
    first = client.get(f"{URL}?lang=sv")
    renders = pool.renders
    second = client.get(f"{URL}?lang=sv")
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert pool.renders == renders
    assert client.get(f"{URL}?lang=sv", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get(f"{URL}?lang=nb").headers["etag"] != first.headers["etag"]


def test_pdfa_variant(client: Client) -> None:
    tagged = client.get(f"{URL}?lang=en")
    archival = client.get(f"{URL}?lang=en&variant=pdfa")
    assert archival.status_code == 200
    assert archival.headers["etag"] != tagged.headers["etag"]
    assert pdf_bytes_contain(archival.content, b"pdfaid:part")
    assert pdf_bytes_contain(tagged.content, b"pdfuaid:part")


def test_language_from_the_request_when_not_given(client: Client) -> None:
    client.cookies.clear()
    response = client.get(URL, headers={"Accept-Language": "ja, en;q=0.5"})
    assert response.headers["content-language"] == "ja"
    assert client.get(f"{URL}?lang=de-AT").headers["content-language"] == "de"
    # A language no brochure is made in gets the English one, as every reader-facing surface answers.
    assert client.get(f"{URL}?lang=tlh").headers["content-language"] == "en"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/solutions/no-such-solution/brochure.pdf?lang=de", 404),
        ("/solutions/test-unpublished/brochure.pdf?lang=de", 404),
        (f"{URL}?lang=%3Cscript%3E", 400),
        (f"{URL}?variant=word", 400),
    ],
)
def test_bad_requests_are_problems(client: Client, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]


def test_render_failure_is_a_problem_and_leaves_nothing_behind(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    cache: DocumentCache = client.app.state.document_cache
    before = sorted(cache.folder.iterdir()) if cache.folder.exists() else []

    async def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(client.app.state.render_pool, "render", broken)
    response = client.get(f"{URL}?lang=fi")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "renderer crashed" not in response.text
    assert (sorted(cache.folder.iterdir()) if cache.folder.exists() else []) == before


def test_cache_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = DocumentCache(tmp_path / "documents")
    cache.put("whole", b"%PDF-1.7 whole")

    def interrupted(_descriptor: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", interrupted)
    with pytest.raises(OSError, match="disk full"):
        cache.put("partial", b"%PDF-1.7 partial")
    assert [path.name for path in cache.folder.iterdir()] == ["whole.pdf"]
    assert cache.get("partial") is None


def test_preview_is_the_same_document_as_a_page(client: Client) -> None:
    response = client.get("/solutions/cloudburst-management-plan/brochure?lang=de")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Stadtweiter Starkregen-Managementplan" in response.text
    assert "asset:" not in response.text and "generated:" not in response.text
    assert "/documents/assets/brochure.css" in response.text
    assert "script-src" not in response.headers["content-security-policy"]
    assert client.get("/documents/assets/brochure.css").status_code == 200


def test_a_dead_render_worker_is_replaced(client: Client) -> None:
    pool = client.app.state.render_pool
    assert client.get(f"{URL}?lang=it").status_code == 200
    executor = pool._executor
    assert executor is not None
    victim = next(iter(executor._processes.values()))
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=10)
    response = client.get(f"{URL}?lang=es")
    assert response.status_code == 200, response.text
    assert read_pdf(response.content).language == "es"


def test_concurrent_requests_for_one_document_share_a_render(client: Client) -> None:
    pool = client.app.state.render_pool
    cache: DocumentCache = client.app.state.document_cache
    for path in cache.folder.glob("*.pdf"):
        path.unlink()
    before = pool.renders
    with ThreadPoolExecutor(4) as threads:
        answers = list(threads.map(lambda _: client.get(f"{URL}?lang=pt"), range(4)))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert pool.renders - before == 1


def test_partial_files_left_by_a_dead_writer_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    stale, fresh = folder / ".partial-old.pdf", folder / ".partial-new.pdf"
    stale.write_bytes(b"%PDF-1.7 half")
    fresh.write_bytes(b"%PDF-1.7 being written")
    os.utime(stale, (0, 0))
    DocumentCache(folder)
    assert not stale.exists() and fresh.exists()


def test_the_cache_keeps_within_its_size_by_dropping_the_least_recently_used(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path / "documents", max_bytes=350)
    for number, key in enumerate(("a", "b", "c")):
        cache.put(key, b"x" * 100)
        os.utime(cache.path(key), (1000 + number, 1000 + number))
    assert cache.get("a") is not None  # reading "a" makes "b" the least recently used
    cache.put("d", b"x" * 100)
    assert [cache.get(key) is not None for key in "abcd"] == [True, False, True, True]
