"""Hostile requests get a clear 4xx answer and change nothing: deep or undecodable JSON, NUL, ids past 64 bits.

Every route is found by walking the application, so a route added later is covered without
being listed here.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from services.web.request_limits import LARGEST_ID, MAX_JSON_DEPTH, SMALLEST_ID, json_body_problem
from tests.support.accounts import api_tokens, bearer, page_token, snapshot
from tests.support.databases import Client, make_client
from tests.support.editing import edit_form_fields, sign_in_with_form

pytestmark = pytest.mark.slow

#: Routes that decode their JSON body themselves rather than through a ``data`` parameter.
READS_JSON_ITSELF = {("PUT", "/api/v1/solutions/{slug}/draft"), ("PUT", "/api/v1/cases/{slug}/draft")}
#: A value for each path parameter: an entry that exists where the handler looks it up before decoding.
PATH_VALUES = {"delegation_id": "1", "render_id": "1", "link_id": "1", "user_id": "1", "token_id": "1",
               "number": "1", "locale": "de", "segment": "solutions", "part": "letter"}  # fmt: skip
SLUGS = {"solutions": "modular-rain-gardens", "cases": "eksempelby-rain-gardens", "organisations": "regnspejl-demo"}
DEEP_ARRAYS = b"[" * 1000 + b"]" * 1000
DEEP_OBJECTS = b'{"a":' * 1000 + b"1" + b"}" * 1000
NOT_UTF8 = b'{"email": "\xff\xfe@example.org", "password": "x"}'
WITH_NUL = b'{"email": "a\\u0000b@example.org", "password": "x", "name": "x\\u0000"}'
HOSTILE_BODIES = {"deep arrays": DEEP_ARRAYS, "deep objects": DEEP_OBJECTS, "invalid UTF-8": NOT_UTF8, "NUL": WITH_NUL}
#: What the refusal of each hostile body says.
REASONS = {"deep arrays": f"more than {MAX_JSON_DEPTH} levels", "deep objects": f"more than {MAX_JSON_DEPTH} levels",
           "invalid UTF-8": "not valid UTF-8", "NUL": "NUL character"}  # fmt: skip


def _routes(client: Client) -> Iterator[tuple[str, str, Any]]:
    """Every method and path template of the application, with its handler (OPTIONS and HEAD left out)."""
    for route in client.app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                    yield method, route.path_format, handler


def _filled(template: str, **values: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name == "slug":
            return next((slug for prefix, slug in SLUGS.items() if f"/{prefix}/" in template), "demo")
        return PATH_VALUES.get(name, "demo")

    return re.sub(r"\{(\w+)\}", value, template)


def _json_routes(client: Client) -> list[tuple[str, str]]:
    found = {
        (method, path)
        for method, path, handler in _routes(client)
        if "data" in handler.parsed_fn_signature.parameters or (method, path) in READS_JSON_ITSELF
    }
    return sorted(found)


def _int_routes(client: Client) -> list[tuple[str, str, list[str]]]:
    found = set()
    for method, path, _ in _routes(client):
        names = re.findall(r"\{(\w+)\}", path)
        route = next(route for route in client.app.routes if route.path_format == path)
        ints = [name for name in names if route.path_parameters[name].type is int]
        if ints:
            found.add((method, path, tuple(ints)))
    return [(method, path, list(ints)) for method, path, ints in sorted(found)]


def _assert_problem(response: Any, status: int, name: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["instance"]
    if name is not None:
        assert [item["name"] for item in problem["invalid_params"]] == [name]
    return problem


@pytest.fixture
def admin(fresh_url: str, tmp_path: Path) -> Iterator[tuple[Client, dict[str, str]]]:
    """A client of the test's own database and the administrator's API token header."""
    tokens = api_tokens(fresh_url)
    with make_client(fresh_url, tmp_path / "data") as client:
        yield client, bearer(tokens["admin"])


def test_the_walk_finds_the_json_routes_and_those_with_integer_ids(admin: tuple[Client, dict[str, str]]) -> None:
    client, _ = admin
    json_routes = _json_routes(client)
    assert ("POST", "/api/v1/session") in json_routes and ("PUT", "/api/v1/delegations/{delegation_id}") in json_routes
    assert set(json_routes) >= READS_JSON_ITSELF
    int_routes = {(method, path) for method, path, _ in _int_routes(client)}
    assert ("GET", "/api/v1/delegations/{delegation_id}/renders/{render_id}") in int_routes
    assert ("POST", "/delegations/{delegation_id}/share/{link_id}/revoke") in int_routes
    assert ("POST", "/api/v1/solutions/{slug}/versions/{number}/restore") in int_routes


@pytest.mark.parametrize("hostile", HOSTILE_BODIES)
def test_every_json_route_refuses_deep_or_undecodable_json_and_changes_nothing(
    admin: tuple[Client, dict[str, str]], fresh_url: str, hostile: str
) -> None:
    client, headers = admin
    before = snapshot(fresh_url)
    for method, path in _json_routes(client):
        url = _filled(path)
        # Whatever the client claims the body is: the route decodes it as JSON all the same.
        for content_type in ("application/json", "text/plain"):
            response = client.request(
                method,
                url,
                content=HOSTILE_BODIES[hostile],
                headers={**headers, "Content-Type": content_type, "If-Match": '"p1"'},
            )
            problem = _assert_problem(response, 400, "body")
            reason = problem["invalid_params"][0]["reason"]
            assert REASONS[hostile] in reason, f"{method} {url}: {reason}"
    assert snapshot(fresh_url) == before


@pytest.mark.parametrize("hostile", HOSTILE_BODIES)
def test_anonymous_sign_in_refuses_deep_or_undecodable_json(fresh_client: Client, fresh_url: str, hostile: str) -> None:
    before = snapshot(fresh_url)
    response = fresh_client.post(
        "/api/v1/session", content=HOSTILE_BODIES[hostile], headers={"Content-Type": "application/json"}
    )
    problem = _assert_problem(response, 400, "body")
    assert problem["detail"].startswith("body: ")
    assert "set-cookie" not in response.headers
    assert snapshot(fresh_url) == before


def test_brackets_inside_strings_are_text_not_nesting(fresh_client: Client) -> None:
    body = {"email": "[{" * 90 + "@example.org", "password": "[" * 150}
    response = fresh_client.post("/api/v1/session", json=body)
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, None),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nested"),
        (b'{"a": "' + b"[" * 500 + b'"}', None),
        (b'{"a": "\\"' + b"[" * 500 + b'"}', None),
        (b'["unterminated \\"' + b"[" * 500, None),
        (b'"' + b'\\"' * 50_000, None),
        (b'["' + b"[" * 70 + b'"]' + b" " * 100_000, None),
        (b'["' + b"[" * 70 + b'", ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * MAX_JSON_DEPTH, None),
        (b'["' + b"]" * 70 + b'", ' + b"[" * MAX_JSON_DEPTH + b"]" * (MAX_JSON_DEPTH + 1), "nested"),
        (b'["caf\xc3\xa9"]', None),
        (b'["caf\xe9"]', "UTF-8"),
        (b'["\xed\xa0\x80"]', "UTF-8"),
        (b"", None),
        (b'["\\u0000"]', "NUL"),
        (b'["a\\\\\\u0000"]', "NUL"),
        (b'["a\\\\u0000"]', None),
        (b'["\\u00001"]', "NUL"),
        (b'["\\u0001"]', None),
    ],
)
def test_json_body_problem_measures_nesting_outside_strings(body: bytes, problem: str | None) -> None:
    found = json_body_problem(body)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize("value", [2**63, 2**64, 10**30, -(2**63) - 1])
def test_every_route_with_an_integer_id_answers_404_past_64_bits(
    admin: tuple[Client, dict[str, str]], fresh_url: str, value: int
) -> None:
    client, headers = admin
    before = snapshot(fresh_url)
    for method, path, ints in _int_routes(client):
        for name in ints:
            url = _filled(path, **{name: str(value)})
            response = client.request(method, url, headers=headers)
            if url.startswith("/api/"):
                problem = _assert_problem(response, 404)
                assert str(value) in problem["detail"], f"{method} {url}: {problem}"
            else:
                assert response.status_code == 404, f"{method} {url}: {response.status_code}"
                assert response.headers["content-type"].startswith("text/html")
    assert snapshot(fresh_url) == before


@pytest.mark.parametrize("value", [LARGEST_ID, SMALLEST_ID, 2**31])
def test_the_largest_ids_in_range_are_looked_up_without_failing(
    admin: tuple[Client, dict[str, str]], fresh_url: str, value: int
) -> None:
    client, headers = admin
    before = snapshot(fresh_url)
    for method, path, ints in _int_routes(client):
        # With the query parameters a route may require, so that the id is what the answer is about.
        url = _filled(path, **dict.fromkeys(ints, str(value))) + "?lang=de"
        response = client.request(method, url, headers=headers)
        # Not found, or refused for what else the request lacks: never a failure of the database driver.
        assert 400 <= response.status_code < 500, f"{method} {url}: {response.status_code} {response.text[:200]}"
    assert snapshot(fresh_url) == before


def test_an_account_id_past_64_bits_in_the_accounts_form_is_refused(
    admin: tuple[Client, dict[str, str]], fresh_url: str
) -> None:
    client, headers = admin
    before = snapshot(fresh_url)
    for value in (str(2**63), str(-(2**63) - 1)):
        response = client.post("/admin/users", data={"action": "deactivate", "user": value}, headers=headers)
        assert response.status_code == 422 and "no such account" in response.text
    assert snapshot(fresh_url) == before


@pytest.mark.parametrize("form", ["login", "reset", "edit"])
def test_a_form_with_a_nul_character_is_refused_and_changes_nothing(
    fresh_client: Client, fresh_url: str, form: str
) -> None:
    if form == "edit":
        sign_in_with_form(fresh_client, "company_a")
        path = "/edit/solutions/modular-rain-gardens"
        fields = {**edit_form_fields(fresh_client.get(f"{path}?locale=da").text), "action": "save"}
        fields["text.title"] = "Regnbede\x00"
    else:
        path = "/login" if form == "login" else "/password-reset"
        fields = {"_csrf": page_token(fresh_client.get(path).text), "email": "a\x00@example.org", "password": "x"}
    before = snapshot(fresh_url)
    response = fresh_client.post(path, data=fields)
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert snapshot(fresh_url) == before


def test_every_route_answers_404_to_a_path_segment_holding_nul(
    admin: tuple[Client, dict[str, str]], fresh_url: str
) -> None:
    client, headers = admin
    before = snapshot(fresh_url)
    tried = 0
    for method, path, _ in _routes(client):
        route = next(route for route in client.app.routes if route.path_format == path)
        for name in (name for name, parameter in route.path_parameters.items() if parameter.type is not int):
            url = _filled(path, **{name: "a%00b"})
            response = client.request(method, url, headers=headers)
            assert response.status_code == 404, f"{method} {url}: {response.status_code} {response.text[:200]}"
            # Problem details for the API and the files it serves, an error page for pages.
            kind = response.headers["content-type"]
            assert kind == "application/problem+json" or (kind.startswith("text/html") and not url.startswith("/api/"))
            tried += 1
    assert tried > 50
    assert snapshot(fresh_url) == before
