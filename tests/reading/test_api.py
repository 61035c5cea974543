"""The JSON API: every endpoint, filter, locale answer, ETag and problem detail, on both databases."""

from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import Client, make_client


def get(client: Client, url: str, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def slugs(page: dict[str, Any]) -> list[str]:
    return [item["slug"] for item in page["items"]]


def test_solutions_page_in_german(client: Client) -> None:
    page = get(client, "/api/v1/solutions?lang=de&theme=test-theme")
    assert page["locale"] == page["requested_locale"] == "de"
    assert slugs(page) == ["test-harbour-sensors", "test-quiet-asphalt"]
    sensors = page["items"][0]
    assert sensors["title"] == {
        "text": "Hafensensoren für Kopenhagen",
        "locale": "de",
        "fallback": False,
        "outdated": False,
        "source": "da",
    }
    assert sensors["locales"] == ["da", "en", "de", "zh"]
    asphalt = page["items"][1]
    assert asphalt["title"]["locale"] == "en"
    assert asphalt["title"]["fallback"] is True


def test_pagination_counts_everything(client: Client) -> None:
    everything = get(client, "/api/v1/solutions?per_page=100")
    first = get(client, "/api/v1/solutions?per_page=5")
    second = get(client, "/api/v1/solutions?per_page=5&page=2")
    assert first["total"] == second["total"] == everything["total"] == len(everything["items"])
    assert first["pages"] == -(-everything["total"] // 5)
    assert slugs(first) + slugs(second) == slugs(everything)[:10]
    beyond = get(client, f"/api/v1/solutions?per_page=5&page={first['pages'] + 1}")
    assert beyond["items"] == [] and beyond["total"] == everything["total"]


def test_unpublished_solution_is_hidden(client: Client) -> None:
    assert "test-unpublished" not in slugs(get(client, "/api/v1/solutions?per_page=100"))
    problem = get(client, "/api/v1/solutions/test-unpublished", 404)
    assert problem["detail"] == "no solution with the slug 'test-unpublished'"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=test-theme&organisation_kind=company", ["test-harbour-sensors", "test-quiet-asphalt"]),
        ("theme=test-theme&organisation_kind=municipality", []),
        ("theme=test-theme&country=se", ["test-harbour-sensors"]),
        ("theme=test-theme&available_locale=zh", ["test-harbour-sensors"]),
        ("theme=test-theme&available_locale=ja", ["test-quiet-asphalt"]),
        ("theme=test-theme&available_locale=ar", []),
        ("theme=test-theme&available_locale=fr", []),
    ],
)
def test_solution_filters(client: Client, query: str, expected: list[str]) -> None:
    assert slugs(get(client, f"/api/v1/solutions?per_page=100&{query}")) == expected


def test_solution_detail(client: Client) -> None:
    entry = get(client, "/api/v1/solutions/test-harbour-sensors?lang=da")
    solution = entry["data"]
    assert (entry["locale"], entry["requested_locale"]) == ("da", "da")
    assert solution["benefits"] == {"items": ["Færre lukkedage", "Åbne data"], "locale": "da", "fallback": False}
    assert solution["provider"] == {"slug": "test-provider", "name": "Testleverandør ApS", "kind": "company"}
    assert solution["sdgs"] == [6, 11]
    assert [case["slug"] for case in solution["cases"]] == ["test-harbour-bath"]


def test_case_detail_has_sourced_outcomes_and_cost(client: Client) -> None:
    case = get(client, "/api/v1/cases/test-harbour-bath?lang=en")["data"]
    assert case["partners"] == [
        {
            "organisation": {"slug": "test-fjordby-kommune", "name": "Fjordby Testkommune", "kind": "municipality"},
            "role": "owner",
        },
        {
            "organisation": {"slug": "test-provider", "name": "Testleverandør ApS", "kind": "company"},
            "role": "supplier",
        },
    ]
    (outcome,) = case["outcomes"]
    assert outcome["label"]["text"] == "Closed days per season"
    assert (outcome["baseline"], outcome["result"], outcome["unit"]) == (20, 6, "count")
    assert (outcome["source"], outcome["as_of"], outcome["verification"]) == (
        "Demo data (fictional)", "2021-09-30", "self_reported",
    )  # fmt: skip
    assert case["cost"] == {
        "investment": {"amount": 2500000.0, "currency": "DKK"},
        "funding_model": "public_budget",
        "payback_years": 4.0,
        "source": "Demo data (fictional)",
        "as_of": "2021-09-30",
    }
    assert [site["slug"] for site in case["visit_sites"]] == ["test-harbour-visit"]
    assert case["solutions"] == [
        {
            "slug": "test-harbour-sensors",
            "title": {
                "text": "Harbour sensors for Copenhagen",
                "locale": "en",
                "fallback": False,
                "outdated": False,
                "source": "da",
            },
        }
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=test-theme", ["test-harbour-bath"]),
        ("country=SE", ["test-harbour-bath"]),
        ("country=SE&organisation_kind=municipality", ["test-harbour-bath"]),
        ("country=SE&organisation_kind=utility", []),
        ("country=SE&available_locale=de", []),
    ],
)
def test_case_filters(client: Client, query: str, expected: list[str]) -> None:
    assert slugs(get(client, f"/api/v1/cases?per_page=100&{query}")) == expected


def test_draft_translation_is_never_served(client: Client) -> None:
    title = get(client, "/api/v1/solutions/test-harbour-sensors?lang=fr")["data"]["title"]
    assert (title["locale"], title["fallback"]) == ("en", True)


def test_organisations(client: Client) -> None:
    municipalities = get(client, "/api/v1/organisations?kind=municipality&per_page=100")
    assert "test-fjordby-kommune" in slugs(municipalities)
    assert {item["kind"] for item in municipalities["items"]} == {"municipality"}
    assert slugs(get(client, "/api/v1/organisations?q=testleverandor")) == ["test-provider"]
    companies = get(client, "/api/v1/organisations?organisation_kind=company&per_page=100")
    assert {item["kind"] for item in companies["items"]} == {"company"}
    both = get(client, "/api/v1/organisations?organisation_kind=company&kind=municipality&per_page=100")
    assert slugs(both) == slugs(companies)
    assert slugs(get(client, "/api/v1/organisations?theme=test-theme")) == ["test-provider"]
    org = get(client, "/api/v1/organisations/test-fjordby-kommune?lang=de")["data"]
    assert org["cvr"] == "64942212"
    assert org["description"]["fallback"] is True
    assert [case["slug"] for case in org["cases"]] == ["test-harbour-bath"]
    provider = get(client, "/api/v1/organisations/test-provider")["data"]
    assert [s["slug"] for s in provider["solutions"]] == [
        "test-aardvark-pumps", "test-harbour-sensors", "test-quiet-asphalt", "test-zebra-tunnel",
    ]  # fmt: skip


def test_visit_sites(client: Client) -> None:
    found = get(client, "/api/v1/visit-sites?q=badeanlaeg&lang=da")
    assert slugs(found) == ["test-harbour-visit"]
    site = found["items"][0]
    assert site["name"]["text"] == "Testhavnens badeanlæg"
    assert (site["capacity"], site["tour_languages"]) == (25, ["da", "en"])
    assert get(client, "/api/v1/visit-sites/test-harbour-visit")["data"]["host"]["slug"] == "test-fjordby-kommune"
    assert slugs(get(client, "/api/v1/visit-sites?kind=living_lab&q=badeanlaeg")) == []
    assert slugs(get(client, "/api/v1/visit-sites?theme=test-theme")) == ["test-harbour-visit"]


def test_themes_in_order_and_localised(client: Client) -> None:
    themes = get(client, "/api/v1/themes?lang=da")
    assert [theme["slug"] for theme in themes["data"][-2:]] == ["test-theme", "test-ranking"]
    assert themes["data"][-2]["label"]["text"] == "Testtema"
    assert len(themes["data"]) == 9


def test_locales(client: Client) -> None:
    locales = get(client, "/api/v1/locales")["data"]
    assert len(locales) == 17
    arabic = next(locale for locale in locales if locale["code"] == "ar")
    assert arabic["direction"] == "rtl" and arabic["interface"] is False
    assert {locale["code"] for locale in locales if locale["interface"]} == {"da", "en", "de"}


def test_unsupported_locale_is_served_in_the_fallback_and_says_so(client: Client) -> None:
    response = client.get("/api/v1/solutions/test-harbour-sensors?lang=tlh")
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert (body["locale"], body["requested_locale"]) == ("en", "tlh")
    assert body["data"]["title"]["locale"] == "en"


def test_accept_language_is_used_without_lang(client: Client) -> None:
    body = get(client, "/api/v1/solutions/test-harbour-sensors", headers={"Accept-Language": "de-CH, en;q=0.5"})
    assert body["locale"] == "de" and body["data"]["title"]["locale"] == "de"


def test_etag_and_not_modified(client: Client) -> None:
    url = "/api/v1/solutions?theme=test-theme&lang=de"
    first = client.get(url)
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["content-language"] == "de"
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get("/api/v1/solutions?theme=test-theme&lang=da").headers["etag"] != etag


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/solutions?per_page=101", "per_page"),
        ("/api/v1/solutions?per_page=0", "per_page"),
        ("/api/v1/solutions?page=0", "page"),
        ("/api/v1/cases?page=abc", "page"),
        ("/api/v1/cases?country=DNK", "country"),
        ("/api/v1/solutions?theme=no-such-theme", "theme"),
        ("/api/v1/solutions?available_locale=xx", "available_locale"),
        ("/api/v1/organisations?kind=castle", "kind"),
        ("/api/v1/solutions?organisation_kind=castle", "organisation_kind"),
        ("/api/v1/solutions?lang=%3Cscript%3E", "lang"),
        ("/api/v1/solutions?q=" + "x" * 201, "q"),
        ("/api/v1/visit-sites?kind=museum", "kind"),
    ],
)
def test_bad_query_parameters_get_problem_details(client: Client, url: str, parameter: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert [item["name"] for item in problem["invalid_params"]] == [parameter]
    assert parameter in problem["detail"]


@pytest.mark.parametrize("kind", ["solutions", "cases", "organisations", "visit-sites"])
def test_unknown_slug_is_a_problem(client: Client, kind: str) -> None:
    response = client.get(f"/api/v1/{kind}/no-such-entry")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "no-such-entry" in response.json()["detail"]


def test_unknown_api_path_is_a_problem(client: Client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_health(client: Client) -> None:
    assert get(client, "/healthz") == {"status": "ok"}
    assert get(client, "/readyz") == {"status": "ok", "database": "ok", "queue": "none"}


def test_openapi_describes_every_endpoint(client: Client) -> None:
    schema = get(client, "/schema/openapi.json")
    paths = schema["paths"]
    expected = {
        "/api/v1/solutions", "/api/v1/solutions/{slug}", "/api/v1/cases", "/api/v1/cases/{slug}",
        "/api/v1/organisations", "/api/v1/organisations/{slug}", "/api/v1/visit-sites",
        "/api/v1/visit-sites/{slug}", "/api/v1/themes", "/api/v1/locales", "/healthz", "/readyz",
        "/solutions/{slug}/brochure.pdf", "/solutions/{slug}/brochure",
        "/api/v1/session", "/api/v1/me", "/api/v1/me/tokens", "/api/v1/users", "/api/v1/review-queue",
        "/api/v1/images", "/api/v1/glossary", "/api/v1/translations/completeness", "/api/v1/translations/export",
        "/api/v1/translations/import", "/api/v1/me/tokens/{token_id}", "/api/v1/users/{user_id}",
        "/api/v1/themes/{slug}", "/api/v1/audit", "/api/v1/delegations", "/api/v1/delegations/{delegation_id}",
        "/api/v1/delegations/{delegation_id}/suggestions", "/api/v1/delegations/{delegation_id}/pack",
        "/api/v1/delegations/{delegation_id}/pack/readiness", "/api/v1/delegations/{delegation_id}/pack.pdf",
        "/api/v1/delegations/{delegation_id}/share-links", "/api/v1/delegations/{delegation_id}/share-links/{link_id}",
        "/api/v1/delegations/{delegation_id}/downloads", "/api/v1/delegations/{delegation_id}/renders",
        "/api/v1/delegations/{delegation_id}/renders/{render_id}",
        "/api/v1/delegations/{delegation_id}/renders/{render_id}/pdf",
        "/api/v1/delegations/{delegation_id}/pack/freshness",
    }  # fmt: skip
    for kind in ("solutions", "cases"):
        expected |= {
            f"/api/v1/{kind}/{{slug}}/{tail}"
            for tail in ("draft", "draft/submit", "draft/approve", "draft/return", "review", "versions",
                         "versions/{number}/restore", "translations/{locale}", "translations/{locale}/confirm")
        }  # fmt: skip
    expected |= {
        "/api/v1/organisations/{slug}/reach",
        "/api/v1/delegations/{delegation_id}/pack/translation-requests",
        "/api/v1/translation-requests",
    }
    assert set(paths) == expected
    solutions = paths["/api/v1/solutions"]["get"]
    parameters = {parameter["name"]: parameter for parameter in solutions["parameters"]}
    assert set(parameters) == {
        "lang", "q", "theme", "organisation_kind", "country", "available_locale", "page", "per_page",
    }  # fmt: skip
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert all(parameter.get("description") for parameter in parameters.values())
    assert {"200", "304", "400"} <= set(solutions["responses"])
    assert "404" in paths["/api/v1/cases/{slug}"]["get"]["responses"]
    # Problems shared by a controller's routes are documented on each route.
    generate = paths["/api/v1/delegations/{delegation_id}/renders"]["post"]
    assert {"401", "403", "404", "422"} <= set(generate["responses"])
    assert {"401", "403"} <= set(paths["/api/v1/translations/completeness"]["get"]["responses"])
    for path, operations in paths.items():
        for operation in operations.values():
            assert operation.get("description") or operation.get("summary"), path


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/solutions?q=a%00b", 400),
        ("/api/v1/solutions?theme=a%00b", 400),
        ("/api/v1/solutions/a%00b", 404),
        ("/api/v1/cases/%F0%9F%98%80", 404),
        ("/api/v1/solutions?q=%F0%9F%98%80", 200),
    ],
)
def test_control_characters_and_odd_unicode_never_reach_the_database(client: Client, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text


@pytest.mark.parametrize("url", ["/api/v1/themes?lang=da", "/healthz", "/?lang=de", "/schema/openapi.json"])
def test_head_answers_like_get_without_a_body(client: Client, url: str) -> None:
    get_answer = client.get(url)
    head_answer = client.head(url)
    assert head_answer.status_code == 200
    assert head_answer.content == b""
    assert head_answer.headers["etag"] == get_answer.headers["etag"]
    assert head_answer.headers["content-length"] == str(len(get_answer.content))
    assert client.head(url, headers={"If-None-Match": get_answer.headers["etag"]}).status_code == 304
    assert client.head("/api/v1/solutions/no-such-solution").status_code == 404


def test_problem_details_are_described_in_the_schema(client: Client) -> None:
    schema = get(client, "/schema/openapi.json")
    response = schema["paths"]["/api/v1/cases/{slug}"]["get"]["responses"]["404"]
    reference = response["content"]["application/problem+json"]["schema"]["$ref"]
    problem = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert {"title", "status", "detail", "instance", "type", "invalid_params"} <= set(problem["properties"])
    assert "503" in schema["paths"]["/readyz"]["get"]["responses"]


def test_security_headers(client: Client) -> None:
    for url in ("/api/v1/themes", "/?lang=en"):
        headers = client.get(url).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = client.get("/?lang=en").headers["content-security-policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_links_never_come_from_the_host_header(client: Client) -> None:
    page = client.get("/?lang=en", headers={"Host": "attacker.example"}).text
    assert "attacker.example" not in page
    assert 'hreflang="de" href="http://127.0.0.1:8000/?lang=de"' in page


def test_an_unreachable_database_is_a_503(tmp_path: Path) -> None:
    with make_client("postgresql://postgres@127.0.0.1:1/nowhere", tmp_path) as unreachable:
        # The process is alive, but not ready for work.
        assert unreachable.get("/healthz").status_code == 200
        readiness = unreachable.get("/readyz")
        assert readiness.status_code == 503
        assert readiness.json()["status"] == "unavailable" and readiness.json()["database"] != "ok"
        response = unreachable.get("/api/v1/solutions")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "database" in response.json()["detail"] and response.headers["retry-after"].isdigit()
        page = unreachable.get("/?lang=de")
        assert page.status_code == 503 and page.headers["retry-after"].isdigit()
