"""Drafts, review and versions through the API: what editors, translators and advisers can do."""

import asyncio
import datetime as dt
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.accounts import UserAccount
from catalogue.content import SolutionContent
from catalogue.database import async_engine
from services.accounts import accounts
from services.editing import editing
from services.errors import PreconditionFailed
from tests.support.accounts import ACTORS, bearer, snapshot
from tests.support.databases import Client
from tests.support.editing import DRAFT, SOLUTION, Desk


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _public(client: Client, lang: str, field: str = "title") -> dict[str, Any]:
    return client.get(f"/api/v1/solutions/{SOLUTION}?lang={lang}").json()["data"][field]  # type: ignore[no-any-return]


def test_an_edit_stays_a_draft_until_an_adviser_approves_it(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    assert copy["status"] == "published" and etag == '"p0"'
    published_title = _public(desk.client, "de")["text"]
    content = copy["content"]
    content["title"]["de"] = "Modulare Regengärten, neu beschrieben"
    saved = desk("company_a", "PUT", DRAFT, content, etag)
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    assert _public(desk.client, "de")["text"] == published_title
    submitted = desk("company_a", "POST", f"{DRAFT}/submit", None, saved.headers["etag"])
    assert submitted.json()["status"] == "submitted"
    queue = desk("adviser", "GET", "/api/v1/review-queue").json()
    assert [(item["kind"], item["slug"]) for item in queue] == [("solution", SOLUTION)]
    review = desk("adviser", "GET", f"/api/v1/solutions/{SOLUTION}/review").json()
    assert [(c["field"], c["locale"], c["after"]) for c in review["changes"]] == [
        ("title", "de", "Modulare Regengärten, neu beschrieben")
    ]
    assert _public(desk.client, "de")["text"] == published_title
    approved = desk("adviser", "POST", f"{DRAFT}/approve", {"comment": "Thanks"}, submitted.headers["etag"])
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    title = _public(desk.client, "de")
    assert title["text"] == "Modulare Regengärten, neu beschrieben" and not title["fallback"]
    preview = desk.client.get(f"/solutions/{SOLUTION}/brochure?lang=de")
    assert "Modulare Regengärten, neu beschrieben" in preview.text
    versions = desk("company_a", "GET", f"/api/v1/solutions/{SOLUTION}/versions").json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "published"), (1, "superseded")]
    assert versions[0]["created_by"] == "Demo editor, Regnspejl" and versions[0]["reviewed_by"] == "Demo export adviser"


def test_changes_need_if_match_and_a_stale_one_is_refused(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    content = copy["content"]
    before = snapshot(desk.url)
    missing = desk("company_a", "PUT", DRAFT, content)
    assert missing.status_code == 428 and missing.headers["etag"] == etag
    assert desk("company_a", "PUT", DRAFT, content, '"p7"').status_code == 412
    assert snapshot(desk.url) == before


def test_two_concurrent_edits_give_one_success_and_one_412_and_lose_neither_text(desk: Desk) -> None:
    first, etag = desk.copy("company_a")
    second = msgspec.json.decode(msgspec.json.encode(first))
    first["content"]["summary"]["de"] = "Fassung von Anna"
    second["content"]["summary"]["de"] = "Fassung von Bo"
    won = desk("company_a", "PUT", DRAFT, first["content"], etag)
    lost = desk("adviser", "PUT", DRAFT, second["content"], etag)
    assert (won.status_code, lost.status_code) == (200, 412)
    assert lost.json()["detail"].startswith("the entry changed since you loaded it")
    current, current_etag = desk.copy("adviser")
    assert current["content"]["summary"]["de"] == "Fassung von Anna"
    assert lost.headers["etag"] == current_etag
    # The loser still holds their text and reapplies it to the current version.
    retried = desk("adviser", "PUT", DRAFT, second["content"], current_etag)
    assert retried.status_code == 200 and retried.json()["content"]["summary"]["de"] == "Fassung von Bo"


def test_racing_saves_in_the_database_let_exactly_one_through(fresh_url: str) -> None:
    async def race() -> list[str]:
        engine = async_engine(fresh_url)
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            async with maker() as session:
                user = await session.scalar(select(UserAccount).where(UserAccount.email == ACTORS["adviser"]))
                assert user is not None
                actor = accounts.actor_of(user)
                copy = await editing.working_copy(session, actor, "solution", SOLUTION)
            assert isinstance(copy.content, SolutionContent)

            async def save(text: str) -> str:
                content = msgspec.structs.replace(copy.content, summary={**copy.content.summary, "de": text})
                async with maker() as session:
                    try:
                        await editing.save_draft(
                            session, actor, "solution", SOLUTION, content, copy.etag, dt.datetime.now(dt.UTC)
                        )
                    except PreconditionFailed:
                        return "412"
                return "saved"

            return sorted(await asyncio.gather(*(save(f"Fassung {n}") for n in range(4))))
        finally:
            await engine.dispose()

    assert asyncio.run(race()) == ["412", "412", "412", "saved"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"provider": "cykelpuls-demo"}, "provider"),
        ({"is_published": False}, "is_published"),
        ({"status": "published"}, "status"),
        ({"version": 9}, "version"),
        ({"slug": "another-slug"}, "slug"),
    ],
)
def test_an_edit_payload_may_not_set_what_the_catalogue_decides(desk: Desk, change: dict[str, Any], field: str) -> None:
    copy, etag = desk.copy("company_a")
    before = snapshot(desk.url)
    response = desk("company_a", "PUT", DRAFT, {**copy["content"], **change}, etag)
    assert response.status_code == 422, response.text
    assert response.json()["invalid_params"][0]["name"] == field
    assert snapshot(desk.url) == before


def test_an_outcome_cannot_be_declared_verified_by_its_editor(desk: Desk) -> None:
    path = "/api/v1/cases/eksempelby-rain-gardens/draft"
    copy, etag = desk.copy("company_a", path)
    assert copy["content"]["outcomes"], "the demo case needs outcomes for this test"
    copy["content"]["outcomes"][0]["verification"] = "independently_verified"
    response = desk("company_a", "PUT", path, copy["content"], etag)
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "outcomes[0].verification"


def test_a_changed_figure_loses_its_verification_and_an_unchanged_one_keeps_it(desk: Desk) -> None:
    path = "/api/v1/cases/eksempelby-rain-gardens/draft"
    public = desk.client.get("/api/v1/cases/eksempelby-rain-gardens").json()["data"]["outcomes"]
    copy, _ = desk.copy("company_a", path)
    outcomes = copy["content"]["outcomes"]
    outcomes[0]["result"] = outcomes[0]["result"] + 1
    desk.publish("company_a", path, copy["content"])
    after = desk.client.get("/api/v1/cases/eksempelby-rain-gardens").json()["data"]["outcomes"]
    assert after[0]["verification"] == "self_reported"
    assert [o["verification"] for o in after[1:]] == [o["verification"] for o in public[1:]]


def test_invalid_content_is_refused_with_every_problem_named(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    content = copy["content"]
    content["themes"] = ["no-such-theme"]
    del content["summary"]["da"]
    before = snapshot(desk.url)
    response = desk("company_a", "PUT", DRAFT, content, etag)
    assert response.status_code == 422
    reasons = " ".join(item["reason"] for item in response.json()["invalid_params"])
    assert "unknown theme 'no-such-theme'" in reasons and "summary has no text in its source locale" in reasons
    malformed = desk("company_a", "PUT", DRAFT, {**content, "maturity": "legendary"}, etag)
    assert malformed.status_code == 422 and "maturity" in malformed.text
    assert snapshot(desk.url) == before


def test_a_new_source_text_marks_translations_outdated_unless_they_changed_with_it(desk: Desk) -> None:
    copy, _ = desk.copy("company_a")
    content = copy["content"]
    content["summary"]["da"] = content["summary"]["da"] + " Nu med sensorer."
    content["title"]["da"] = content["title"]["da"] + " 2.0"
    content["title"]["de"] = content["title"].get("de", "Regengärten") + " 2.0"
    desk.publish("company_a", DRAFT, content)
    summary, title = _public(desk.client, "de", "summary"), _public(desk.client, "de")
    assert summary["locale"] == "de" and summary["outdated"] is True
    assert title["locale"] == "de" and title["outdated"] is False
    assert _public(desk.client, "da", "summary")["outdated"] is False


def test_a_translator_changes_only_their_own_languages(desk: Desk) -> None:
    copy, etag = desk.copy("translator")
    content = copy["content"]
    before = snapshot(desk.url)
    for field, locale in (("title", "da"), ("title", "fr")):
        attempt = msgspec.json.decode(msgspec.json.encode(content))
        attempt[field][locale] = "Ændret af oversætteren"
        refused = desk("translator", "PUT", DRAFT, attempt, etag)
        assert refused.status_code == 403, refused.text
        assert f"title ({locale})" in refused.json()["detail"]
    assert snapshot(desk.url) == before
    content["summary"]["sv"] = "Modulära regnträdgårdar som tar hand om skyfall lokalt."
    saved = desk("translator", "PUT", DRAFT, content, etag)
    assert saved.status_code == 200, saved.text
    assert desk("translator", "POST", f"{DRAFT}/approve", {}, saved.headers["etag"]).status_code == 403


def test_a_returned_draft_carries_the_comment_and_goes_back_to_its_editor(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    copy["content"]["title"]["en"] = "Modular rain gardens, revised"
    saved = desk("company_a", "PUT", DRAFT, copy["content"], etag)
    submitted = desk("company_a", "POST", f"{DRAFT}/submit", None, saved.headers["etag"])
    assert desk("adviser", "POST", f"{DRAFT}/return", {"comment": " "}, submitted.headers["etag"]).status_code == 422
    returned = desk("adviser", "POST", f"{DRAFT}/return", {"comment": "Add a source."}, submitted.headers["etag"])
    assert returned.json()["status"] == "returned"
    seen, etag = desk.copy("company_a")
    assert seen["status"] == "returned" and seen["review_comment"] == "Add a source."
    assert seen["content"]["title"]["en"] == "Modular rain gardens, revised"
    assert desk("adviser", "POST", f"{DRAFT}/approve", {}, etag).status_code == 409
    assert _public(desk.client, "en")["text"] != "Modular rain gardens, revised"


def test_an_adviser_restores_an_earlier_version(desk: Desk) -> None:
    original = _public(desk.client, "en")["text"]
    copy, _ = desk.copy("company_a")
    copy["content"]["title"]["en"] = "A title that was a mistake"
    desk.publish("company_a", DRAFT, copy["content"])
    assert _public(desk.client, "en")["text"] == "A title that was a mistake"
    _, etag = desk.copy("adviser")
    restored = desk("adviser", "POST", f"/api/v1/solutions/{SOLUTION}/versions/1/restore", None, etag)
    assert restored.status_code == 200, restored.text
    assert _public(desk.client, "en")["text"] == original
    versions = desk("adviser", "GET", f"/api/v1/solutions/{SOLUTION}/versions").json()
    assert versions[0]["number"] == 3 and versions[0]["restored_from"] == 1
    never = desk("adviser", "POST", f"/api/v1/solutions/{SOLUTION}/versions/9/restore", None, restored.headers["etag"])
    assert never.status_code == 409


def test_rich_text_is_stored_sanitised_and_shown_without_anything_active(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    hostile = (
        "<p>Regnbede <strong>forsinker</strong> vandet.<script>alert(1)</script></p>"
        '<p><a href="javascript:alert(2)" onclick="alert(3)">Læs mere</a> <img src=x onerror=alert(4)></p>'
        '<ul><li><a href="https://example.org/rapport">Rapport</a></li></ul>'
    )
    copy["content"]["description"]["da"] = hostile
    saved = desk("company_a", "PUT", DRAFT, copy["content"], etag)
    stored = saved.json()["content"]["description"]["da"]
    for banned in ("<script", "javascript:", "onclick", "onerror", "<img"):
        assert banned not in stored.lower()
    assert "<strong>forsinker</strong>" in stored and 'href="https://example.org/rapport"' in stored
    submitted = desk("company_a", "POST", f"{DRAFT}/submit", None, saved.headers["etag"])
    desk("adviser", "POST", f"{DRAFT}/approve", {}, submitted.headers["etag"])
    page = desk.client.get(f"/solutions/{SOLUTION}?lang=da").text
    assert "<strong>forsinker</strong>" in page and "alert(" not in page
    assert 'rel="noopener noreferrer nofollow"' in page


def _new_solution(desk: Desk) -> dict[str, Any]:
    copy, _ = desk.copy("company_a")
    content = copy["content"]
    content["title"] = {"da": "Regnvandsbassin i modulform"}
    content["summary"] = {"da": "Et bassin, der samler regnvand fra tage og veje."}
    content["images"] = []
    return content  # type: ignore[no-any-return]


def test_a_company_adds_a_solution_that_readers_see_once_approved(desk: Desk) -> None:
    content = _new_solution(desk)
    path = "/api/v1/solutions/regnspejl-basin/draft"
    created = desk.client.put(path, json=content, headers={**bearer(desk.tokens["company_a"]), "If-None-Match": "*"})
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft" and created.json()["number"] == 1
    assert desk.client.get("/api/v1/solutions/regnspejl-basin").status_code == 404
    assert "regnspejl-basin" not in desk.client.get("/api/v1/solutions?per_page=100").text
    assert desk("company_b", "GET", path).status_code == 404
    review = desk("adviser", "GET", "/api/v1/solutions/regnspejl-basin/review").json()
    assert {change["field"] for change in review["changes"]} >= {"title", "summary", "themes", "maturity"}
    submitted = desk("company_a", "POST", f"{path}/submit", None, created.headers["etag"])
    desk("adviser", "POST", f"{path}/approve", {}, submitted.headers["etag"])
    public = desk.client.get("/api/v1/solutions/regnspejl-basin?lang=da").json()["data"]
    assert public["title"]["text"] == "Regnvandsbassin i modulform"
    assert public["provider"]["slug"] == "regnspejl-demo"


def test_new_entries_need_a_free_slug_an_owner_and_a_role_that_creates(desk: Desk) -> None:
    content = _new_solution(desk)
    before = snapshot(desk.url)

    def create(actor: str, slug: str, query: str = "") -> int:
        headers = {**bearer(desk.tokens[actor]), "If-None-Match": "*"}
        return desk.client.put(f"/api/v1/solutions/{slug}/draft{query}", json=content, headers=headers).status_code

    assert create("company_a", SOLUTION) == 409
    assert create("translator", "translated-basin") == 403
    assert create("adviser", "adviser-basin") == 422
    assert create("company_a", "basin-in-english", "?source_locale=en") == 422  # no English title
    assert snapshot(desk.url) == before
    assert create("adviser", "adviser-basin", "?organisation=cykelpuls-demo") == 201
    assert desk("company_b", "GET", "/api/v1/solutions/adviser-basin/draft").status_code == 200
