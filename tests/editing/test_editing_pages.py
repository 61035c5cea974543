"""The editing and review pages, driven through their forms as a browser without JavaScript would."""

import re
from html import unescape
from pathlib import Path

from tests.support.accounts import snapshot
from tests.support.databases import Client, make_client
from tests.support.editing import edit_form_fields, sign_in_with_form

SOLUTION = "modular-rain-gardens"
EDIT = f"/edit/solutions/{SOLUTION}"


def test_an_editor_edits_german_beside_the_danish_source_and_an_adviser_publishes(
    fresh_client: Client, fresh_url: str, tmp_path: Path
) -> None:
    sign_in_with_form(fresh_client, "company_a")
    workspace = fresh_client.get("/workspace")
    assert EDIT in workspace.text and "/edit/solutions/city-data-platform" not in workspace.text
    page = fresh_client.get(f"{EDIT}?locale=de")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert 'class="source" lang="da"' in page.text
    form = edit_form_fields(page.text)
    form["text.title"] = "Modulare Regengärten für Starkregen"
    response = fresh_client.post(EDIT, data={**form, "action": "submit"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "Submitted for review" in fresh_client.get(response.headers["location"]).text
    with make_client(fresh_url, tmp_path / "adviser") as adviser:
        sign_in_with_form(adviser, "adviser")
        assert f"/review/solutions/{SOLUTION}" in adviser.get("/workspace").text
        review = adviser.get(f"/review/solutions/{SOLUTION}")
        assert "<ins>Modulare Regengärten für Starkregen</ins>" in review.text
        found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', review.text)
        fields = {name: unescape(value) for name, value in found}
        decided = adviser.post(
            f"/review/solutions/{SOLUTION}", data={**fields, "decision": "approve"}, follow_redirects=False
        )
        assert decided.status_code == 303
    public = fresh_client.get(f"/solutions/{SOLUTION}?lang=de")
    assert "Modulare Regengärten für Starkregen" in public.text


def test_a_conflicting_save_keeps_what_the_editor_typed(fresh_client: Client, fresh_url: str, tmp_path: Path) -> None:
    sign_in_with_form(fresh_client, "company_a")
    stale = edit_form_fields(fresh_client.get(f"{EDIT}?locale=de").text)
    with make_client(fresh_url, tmp_path / "colleague") as colleague:
        sign_in_with_form(colleague, "company_a")
        theirs = edit_form_fields(colleague.get(f"{EDIT}?locale=de").text)
        theirs["text.summary"] = "Die Fassung der Kollegin."
        assert colleague.post(EDIT, data={**theirs, "action": "save"}, follow_redirects=False).status_code == 303
    stale["text.summary"] = "Meine eigene Fassung."
    conflict = fresh_client.post(EDIT, data={**stale, "action": "save"})
    assert conflict.status_code == 409
    assert "Meine eigene Fassung." in conflict.text
    assert "Die Fassung der Kollegin." in conflict.text
    # Saving again from the conflict page goes through: the editor has seen the other text.
    again = fresh_client.post(EDIT, data={**edit_form_fields(conflict.text), "action": "save"}, follow_redirects=False)
    assert again.status_code == 303
    assert "Meine eigene Fassung." in fresh_client.get(f"{EDIT}?locale=de").text


def test_another_company_cannot_open_the_edit_page(fresh_client: Client) -> None:
    sign_in_with_form(fresh_client, "company_b")
    assert fresh_client.get(f"{EDIT}?locale=de").status_code == 404
    assert fresh_client.get(f"/review/solutions/{SOLUTION}").status_code == 404


def test_a_translator_sees_only_their_languages(fresh_client: Client) -> None:
    sign_in_with_form(fresh_client, "translator")
    page = fresh_client.get(f"{EDIT}?locale=da")
    languages = re.findall(r'<a href="\?locale=([a-z]{2})"', page.text)
    assert languages == ["de", "sv"]
    assert 'name="maturity"' not in page.text


def test_edit_pages_send_anonymous_readers_to_sign_in(fresh_client: Client) -> None:
    response = fresh_client.get(f"{EDIT}?locale=de", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fedit%2Fsolutions%2Fmodular-rain-gardens%3Flocale%3Dde"


def test_a_form_that_breaks_a_rule_is_shown_again_with_the_problem(fresh_client: Client, fresh_url: str) -> None:
    sign_in_with_form(fresh_client, "company_a")
    form = edit_form_fields(fresh_client.get(f"{EDIT}?locale=da").text)
    before = snapshot(fresh_url)
    # No theme ticked, and the Danish title emptied.
    response = fresh_client.post(EDIT, data={**form, "text.title": "", "action": "save"})
    assert response.status_code == 422
    assert 'class="problem"' in response.text
    assert snapshot(fresh_url) == before


def test_an_editor_discards_a_draft_and_the_published_text_stays(fresh_client: Client) -> None:
    sign_in_with_form(fresh_client, "company_a")
    form = edit_form_fields(fresh_client.get(f"{EDIT}?locale=de").text)
    form["text.title"] = "Ein Titel, der verworfen wird"
    fresh_client.post(EDIT, data={**form, "action": "save"})
    page = fresh_client.get(f"{EDIT}?locale=de").text
    assert "Ein Titel, der verworfen wird" in page
    discard = page[page.index(f'action="{EDIT}/discard"') :]
    fields = {k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', discard)}
    done = fresh_client.post(f"{EDIT}/discard", data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert "Ein Titel, der verworfen wird" not in fresh_client.get(f"{EDIT}?locale=de").text


def test_a_company_adds_a_solution_from_the_workspace(fresh_client: Client, fresh_url: str) -> None:
    sign_in_with_form(fresh_client, "company_a")
    page = fresh_client.get("/workspace").text
    token = unescape(re.findall(r'name="_csrf" value="([^"]+)"', page)[-1])
    form = {
        "_csrf": token, "source_locale": "da", "slug": "regnspejl-tagvand", "title": "Tagvand til haven",
        "summary": "Opsamling af tagvand.", "description": "Tanke under terræn.", "benefits": "Mindre afløb",
        "theme.water": "on", "maturity": "pilot",
    }  # fmt: skip
    before = snapshot(fresh_url)
    bad = fresh_client.post("/workspace/solutions", data={**form, "slug": "Not A Slug"})
    assert bad.status_code == 422 and 'class="problem"' in bad.text
    assert snapshot(fresh_url) == before
    added = fresh_client.post("/workspace/solutions", data=form, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/edit/solutions/regnspejl-tagvand?locale=da"
    assert "not yet published" in fresh_client.get("/workspace").text
    assert fresh_client.get("/solutions/regnspejl-tagvand").status_code == 404


def test_outcome_rows_are_added_and_removed_on_the_case_form(fresh_client: Client) -> None:
    case = "/edit/cases/eksempelby-rain-gardens"
    sign_in_with_form(fresh_client, "company_a")
    page = fresh_client.get(f"{case}?locale=da").text
    rows = len(re.findall(r'name="outcome\.\d+\.label"', page))
    assert rows >= 1 and 'name="new.metric"' in page
    form = edit_form_fields(page) | {
        f"outcome.{n}.{name}": unescape(value)
        for n, name, value in re.findall(r'name="outcome\.(\d+)\.(label|result|baseline|source)" value="([^"]*)"', page)
    }
    new = {
        "new.metric": "trees-planted", "new.label": "Træer plantet", "new.unit": "count", "new.result": "120",
        "new.method": "measured", "new.source": "Eksempelby Kommune", "new.as_of": "2025-05-01",
    }  # fmt: skip
    bad = fresh_client.post(case, data={**form, **new, "new.result": "mange", "action": "save"})
    assert bad.status_code == 422
    saved = fresh_client.post(
        case, data={**form, **new, "outcome.0.remove": "on", "action": "save"}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    after = fresh_client.get(f"{case}?locale=da").text
    labels = re.findall(r'name="outcome\.\d+\.label" value="([^"]*)"', after)
    assert len(labels) == rows and labels[-1] == "Træer plantet"
    assert form["outcome.0.label"] not in labels or rows > 1
