"""Reach: a company sees how many delegation packs and countries its solutions went to, and nothing more."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from catalogue.database import sync_engine
from catalogue.packs import PackRender
from tests.support.accounts import snapshot
from tests.support.databases import Client, make_client
from tests.support.delegations import BUSAN, ROOT
from tests.support.editing import Desk, sign_in_with_form

REGNSPEJL = "/api/v1/organisations/regnspejl-demo/reach"
CYKELPULS = "/api/v1/organisations/cykelpuls-demo/reach"


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _delegation(desk: Desk, country: str, languages: list[str]) -> int:
    created = desk("adviser", "POST", f"{ROOT}/", {**BUSAN, "country": country, "languages": languages})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _render(url: str, delegation_id: int, language: str, status: str, entries: list[tuple[str, str]]) -> None:
    """A render row as the pack renderer leaves it."""
    at = dt.datetime(2027, 4, 2, 9, 30, tzinfo=dt.UTC)
    done = status == "done"
    versions: dict[str, Any] = {
        "delegation": 1,
        "pack": 2,
        "entries": [{"kind": kind, "slug": slug, "version": 3} for kind, slug in entries],
    }
    engine = sync_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(PackRender).values(
                    delegation_id=delegation_id, language=language, status=status,
                    stage="finished" if done else "waiting", progress=100 if done else 0, attempts=1,
                    requested_at=at, finished_at=at if status in {"done", "failed"} else None,
                    versions=versions if done else {},
                )
            )  # fmt: skip
    finally:
        engine.dispose()


def _travelled(desk: Desk) -> None:
    """Four delegations: two reach Regnspejl (Korea twice over, Germany), one only Cykelpuls, one never finished."""
    korea = _delegation(desk, "KR", ["ko", "en"])
    germany = _delegation(desk, "DE", ["de"])
    korea_again = _delegation(desk, "KR", ["en"])
    sweden = _delegation(desk, "SE", ["sv"])
    mixed = [("solution", "modular-rain-gardens"), ("case", "eksempelby-rain-gardens"),
             ("solution", "bicycle-counting-sensors"), ("visit_site", "cykelpuls-demo-test-route")]  # fmt: skip
    for language in ("ko", "en", "ko"):
        _render(desk.url, korea, language, "done", mixed)
    _render(
        desk.url, germany, "de", "done", [("solution", "modular-rain-gardens"), ("solution", "sewer-level-sensors")]
    )
    _render(desk.url, germany, "de", "failed", [("solution", "cloudburst-early-warning")])
    _render(desk.url, korea_again, "en", "done", [("solution", "bicycle-counting-sensors")])
    _render(desk.url, sweden, "sv", "failed", [("solution", "cloudburst-early-warning")])
    _render(desk.url, sweden, "sv", "queued", [("solution", "cloudburst-early-warning")])
    _render(desk.url, sweden, "sv", "running", [("solution", "smart-water-meter-leak-detection")])


def _counts(reach: dict[str, Any], kind: str) -> dict[str, tuple[int, int]]:
    return {item["slug"]: (item["packs"], item["countries"]) for item in reach[kind]}


def test_each_delegation_counts_once_and_only_finished_renders_count(desk: Desk) -> None:
    _travelled(desk)
    answer = desk("company_a", "GET", f"{REGNSPEJL}?lang=de")
    assert answer.status_code == 200, answer.text
    reach = answer.json()
    assert reach["organisation"] == "regnspejl-demo" and reach["packs"] == 2
    assert reach["countries"] == [{"code": "DE", "name": "Deutschland"}, {"code": "KR", "name": "Südkorea"}]
    assert _counts(reach, "solutions") == {
        "modular-rain-gardens": (2, 2),
        "sewer-level-sensors": (1, 1),
        "cloudburst-early-warning": (0, 0),
        "smart-water-meter-leak-detection": (0, 0),
    }
    assert [item["slug"] for item in reach["solutions"]][:2] == ["modular-rain-gardens", "sewer-level-sensors"]
    cases = _counts(reach, "cases")
    assert cases["eksempelby-rain-gardens"] == (1, 1) and cases["nordvig-sewer-sensors-and-warnings"] == (0, 0)
    other = desk("company_b", "GET", CYKELPULS).json()
    assert other["packs"] == 2 and [c["code"] for c in other["countries"]] == ["KR"]
    assert _counts(other, "solutions")["bicycle-counting-sensors"] == (2, 1)
    # Nothing about the delegations or who prepared them leaves the service.
    assert "Busan" not in answer.text and "adviser" not in answer.text and "2027" not in answer.text


def test_nothing_delivered_yet_counts_nothing(desk: Desk) -> None:
    reach = desk("company_a", "GET", REGNSPEJL).json()
    assert reach["packs"] == 0 and reach["countries"] == []
    assert all(item["packs"] == 0 for item in reach["solutions"] + reach["cases"])


def test_advisers_and_administrators_see_any_company_and_nobody_else_does(desk: Desk) -> None:
    _travelled(desk)
    for actor in ("adviser", "adviser_2", "admin"):
        assert desk(actor, "GET", REGNSPEJL).json()["packs"] == 2
    before = snapshot(desk.url)
    refusals = {("company_b", REGNSPEJL): 404, ("company_a", CYKELPULS): 404, ("translator", REGNSPEJL): 403}
    for (actor, path), status in refusals.items():
        response = desk(actor, "GET", path)
        assert response.status_code == status, f"{actor} {path}"
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "packs" not in response.json()
    assert desk.client.get(REGNSPEJL).status_code == 401
    assert desk("adviser", "GET", "/api/v1/organisations/no-such-company/reach").status_code == 404
    assert snapshot(desk.url) == before


def test_the_workspace_shows_the_reach_in_danish(desk: Desk, fresh_url: str, tmp_path: Path) -> None:
    _travelled(desk)
    with make_client(fresh_url, tmp_path / "editor") as browser:
        sign_in_with_form(browser, "company_a")
        page = browser.get("/workspace?lang=da")
        assert page.status_code == 200
        text = page.text
        assert "Jeres løsninger indgik i 2 delegationsmapper til besøgende fra 2 lande." in text
        assert "Lande: Sydkorea og Tyskland" in text
        assert "<td>Løsning</td>\n    <td>2</td>\n    <td>2</td>" in text
        english = browser.get("/workspace?lang=en").text
        assert "Your solutions went into 2 delegation packs for visitors from 2 countries." in english
    with make_client(fresh_url, tmp_path / "other") as browser:
        sign_in_with_form(browser, "translator")
        assert 'id="reach"' not in browser.get("/workspace").text
