"""Every error answer carries the security headers pages carry, whichever part of the application made it."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import get

from services.web.page_rendering import PAGE_POLICY
from tests.support.accounts import api_tokens, bearer, sign_in
from tests.support.databases import Client, make_client

pytestmark = pytest.mark.slow

DRAFT = "/api/v1/solutions/modular-rain-gardens/draft"
FAILING = "/api/v1/failing-on-purpose"


@get(FAILING, include_in_schema=False)
async def failing_on_purpose() -> None:
    """A route that fails as an unforeseen bug would, to see what a 500 answer carries."""
    msg = "a failure nothing handles"
    raise RuntimeError(msg)


class Caller:
    def __init__(self, client: Client, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def draft(self) -> tuple[dict[str, Any], str]:
        answer = self.client.get(DRAFT, headers=bearer(self.tokens["company_a"]))
        return answer.json()["content"], answer.headers["etag"]

    def as_editor(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**bearer(self.tokens["company_a"]), **kwargs.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kwargs)

    def csrf_refused(self, path: str, **kwargs: Any) -> httpx.Response:
        """A change sent with a session cookie and without its CSRF token."""
        sign_in(self.client, "company_a")
        try:
            return self.client.post(path, **kwargs)
        finally:
            self.client.cookies.clear()


def _bad_content(caller: Caller) -> httpx.Response:
    content, etag = caller.draft()
    content["themes"] = []
    return caller.as_editor("PUT", DRAFT, json=content, headers={"If-Match": etag})


def _without_if_match(caller: Caller) -> httpx.Response:
    content, _ = caller.draft()
    return caller.as_editor("PUT", DRAFT, json=content)


def _stale(caller: Caller) -> httpx.Response:
    content, _ = caller.draft()
    return caller.as_editor("PUT", DRAFT, json=content, headers={"If-Match": '"p999"'})


#: One way to provoke each error status, in the API (problem details) and in pages (error pages).
ERRORS: dict[str, tuple[int, str, Callable[[Caller], httpx.Response]]] = {
    "deep JSON": (400, "problem", lambda c: c.client.post("/api/v1/session", content=b"[" * 500 + b"]" * 500)),
    "no token": (401, "problem", lambda c: c.client.get("/api/v1/me")),
    "wrong role": (403, "problem", lambda c: c.as_editor("GET", "/api/v1/users")),
    "API CSRF": (403, "problem", lambda c: c.csrf_refused("/api/v1/me/tokens", json={"name": "x"})),
    "page CSRF": (403, "page", lambda c: c.csrf_refused("/logout", data={})),
    "no entry": (404, "problem", lambda c: c.client.get("/api/v1/solutions/no-such-solution")),
    "no page": (404, "page", lambda c: c.client.get("/no-such-page")),
    "no asset": (404, "page", lambda c: c.client.get("/static/no-such-file.css")),
    "id past 64 bits": (404, "problem", lambda c: c.as_editor("GET", f"/api/v1/delegations/{2**64}")),
    "wrong method": (405, "problem", lambda c: c.client.delete("/api/v1/solutions")),
    "stale If-Match": (412, "problem", _stale),
    "too large": (413, "problem", lambda c: c.as_editor("PUT", DRAFT, content=b" " * 2_000_001)),
    "not an image": (415, "problem", lambda c: c.as_editor("POST", "/api/v1/images", content=b"GIF89a not really")),
    "breaks a rule": (422, "problem", _bad_content),
    "no If-Match": (428, "problem", _without_if_match),
    "unforeseen failure": (500, "problem", lambda c: c.client.get(FAILING)),
}


@pytest.fixture
def caller(fresh_url: str, tmp_path: Path) -> Iterator[Caller]:
    tokens = api_tokens(fresh_url)
    with make_client(fresh_url, tmp_path / "data") as client:
        client.app.register(failing_on_purpose)
        yield Caller(client, tokens)


@pytest.mark.parametrize("error", ERRORS)
def test_every_error_answer_carries_the_security_headers(caller: Caller, error: str) -> None:
    status, kind, provoke = ERRORS[error]
    answer = provoke(caller)
    assert answer.status_code == status, answer.text[:300]
    if kind == "problem":
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == status
    else:
        assert answer.headers["content-type"].startswith("text/html")
    headers = answer.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == PAGE_POLICY
    assert len(headers.get_list("x-frame-options")) == 1, "a header set twice"


def test_successful_answers_keep_their_own_policy(caller: Caller) -> None:
    page = caller.client.get("/?lang=en")
    assert page.headers["content-security-policy"] == PAGE_POLICY
    assert len(page.headers.get_list("x-content-type-options")) == 1
    reference = caller.client.get("/schema")
    assert reference.status_code == 200 and "content-security-policy" not in reference.headers
    assert reference.headers["x-frame-options"] == "DENY"
