"""Every state-changing and draft-reading route, tried by every kind of account.

Each refusal must be the expected status and leave the database exactly as it was; each allowed
account must get through.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from PIL import Image

from services.editing.importing import read_catalogue_files
from tests.support.accounts import ACTORS, api_tokens, bearer, snapshot
from tests.support.databases import DEMO_DATA, Client, TemplateDatabases, make_client
from tests.support.editing import encode

pytestmark = pytest.mark.slow

SOLUTION = "modular-rain-gardens"  # provided by company A (Regnspejl)
CASE = "eksempelby-rain-gardens"  # kept by company A
EVERYONE = ("anonymous", *ACTORS)


class Matrix:
    def __init__(self, client: Client, url: str, tokens: dict[str, str]) -> None:
        self.client, self.url, self.tokens = client, url, tokens

    def call(self, actor: str, method: str, path: str, body: Any = None, etag: str | None = None) -> Any:
        headers = bearer(self.tokens.get(actor))
        if etag:
            headers["If-Match"] = etag
        if isinstance(body, bytes):
            return self.client.request(method, path, content=body, headers=headers)
        return self.client.request(method, path, json=body, headers=headers)

    def etag(self, kind: str, slug: str) -> str:
        response = self.call("admin", "GET", f"/api/v1/{kind}/{slug}/draft")
        assert response.status_code == 200, response.text
        return str(response.headers["etag"])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def matrix(
    request: pytest.FixtureRequest, template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    folder: Path = tmp_path_factory.mktemp(f"matrix-{request.param}")
    url = template_databases.clone(request.param, folder)
    tokens = api_tokens(url)
    with make_client(url, folder / "data") as client:
        matrix = Matrix(client, url, tokens)
        # Company A opens and submits a draft of each entry, so that every review route has work.
        for kind, slug in (("solutions", SOLUTION), ("cases", CASE)):
            content = matrix.call("company_a", "GET", f"/api/v1/{kind}/{slug}/draft").json()["content"]
            content["title"]["de"] = f"Entwurf {slug}"
            saved = matrix.call("company_a", "PUT", f"/api/v1/{kind}/{slug}/draft", content, matrix.etag(kind, slug))
            assert saved.status_code == 200, saved.text
            submitted = matrix.call(
                "company_a", "POST", f"/api/v1/{kind}/{slug}/draft/submit", None, saved.headers["etag"]
            )
            assert submitted.status_code == 200, submitted.text
        yield matrix


def _edited(matrix: Matrix, kind: str, slug: str) -> dict[str, Any]:
    """The working copy with a change no translator may make (a non-text field)."""
    content: dict[str, Any] = matrix.call("admin", "GET", f"/api/v1/{kind}/{slug}/draft").json()["content"]
    if kind == "solutions":
        content["maturity"] = "pilot" if content["maturity"] != "pilot" else "commercial"
    else:
        content["city"] = content["city"] + " (edited)"
    return content


def _state(matrix: Matrix, kind: str, slug: str) -> str:
    return str(matrix.call("admin", "GET", f"/api/v1/{kind}/{slug}/draft").json()["status"])


def _prepare(matrix: Matrix, kind: str, slug: str, wanted: str | None) -> None:
    """Bring the entry into the state an allowed call needs: an open draft, a submitted one, or none."""
    base = f"/api/v1/{kind}/{slug}"
    if wanted in {"draft", "submitted"}:
        saved = matrix.call("admin", "PUT", f"{base}/draft", _edited(matrix, kind, slug), matrix.etag(kind, slug))
        assert saved.status_code == 200, saved.text
        if wanted == "submitted":
            response = matrix.call("admin", "POST", f"{base}/draft/submit", None, matrix.etag(kind, slug))
            assert response.status_code == 200, response.text
    elif wanted == "closed" and _state(matrix, kind, slug) != "published":
        _prepare(matrix, kind, slug, "submitted")
        response = matrix.call("admin", "POST", f"{base}/draft/approve", {}, matrix.etag(kind, slug))
        assert response.status_code == 200, response.text


#: route -> (method, path, the state allowed calls need, expected status per account). Refusals
#: come first; allowed accounts follow, each after the entry is brought into the needed state.
ROUTES: dict[str, tuple[str, str, str | None, dict[str, int]]] = {
    "read draft": ("GET", "/api/v1/{kind}/{slug}/draft", None, {
        "anonymous": 401, "company_b": 404, "company_a": 200, "translator": 200, "adviser": 200, "admin": 200,
    }),
    "read review": ("GET", "/api/v1/{kind}/{slug}/review", None, {
        "anonymous": 401, "company_b": 404, "company_a": 200, "translator": 200, "adviser": 200, "admin": 200,
    }),
    "read versions": ("GET", "/api/v1/{kind}/{slug}/versions", None, {
        "anonymous": 401, "company_b": 404, "company_a": 200, "translator": 200, "adviser": 200, "admin": 200,
    }),
    "save draft": ("PUT", "/api/v1/{kind}/{slug}/draft", None, {
        "anonymous": 401, "company_b": 404, "translator": 403, "company_a": 200, "adviser": 200, "admin": 200,
    }),
    "submit": ("POST", "/api/v1/{kind}/{slug}/draft/submit", "draft", {
        "anonymous": 401, "company_b": 404, "company_a": 200, "translator": 200, "adviser": 200, "admin": 200,
    }),
    "return": ("POST", "/api/v1/{kind}/{slug}/draft/return", "submitted", {
        "anonymous": 401, "company_b": 404, "company_a": 403, "translator": 403, "adviser": 200, "admin": 200,
    }),
    "approve": ("POST", "/api/v1/{kind}/{slug}/draft/approve", "submitted", {
        "anonymous": 401, "company_b": 404, "company_a": 403, "translator": 403, "adviser": 200, "admin": 200,
    }),
    "discard draft": ("DELETE", "/api/v1/{kind}/{slug}/draft", "draft", {
        "anonymous": 401, "company_b": 404, "translator": 403, "company_a": 200, "adviser": 200, "admin": 200,
    }),
    "confirm translations": ("POST", "/api/v1/{kind}/{slug}/translations/de/confirm", None, {
        "anonymous": 401, "company_b": 404, "company_a": 200, "translator": 200, "adviser": 200, "admin": 200,
    }),
    "restore": ("POST", "/api/v1/{kind}/{slug}/versions/1/restore", "closed", {
        "anonymous": 401, "company_b": 404, "company_a": 403, "translator": 403, "adviser": 200, "admin": 200,
    }),
}  # fmt: skip


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize(("kind", "slug"), [("solutions", SOLUTION), ("cases", CASE)])
def test_entry_routes_answer_each_account_as_its_role_allows(matrix: Matrix, route: str, kind: str, slug: str) -> None:
    method, template, needs, expected = ROUTES[route]
    path = template.format(kind=kind, slug=slug)
    for actor, status in sorted(expected.items(), key=lambda item: item[1] < 400):
        if status < 400:
            _prepare(matrix, kind, slug, needs)
        body = _edited(matrix, kind, slug) if method == "PUT" else {"comment": "Please add a source."}
        if path.endswith("/confirm"):
            body = {"fields": ["summary"]}
        before = snapshot(matrix.url) if status >= 400 else None
        response = matrix.call(actor, method, path, body if method != "GET" else None, matrix.etag(kind, slug))
        assert response.status_code == status, f"{actor} {method} {path}: {response.text}"
        if before is not None:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert snapshot(matrix.url) == before, f"{actor} {method} {path} changed the database"


DEMO_DATA_FILES = read_catalogue_files(DEMO_DATA.glob("*.toml"))
ORGANISATION = msgspec.to_builtins(next(o for o in DEMO_DATA_FILES.organisations if o.slug == "regnspejl-demo"))
THEME = msgspec.to_builtins(DEMO_DATA_FILES.themes[0])
NEW_ORGANISATION = {
    "slug": "nyby-demo", "name": "Nyby ApS", "kind": "company", "helix_role": "industry", "city": "Vejle",
    "description": {"da": "En ny virksomhed."},
}  # fmt: skip
NEW_THEME = {
    "slug": "new-theme",
    "position": 99,
    "source_locale": "en",
    "label": {"en": "New"},
    "description": {"en": "A new theme."},
}
ONLY_ADMIN = {"anonymous": 401, "company_a": 403, "company_b": 403, "translator": 403, "adviser": 403}

ACCOUNT_ROUTES: dict[str, tuple[str, str, Any, dict[str, int]]] = {
    "review queue": ("GET", "/api/v1/review-queue", None, {
        "anonymous": 401, "company_a": 403, "company_b": 403, "translator": 403, "adviser": 200, "admin": 200,
    }),
    "audit log": ("GET", "/api/v1/audit", None, {**ONLY_ADMIN, "admin": 200}),
    "list users": ("GET", "/api/v1/users", None, {
        "anonymous": 401, "company_a": 403, "company_b": 403, "translator": 403, "adviser": 403, "admin": 200,
    }),
    "invite": ("POST", "/api/v1/users", {"email": "new@example.org", "display_name": "New", "role": "adviser"}, {
        "anonymous": 401, "company_a": 403, "company_b": 403, "translator": 403, "adviser": 403, "admin": 201,
    }),
    "upload image": ("POST", "/api/v1/images", encode(Image.new("RGB", (8, 8), "red"), "image/png"), {
        "anonymous": 401, "translator": 403, "company_b": 201,
    }),
    "import translations": ("POST", "/api/v1/translations/import", b"<not-xliff/>", {
        "anonymous": 401, "translator": 422,
    }),
    "add organisation": ("POST", "/api/v1/organisations", NEW_ORGANISATION, {
        **ONLY_ADMIN, "admin": 201,
    }),
    "replace organisation": ("PUT", f"/api/v1/organisations/{ORGANISATION['slug']}", ORGANISATION, {
        **ONLY_ADMIN, "admin": 204,
    }),
    "add theme": ("POST", "/api/v1/themes", NEW_THEME, {**ONLY_ADMIN, "admin": 201}),
    "replace theme": ("PUT", f"/api/v1/themes/{THEME['slug']}", THEME, {**ONLY_ADMIN, "admin": 204}),
    "turn an account on": ("PATCH", "/api/v1/users/{company_b}", {"active": True}, {**ONLY_ADMIN, "admin": 200}),
    "new token": ("POST", "/api/v1/me/tokens", {"name": "integration"}, {
        "anonymous": 401, "company_b": 201, "translator": 201,
    }),
}  # fmt: skip


@pytest.mark.parametrize("route", list(ACCOUNT_ROUTES))
def test_account_routes_answer_each_account_as_its_role_allows(matrix: Matrix, route: str) -> None:
    method, path, body, expected = ACCOUNT_ROUTES[route]
    users = {user["email"]: user["id"] for user in matrix.call("admin", "GET", "/api/v1/users").json()}
    path = path.replace("{company_b}", str(users[ACTORS["company_b"]]))
    for actor, status in expected.items():
        before = snapshot(matrix.url) if status >= 400 else None
        response = matrix.call(actor, method, path, body)
        assert response.status_code == status, f"{actor} {method} {path}: {response.text}"
        if before is not None:
            assert snapshot(matrix.url) == before, f"{actor} {method} {path} changed the database"


def test_the_matrix_covers_every_editing_route(matrix: Matrix) -> None:
    schema = matrix.client.get("/schema/openapi.json").json()
    changing = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"put", "post", "delete", "patch"} or path.endswith(("/draft", "/review", "/versions"))
    }
    covered = {(method, template.format(kind=kind, slug="{slug}")) for method, template, _, _ in ROUTES.values()
               for kind in ("solutions", "cases")}  # fmt: skip
    covered |= {(method, path) for method, path, _, _ in ACCOUNT_ROUTES.values()}
    covered |= {("POST", "/api/v1/session"), ("DELETE", "/api/v1/session")}  # tested in test_accounts
    covered |= {("DELETE", "/api/v1/me/tokens/{token_id}")}  # tested below
    # Delegations have one owner each: their own matrix is in test_delegations.
    covered |= {("POST", "/api/v1/delegations"), ("PUT", "/api/v1/delegations/{delegation_id}"),
                ("DELETE", "/api/v1/delegations/{delegation_id}"),
                ("PUT", "/api/v1/delegations/{delegation_id}/pack"),
                ("POST", "/api/v1/delegations/{delegation_id}/share-links"),
                ("DELETE", "/api/v1/delegations/{delegation_id}/share-links/{link_id}")}  # fmt: skip
    # Generations too: test_pack_jobs refuses other advisers, editors and bad languages with nothing stored.
    covered |= {("POST", "/api/v1/delegations/{delegation_id}/renders")}
    # Translation requests go through their delegation: their matrix is in test_translation_requests.
    covered |= {("POST", "/api/v1/delegations/{delegation_id}/pack/translation-requests")}
    covered = {
        (
            method,
            path.replace("{company_b}", "{user_id}")
            .replace(ORGANISATION["slug"], "{slug}")
            .replace(THEME["slug"], "{slug}"),
        )
        for method, path in covered
    }
    covered = {(method, path.replace("/1/", "/{number}/").replace("/de/", "/{locale}/")) for method, path in covered}
    assert changing <= covered, changing - covered
    assert set(schema["components"]["securitySchemes"]) == {"token", "session"}
    undocumented = {
        (method, path) for method, path in changing
        if path != "/api/v1/session" and not schema["paths"][path][method.lower()].get("security")
    }  # fmt: skip
    assert not undocumented, undocumented


def test_a_bad_token_is_refused_and_not_taken_for_anonymous(matrix: Matrix) -> None:
    for header in ("Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer "):
        response = matrix.client.get(f"/api/v1/solutions/{SOLUTION}/draft", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_api_token_is_revoked_only_by_its_owner(matrix: Matrix) -> None:
    made = matrix.call("company_a", "POST", "/api/v1/me/tokens", {"name": "to revoke"})
    secret = made.json()["token"]
    listed = matrix.call("company_a", "GET", "/api/v1/me/tokens").json()
    mine = next(token for token in listed if token["name"] == "to revoke")
    path = f"/api/v1/me/tokens/{mine['id']}"
    for actor, status in (("anonymous", 401), ("company_b", 404), ("admin", 404)):
        before = snapshot(matrix.url)
        assert matrix.call(actor, "DELETE", path).status_code == status
        assert snapshot(matrix.url) == before
    assert matrix.client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert matrix.call("company_a", "DELETE", path).status_code == 204
    assert matrix.client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
