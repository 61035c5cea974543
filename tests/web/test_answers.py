"""Public answers kept whole: sent again as they were while the catalogue is unchanged, never someone's own."""

import shutil

import pytest
from prometheus_client import REGISTRY

from services.web.answers import Answer, Answers
from tests.support.accounts import sign_in
from tests.support.databases import Client

LIST = "/api/v1/solutions?per_page=5&lang=de"


def _hits() -> float:
    return REGISTRY.get_sample_value("catalogue_kept_answer_lookups_total", {"result": "hit"}) or 0.0


def test_kept_answers_are_bounded_by_their_bytes() -> None:
    answers = Answers(max_bytes=10)
    for name in "abc":
        answers.put(name, Answer(status=200, headers=(), etag=f'"{name}"', body=b"x" * 4))
    assert answers.get("a") is None
    assert answers.get("b") is not None and answers.get("c") is not None
    assert answers.size == 8
    answers.put("large", Answer(status=200, headers=(), etag='"l"', body=b"x" * 11))
    assert answers.get("large") is None


def test_a_repeated_question_gets_the_kept_answer(client: Client) -> None:
    first = client.get(LIST)
    hits = _hits()
    second = client.get(LIST)
    assert _hits() == hits + 1
    assert (second.status_code, second.content) == (200, first.content)
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-language"] == "de"
    assert second.headers["x-content-type-options"] == "nosniff"  # added to every answer as it is sent
    revalidated = client.get(LIST, headers={"If-None-Match": first.headers["etag"]})
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["etag"] == first.headers["etag"]


def test_the_question_includes_the_language_asked_in(client: Client) -> None:
    url = "/api/v1/solutions/cloudburst-management-plan"
    german = client.get(url, headers={"Accept-Language": "de"})
    danish = client.get(url, headers={"Accept-Language": "da"})
    assert (german.json()["locale"], danish.json()["locale"]) == ("de", "da")
    assert client.get(url, headers={"Accept-Language": "de"}).content == german.content


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_page_choosing_its_language_keeps_its_cookie(fresh_client: Client) -> None:
    client = fresh_client
    url = "/solutions/cloudburst-management-plan?lang=de"
    client.get(url)
    client.cookies.clear()
    hits = _hits()
    again = client.get(url)
    assert _hits() == hits + 1
    assert again.headers["content-language"] == "de"
    assert "lang=de" in again.headers["set-cookie"]
    assert client.get(url).headers["content-language"] == "de"  # now asked with the cookie: its own answer


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_what_is_answered_to_someone_is_never_kept(fresh_client: Client) -> None:
    client = fresh_client
    answers: Answers = client.app.state.answers
    sign_in(client, "company_a")
    kept = len(answers.entries)
    assert "Sign out" in client.get("/").text
    assert "Sign out" in client.get("/").text
    assert len(answers.entries) == kept
    client.cookies.clear()
    assert "Sign out" not in client.get("/").text
    assert len(answers.entries) == kept + 1
    assert client.get(LIST, headers={"Authorization": "Bearer not-a-token"}).status_code == 200
    assert len(answers.entries) == kept + 1


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_kept_brochure_whose_file_went_is_made_again(fresh_client: Client) -> None:
    client = fresh_client
    url = "/solutions/cloudburst-management-plan/brochure.pdf?lang=da"
    first = client.get(url)
    assert first.status_code == 200
    (kept,) = [answer for answer in client.app.state.answers.entries.values() if answer.file]
    assert kept.body == b"" and kept.etag == first.headers["etag"]
    assert client.get(url).content == first.content
    shutil.rmtree(client.app.state.document_cache.folder)
    again = client.get(url)
    assert (again.status_code, again.headers["etag"]) == (200, first.headers["etag"])
    assert again.content[:5] == b"%PDF-"
