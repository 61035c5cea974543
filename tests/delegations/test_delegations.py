"""Delegations and their suggestions, on the demo catalogue."""

from typing import Any

import pytest

from tests.support.accounts import snapshot
from tests.support.databases import Client
from tests.support.delegations import BUSAN, ROOT, create_delegation, put_pack, suggested_pack
from tests.support.editing import Desk


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def test_suggestions_for_a_lighting_and_climate_delegation_rank_those_first_and_say_why(desk: Desk) -> None:
    created = create_delegation(desk)
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
    both = create_delegation(desk, languages=["en"]).json()
    rare = create_delegation(desk, languages=["ko"]).json()
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
    response = create_delegation(desk, **change)
    assert response.status_code in {400, 422}, response.text
    assert field in response.text
    assert snapshot(desk.url) == before


def test_each_adviser_sees_only_their_own_delegations(desk: Desk) -> None:
    mine = create_delegation(desk).json()
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
    mine = create_delegation(desk).json()
    path = f"{ROOT}/{mine['id']}"
    assert desk("adviser", "PUT", path, {**BUSAN, "group_size": 20}).status_code == 428
    changed = desk("adviser", "PUT", path, {**BUSAN, "group_size": 20}, mine["etag"])
    assert changed.status_code == 200 and changed.json()["group_size"] == 20
    assert desk("adviser", "PUT", path, {**BUSAN, "group_size": 30}, mine["etag"]).status_code == 412
    assert desk("adviser", "DELETE", path).status_code == 204
    assert desk("adviser", "GET", path).status_code == 404


def test_an_adviser_composes_a_pack_from_the_suggestions(desk: Desk) -> None:
    delegation = create_delegation(desk).json()
    empty = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/pack")
    assert empty.status_code == 200 and empty.json()["items"] == []
    body = suggested_pack(desk, delegation)
    saved = put_pack(desk, delegation, body, empty.headers["etag"])
    assert saved.status_code == 200, saved.text
    assert [(i["kind"], i["slug"]) for i in saved.json()["items"]] == [(i["kind"], i["slug"]) for i in body["items"]]
    assert all(i["title"] != i["slug"] for i in saved.json()["items"])
    # Reordering is a save of the new order, made to the current version.
    body["items"].reverse()
    again = put_pack(desk, delegation, body, saved.headers["etag"])
    assert again.json()["items"][0]["slug"] == body["items"][0]["slug"]
    assert put_pack(desk, delegation, body, saved.headers["etag"]).status_code == 412
    readiness = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/pack/readiness").json()
    assert [r["language"] for r in readiness] == ["ko", "en"]
    korean = readiness[0]
    assert not korean["ready"] and all(m["shown_in"] != "ko" for m in korean["missing"])
    for actor, status in (("adviser_2", 404), ("company_a", 403), ("translator", 403)):
        before = snapshot(desk.url)
        assert desk(actor, "GET", f"{ROOT}/{delegation['id']}/pack").status_code == status
        assert desk(actor, "PUT", f"{ROOT}/{delegation['id']}/pack", body, again.headers["etag"]).status_code == status
        assert snapshot(desk.url) == before
    anonymous = desk.client.put(
        f"{ROOT}/{delegation['id']}/pack", json=body, headers={"If-Match": again.headers["etag"]}
    )
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"items": [{"kind": "solution", "slug": "modular-rain-gardens"}] * 2}, "twice"),
        ({"items": [{"kind": "solution", "slug": f"s-{n}"} for n in range(61)]}, "items"),
        ({"items": [{"kind": "solution", "slug": "test-unpublished"}]}, "no published solution"),
        ({"programme": [{"date": "2027-06-01", "visits": []}]}, "outside the visit"),
        ({"programme": [{"date": "2027-05-11"}, {"date": "2027-05-10"}]}, "in order"),
        ({"programme": [{"date": "2027-05-10", "visits": [{"starts_at": "14:00", "title": "A"},
                                                         {"starts_at": "09:00", "title": "B"}]}]}, "order of time"),
        ({"letter": {"fr": "Bonjour"}}, "not one of the delegation's languages"),
        ({"contacts": [{"name": "X", "email": "not-an-address"}]}, "email"),
    ],
)  # fmt: skip
def test_a_pack_that_breaks_a_limit_is_refused_and_nothing_changes(
    desk: Desk, change: dict[str, Any], problem: str
) -> None:
    delegation = create_delegation(desk).json()
    before = snapshot(desk.url)
    response = put_pack(desk, delegation, {**suggested_pack(desk, delegation), **change})
    assert response.status_code in {400, 422}, response.text
    assert problem in response.text
    assert snapshot(desk.url) == before
