"""Edges of editing: removed outcomes, half-valid imports, stale confirmations and bad slugs."""

import re
from html import unescape
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from catalogue.database import sync_engine
from catalogue.versions import EntryVersion
from services.translation.translation_files import from_po, to_po
from tests.support.accounts import Mailbox, bearer, snapshot
from tests.support.databases import Client, make_client
from tests.support.editing import DRAFT, Desk, edit_form_fields, sign_in_with_form

CASE = "eksempelby-rain-gardens"
CASE_DRAFT = f"/api/v1/cases/{CASE}/draft"


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def test_a_draft_without_one_of_the_outcomes_still_opens_everywhere(desk: Desk) -> None:
    copy, etag = desk.copy("company_a", CASE_DRAFT)
    assert copy["content"]["outcomes"]
    copy["content"]["outcomes"] = copy["content"]["outcomes"][1:]
    assert desk("company_a", "PUT", CASE_DRAFT, copy["content"], etag).status_code == 200
    states = desk("translator", "GET", f"/api/v1/cases/{CASE}/translations/de")
    assert states.status_code == 200
    assert f"outcome/{len(copy['content']['outcomes'])}/label" not in states.json()
    page = desk.client.get(f"/edit/cases/{CASE}?locale=de", headers=bearer(desk.tokens["translator"]))
    assert page.status_code == 200
    # A file exported before the outcome went names it: the import is refused, not misapplied.
    exported = from_po(desk("translator", "GET", "/api/v1/translations/export?target=de&format=po").content)
    units = [u for u in exported.units if u.id.startswith(f"case/{CASE}/outcome/0/")]
    assert units
    changed = msgspec.structs.replace(
        exported, units=[msgspec.structs.replace(unit, target_text="Geändert", state="draft") for unit in units]
    )
    response = desk.client.post(
        "/api/v1/translations/import?format=po", content=to_po(changed), headers=bearer(desk.tokens["translator"])
    )
    assert response.status_code == 409


def test_an_import_that_fails_on_one_entry_keeps_none(desk: Desk) -> None:
    exported = from_po(desk("translator", "GET", "/api/v1/translations/export?target=de&format=po").content)
    summaries = [u for u in exported.units if u.id.endswith("/summary")][:2]
    good, bad = summaries
    units = [
        type(good)(id=good.id, source_text=good.source_text, target_text="Eine gute Zusammenfassung.",
                   source_fingerprint=good.source_fingerprint, state="draft", note=good.note),
        type(bad)(id=bad.id, source_text=bad.source_text, target_text="x" * 25_000,
                  source_fingerprint=bad.source_fingerprint, state="draft", note=bad.note),
    ]  # fmt: skip
    data = to_po(type(exported)(source_locale="da", target_locale="de", revision=exported.revision, units=units))
    before = snapshot(desk.url)
    response = desk.client.post(
        "/api/v1/translations/import?format=po", content=data, headers=bearer(desk.tokens["translator"])
    )
    assert response.status_code == 422
    assert snapshot(desk.url) == before


def test_a_stale_form_confirms_nothing(fresh_client: Client, fresh_url: str, tmp_path: Path) -> None:
    desk = Desk(fresh_client, fresh_url)
    copy, _ = desk.copy("company_a")
    copy["content"]["summary"]["da"] += " Ny sætning."
    desk.publish("company_a", "/api/v1/solutions/modular-rain-gardens/draft", copy["content"])
    sign_in_with_form(fresh_client, "translator")
    stale = edit_form_fields(fresh_client.get("/edit/solutions/modular-rain-gardens?locale=de").text)
    with make_client(fresh_url, tmp_path / "other") as other:
        sign_in_with_form(other, "translator")
        theirs = edit_form_fields(other.get("/edit/solutions/modular-rain-gardens?locale=de").text)
        theirs["text.title"] = "Ein neuer Titel"
        assert other.post("/edit/solutions/modular-rain-gardens", data={**theirs, "action": "save"}).status_code == 200
    response = fresh_client.post(
        "/edit/solutions/modular-rain-gardens", data={**stale, "confirm.summary": "on", "action": "save"}
    )
    assert response.status_code == 409
    summary = desk.client.get("/api/v1/solutions/modular-rain-gardens?lang=de").json()["data"]["summary"]
    assert summary["outdated"] is True


@pytest.mark.parametrize("slug", ["Bad Slug!", "x" * 300, "-leading"])
def test_a_new_entry_needs_a_well_formed_slug(desk: Desk, slug: str) -> None:
    copy, _ = desk.copy("company_a")
    headers = {**bearer(desk.tokens["company_a"]), "If-None-Match": "*"}
    response = desk.client.put(f"/api/v1/solutions/{slug}/draft", json=copy["content"], headers=headers)
    assert response.status_code in {404, 422}


def test_a_translator_saving_a_stale_copy_gets_412_not_403(desk: Desk) -> None:
    stale, etag = desk.copy("translator")
    mine, mine_etag = desk.copy("company_a")
    mine["content"]["maturity"] = "pilot" if mine["content"]["maturity"] != "pilot" else "commercial"
    assert (
        desk("company_a", "PUT", "/api/v1/solutions/modular-rain-gardens/draft", mine["content"], mine_etag).status_code
        == 200
    )
    stale["content"]["summary"]["sv"] = "Svensk sammanfattning."
    assert (
        desk("translator", "PUT", "/api/v1/solutions/modular-rain-gardens/draft", stale["content"], etag).status_code
        == 412
    )


def test_a_changed_method_loses_the_verification(desk: Desk) -> None:
    before = desk.client.get(f"/api/v1/cases/{CASE}").json()["data"]["outcomes"][0]
    copy, _ = desk.copy("company_a", CASE_DRAFT)
    outcome: dict[str, Any] = copy["content"]["outcomes"][0]
    outcome["method"] = "estimated" if outcome["method"] != "estimated" else "measured"
    desk.publish("company_a", CASE_DRAFT, copy["content"])
    after = desk.client.get(f"/api/v1/cases/{CASE}").json()["data"]["outcomes"][0]
    assert after["verification"] == "self_reported" or before["verification"] == "self_reported"


def test_reset_links_are_not_mailed_without_end(fresh_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    with make_client(fresh_url, tmp_path, smtp_url=f"smtp://127.0.0.1:{port}") as client:
        for _ in range(5):
            page = client.get("/password-reset").text
            token = unescape(re.findall(r'name="_csrf" value="([^"]+)"', page)[-1])
            assert (
                client.post(
                    "/password-reset", data={"_csrf": token, "email": "adviser@smartdenmark.example"}
                ).status_code
                == 200
            )
    assert len(box.messages) == 3


def test_a_save_answers_with_its_own_content_even_when_another_save_follows_at_once(desk: Desk) -> None:
    """Another client's save committed right after ours must not show up in our answer."""
    copy, etag = desk.copy("company_a")
    mine = copy["content"]
    mine["title"]["en"] = "Mine: saved first"
    first = desk("company_a", "PUT", DRAFT, mine, etag)
    assert first.status_code == 200, first.text
    engine = sync_engine(desk.url)
    theirs = {**mine, "title": {**mine["title"], "en": "Theirs: saved a moment later"}}
    landed: list[bool] = []

    def another_client_saves(_session: Session) -> None:
        # Runs once, just after our commit: the other client's save lands before anything reads it back.
        if landed:
            return
        landed.append(True)
        with engine.begin() as connection:
            connection.execute(
                update(EntryVersion)
                .where(EntryVersion.status == "draft", EntryVersion.lock > 0)
                .values(content=msgspec.json.encode(theirs).decode(), lock=EntryVersion.lock + 1)
            )

    mine["title"]["en"] = "Mine: saved second"
    event.listen(Session, "after_commit", another_client_saves)
    try:
        saved = desk("company_a", "PUT", DRAFT, mine, first.headers["etag"])
    finally:
        event.remove(Session, "after_commit", another_client_saves)
        engine.dispose()
    assert landed and saved.status_code == 200, saved.text
    assert saved.json()["content"]["title"]["en"] == "Mine: saved second"
    # The answer's ETag is that of our save: continuing from it is refused, theirs is not overwritten.
    again = desk("company_a", "PUT", DRAFT, mine, saved.headers["etag"])
    assert again.status_code == 412
    assert desk.copy("company_a")[0]["content"]["title"]["en"] == "Theirs: saved a moment later"
