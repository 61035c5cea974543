"""Delegations and their suggestions, on the demo catalogue."""

from typing import Any

import pytest

from tests.accounts_support import snapshot
from tests.conftest import Client
from tests.test_editing import Desk

BUSAN = {
    "name": "Busan smart-city office",
    "country": "KR",
    "city": "Busan",
    "organisations": ["Busan Metropolitan City"],
    "languages": ["ko", "en"],
    "starts_on": "2027-05-10",
    "ends_on": "2027-05-12",
    "group_size": 14,
    "themes": ["lighting", "climate-adaptation"],
    "challenges": "Smart street lighting that saves energy, and protection against cloudbursts in a coastal city.",
}
ROOT = "/api/v1/delegations"


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _create(desk: Desk, actor: str = "adviser", **changes: Any) -> Any:
    return desk(actor, "POST", f"{ROOT}/", {**BUSAN, **changes})


def test_suggestions_for_a_lighting_and_climate_delegation_rank_those_first_and_say_why(desk: Desk) -> None:
    created = _create(desk)
    assert created.status_code == 201, created.text
    found = desk("adviser", "GET", f"{ROOT}/{created.json()['id']}/suggestions?lang=en").json()
    solutions = found["solutions"]
    assert len(solutions) >= 5
    themes = {s["slug"]: {r["value"] for r in s["reasons"] if r["kind"] == "theme"} for s in solutions}
    # Everything suggested shares a theme or answers a challenge; the top five share a theme.
    assert all(themes[s["slug"]] or any(r["kind"] == "challenge" for r in s["reasons"]) for s in solutions)
    assert all(themes[s["slug"]] & {"lighting", "climate-adaptation"} for s in solutions[:5])
    scores = [s["score"] for s in solutions]
    assert scores == sorted(scores, reverse=True)
    top = solutions[0]
    texts = [r["text"] for r in top["reasons"]]
    assert any(text.startswith("theme: ") for text in texts)
    assert any(text == "available in English" for text in texts)
    assert any(r["kind"] == "challenge" for s in solutions for r in s["reasons"])
    cases = found["cases"]
    assert cases and all(any(r["kind"] in {"theme", "challenge"} for r in c["reasons"]) for c in cases)
    german = desk("adviser", "GET", f"{ROOT}/{created.json()['id']}/suggestions?lang=de").json()
    assert any(r["text"].startswith("Thema: ") for r in german["solutions"][0]["reasons"])


def test_a_delegation_with_more_languages_it_reads_ranks_translated_entries_higher(desk: Desk) -> None:
    both = _create(desk, languages=["en"]).json()
    rare = _create(desk, languages=["ko"]).json()
    english = desk("adviser", "GET", f"{ROOT}/{both['id']}/suggestions").json()["solutions"]
    korean = desk("adviser", "GET", f"{ROOT}/{rare['id']}/suggestions").json()["solutions"]
    assert {s["slug"] for s in english} == {s["slug"] for s in korean}
    assert sum(s["score"] for s in english) > sum(s["score"] for s in korean)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2027-05-01"}, "ends_on"),
        ({"languages": ["ko", "xx"]}, "languages"),
        ({"languages": ["ko", "ko"]}, "languages"),
        ({"themes": ["space-travel"]}, "themes"),
        ({"group_size": 0}, "group_size"),
        ({"languages": []}, "languages"),
    ],
)
def test_a_delegation_that_breaks_a_rule_is_refused_and_nothing_is_stored(
    desk: Desk, change: dict[str, Any], field: str
) -> None:
    before = snapshot(desk.url)
    response = _create(desk, **change)
    assert response.status_code in {400, 422}, response.text
    assert field in response.text
    assert snapshot(desk.url) == before


def test_each_adviser_sees_only_their_own_delegations(desk: Desk) -> None:
    mine = _create(desk).json()
    path = f"{ROOT}/{mine['id']}"
    expected = {"anonymous": 401, "company_a": 403, "translator": 403, "adviser_2": 404}
    for actor, status in expected.items():
        for method, body in (("GET", None), ("PUT", BUSAN), ("DELETE", None), ("GET", None)):
            target = f"{path}/suggestions" if (method, body) == ("GET", None) and actor == "adviser_2" else path
            before = snapshot(desk.url)
            headers = {"Authorization": f"Bearer {desk.tokens[actor]}"} if actor in desk.tokens else {}
            if method == "PUT":
                headers["If-Match"] = mine["etag"]
            response = desk.client.request(method, target, json=body, headers=headers)
            assert response.status_code == status, f"{actor} {method} {target}"
            assert snapshot(desk.url) == before
    assert [d["id"] for d in desk("adviser_2", "GET", f"{ROOT}/").json()] == []
    assert mine["id"] in [d["id"] for d in desk("admin", "GET", f"{ROOT}/").json()]


def test_changes_to_a_delegation_need_its_current_etag(desk: Desk) -> None:
    mine = _create(desk).json()
    path = f"{ROOT}/{mine['id']}"
    assert desk("adviser", "PUT", path, {**BUSAN, "group_size": 20}).status_code == 428
    changed = desk("adviser", "PUT", path, {**BUSAN, "group_size": 20}, mine["etag"])
    assert changed.status_code == 200 and changed.json()["group_size"] == 20
    assert desk("adviser", "PUT", path, {**BUSAN, "group_size": 30}, mine["etag"]).status_code == 412
    assert desk("adviser", "DELETE", path).status_code == 204
    assert desk("adviser", "GET", path).status_code == 404
