"""Translation files out and back in, completeness per locale, and the glossary check."""

import re
from typing import Any

import pytest

from services.translation import glossary
from services.translation.translation_files import from_po, from_xliff, to_po, to_xliff
from tests.support.accounts import snapshot
from tests.support.databases import Client
from tests.support.editing import Desk

EXPORT = "/api/v1/translations/export"
IMPORT = "/api/v1/translations/import"


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _export(desk: Desk, actor: str, target: str, file_format: str) -> bytes:
    response = desk(actor, "GET", f"{EXPORT}?target={target}&format={file_format}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment;")
    return bytes(response.content)


def _import(desk: Desk, actor: str, data: bytes, file_format: str) -> Any:
    headers = {"Authorization": f"Bearer {desk.tokens[actor]}", "Content-Type": "application/octet-stream"}
    return desk.client.post(f"{IMPORT}?format={file_format}", content=data, headers=headers)


@pytest.mark.parametrize("file_format", ["xliff", "po"])
def test_an_exported_file_imports_back_unchanged(desk: Desk, file_format: str) -> None:
    data = _export(desk, "translator", "de", file_format)
    parsed = from_xliff(data) if file_format == "xliff" else from_po(data)
    assert parsed.source_locale == "da" and parsed.target_locale == "de"
    assert len(parsed.units) > 100
    assert (to_xliff(parsed) if file_format == "xliff" else to_po(parsed)) == data
    before = snapshot(desk.url)
    response = _import(desk, "translator", data, file_format)
    assert response.status_code == 200, response.text
    assert response.json() == {"entries": [], "changed": 0}
    assert snapshot(desk.url) == before


def test_an_imported_translation_becomes_a_draft_for_review(desk: Desk) -> None:
    data = _export(desk, "translator", "sv", "po").decode()
    marker = 'msgctxt "solution/modular-rain-gardens/summary"'
    assert marker in data
    start = data.index(marker)
    end = data.index("\n\n", start)
    block = re.sub(
        r'msgstr ".*"(\n".*")*', 'msgstr "Modulära regnträdgårdar tar hand om skyfall lokalt."', data[start:end]
    )
    response = _import(desk, "translator", (data[:start] + block + data[end:]).encode(), "po")
    assert response.status_code == 200, response.text
    assert response.json() == {"entries": ["solution/modular-rain-gardens"], "changed": 1}
    copy, _ = desk.copy("adviser")
    assert copy["status"] == "draft"
    assert copy["content"]["summary"]["sv"] == "Modulära regnträdgårdar tar hand om skyfall lokalt."
    public = desk.client.get("/api/v1/solutions/modular-rain-gardens?lang=sv").json()["data"]["summary"]
    assert public["locale"] != "sv" or public["text"] != "Modulära regnträdgårdar tar hand om skyfall lokalt."


def test_a_file_whose_source_changed_since_export_is_refused(desk: Desk) -> None:
    data = _export(desk, "translator", "de", "xliff")
    copy, _ = desk.copy("company_a")
    copy["content"]["summary"]["da"] += " Nu også med sensorer."
    desk.publish("company_a", "/api/v1/solutions/modular-rain-gardens/draft", copy["content"])
    before = snapshot(desk.url)
    response = _import(desk, "translator", data, "xliff")
    assert response.status_code == 409
    assert "solution/modular-rain-gardens/summary" in response.json()["detail"]
    assert snapshot(desk.url) == before


def test_a_file_with_an_edited_source_text_is_refused(desk: Desk) -> None:
    file = from_xliff(_export(desk, "translator", "de", "xliff"))
    first = file.units[0]
    tampered = type(first)(
        id=first.id, source_text=first.source_text + " (edited)", target_text=first.target_text,
        source_fingerprint=first.source_fingerprint, state=first.state, note=first.note,
    )  # fmt: skip
    data = to_xliff(type(file)(source_locale=file.source_locale, target_locale=file.target_locale,
                               units=[tampered, *file.units[1:]], revision=file.revision))  # fmt: skip
    response = _import(desk, "translator", data, "xliff")
    assert response.status_code == 422
    assert first.id in response.json()["invalid_params"][0]["reason"]


def test_translators_work_only_in_their_languages_and_companies_only_on_their_entries(desk: Desk) -> None:
    assert desk("translator", "GET", f"{EXPORT}?target=fr").status_code == 403
    company = from_xliff(_export(desk, "company_b", "de", "xliff"))
    assert company.units and all(
        "cykelpuls" in unit.id or "bike" in unit.id or "/" in unit.id for unit in company.units
    )
    adviser = from_xliff(_export(desk, "adviser", "de", "xliff"))
    assert len(company.units) < len(adviser.units)
    # A file of someone else's entries names units this company may not edit: refused, nothing changes.
    before = snapshot(desk.url)
    assert _import(desk, "company_b", to_xliff(adviser), "xliff").status_code == 409
    assert snapshot(desk.url) == before


def test_completeness_is_given_per_entry_and_locale(desk: Desk) -> None:
    report = desk("company_a", "GET", "/api/v1/translations/completeness").json()
    slugs = {row["slug"] for row in report["entries"]}
    assert "modular-rain-gardens" in slugs and "eksempelby-rain-gardens" in slugs
    assert all(row["percent"]["da"] == 100 for row in report["entries"])
    assert 0 <= report["total"]["ko"] < report["total"]["en"] <= 100
    everything = desk("adviser", "GET", "/api/v1/translations/completeness").json()
    assert len(everything["entries"]) > len(report["entries"])
    page = desk.client.get("/translations", headers={"Authorization": f"Bearer {desk.tokens['adviser']}"})
    assert page.status_code == 200 and "100%" in page.text


def test_the_glossary_flags_a_translation_that_ignores_a_term() -> None:
    terms = glossary.load()
    texts = {
        "summary": ("Planen beskytter mod skybrud.", "Der Plan schützt vor Wolkenbrüchen."),
        "title": ("Skybrudsplan", "Starkregenplan"),
        "site": ("Fjernvarme i Aarhus", None),
    }
    findings = glossary.check(texts, "da", "de", terms)
    assert [(f.field, f.source_term, f.expected) for f in findings] == [("summary", "skybrud", "Starkregen")]
    assert glossary.terms_in("Fjernvarme og skybrud", "da", "en", terms)[0].target_term == "cloudburst"


def test_a_translator_confirms_an_outdated_translation_without_retyping_it(desk: Desk) -> None:
    copy, _ = desk.copy("company_a")
    copy["content"]["summary"]["da"] += " Nu også med sensorer."
    desk.publish("company_a", "/api/v1/solutions/modular-rain-gardens/draft", copy["content"])
    path = "/api/v1/solutions/modular-rain-gardens/translations"
    assert desk("translator", "GET", f"{path}/de").json()["summary"] == "outdated"
    assert desk("translator", "POST", f"{path}/fr/confirm", {"fields": ["summary"]}).status_code == 403
    assert desk("company_b", "POST", f"{path}/de/confirm", {"fields": ["summary"]}).status_code == 404
    confirmed = desk("translator", "POST", f"{path}/de/confirm", {"fields": ["summary", "title"]})
    assert confirmed.status_code == 200 and confirmed.json() == ["summary"]
    summary = desk.client.get("/api/v1/solutions/modular-rain-gardens?lang=de").json()["data"]["summary"]
    assert summary["locale"] == "de" and summary["outdated"] is False
    assert desk("translator", "GET", f"{path}/de").json()["summary"] == "approved"
