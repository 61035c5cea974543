"""Public answers kept whole: sent again as they were while the catalogue is unchanged, never someone's own."""

import shutil
import sqlite3
from typing import Any

import pytest
from prometheus_client import REGISTRY

from services.web.answers import Answer, Answers, question_of
from tests.support.accounts import sign_in
from tests.support.databases import Client

LIST = "/api/v1/solutions?per_page=5&lang=de"


def _hits() -> float:
    return REGISTRY.get_sample_value("catalogue_kept_answer_lookups_total", {"result": "hit"}) or 0.0


def test_kept_answers_are_bounded_by_their_bytes_and_their_number() -> None:
    def answer(size: int) -> Answer:
        return Answer(status=200, headers=((b"etag", b'"x"'),), etag='"x"', body=b"x" * size)

    measuring = Answers()  # the cost of an entry of 1,000 bytes, measured on a cache of its own
    measuring.put(("a",), answer(1000))
    cost = measuring.size
    assert cost > 1000  # its question, headers and bookkeeping count too
    answers = Answers(max_bytes=2 * cost)
    for name in "abc":
        answers.put((name,), answer(1000))
    assert answers.get(("a",)) is None
    assert answers.get(("b",)) is not None and answers.get(("c",)) is not None
    assert answers.size == 2 * cost
    answers.put(("large",), answer(3 * cost))
    assert answers.get(("large",)) is None
    few = Answers(max_entries=2)
    for name in "abc":
        few.put((name,), answer(10))
    assert list(few.entries) == [("b",), ("c",)]


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


def test_a_question_naming_its_language_or_cookies_twice_is_not_kept() -> None:
    def scope(*headers: tuple[bytes, bytes]) -> Any:
        return {"path": "/", "query_string": b"", "headers": list(headers)}

    assert question_of(scope((b"cookie", b"lang=ar"), (b"accept-language", b"da"))) == ("/", b"", b"da", b"lang=ar")
    assert question_of(scope((b"cookie", b"lang=ar"), (b"cookie", b""))) is None
    assert question_of(scope((b"accept-language", b"ar"), (b"accept-language", b"da"))) is None
    assert question_of(scope((b"cookie", b"lang=da; __Host-sd_session=x"))) is None
    assert question_of(scope((b"authorization", b"Bearer x"))) is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_answer_first_sent_as_not_modified_is_kept_whole(fresh_client: Client, fresh_url: str) -> None:
    client = fresh_client
    url = "/api/v1/themes?lang=da"
    first = client.get(url)
    # A change elsewhere: a new revision, the same answer for this question.
    with sqlite3.connect(fresh_url.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE solution SET maturity = maturity WHERE slug = 'cloudburst-management-plan'")
    assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    again = client.get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["content-length"] == str(len(first.content))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_kept_brochure_whose_file_went_is_made_again(fresh_client: Client) -> None:
    client = fresh_client
    url = "/solutions/cloudburst-management-plan/brochure.pdf?lang=da"
    first = client.get(url)
    assert first.status_code == 200
    (kept,) = [answer for answer, _ in client.app.state.answers.entries.values() if answer.file]
    assert kept.body == b"" and kept.etag == first.headers["etag"]
    assert client.get(url).content == first.content
    shutil.rmtree(client.app.state.document_cache.folder)
    again = client.get(url)
    assert (again.status_code, again.headers["etag"]) == (200, first.headers["etag"])
    assert again.content[:5] == b"%PDF-"
