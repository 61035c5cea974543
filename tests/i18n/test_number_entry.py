"""Figures typed into the edit form are read in the form's locale, and figures are shown in the reader's."""

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from i18n.formatting import UnreadableNumber, number_entry, parse_number
from i18n.locales import INTERFACE_LOCALES
from tests.support.accounts import snapshot
from tests.support.databases import Client, make_client
from tests.support.editing import sign_in_with_form

CASE = "eksempelby-rain-gardens"  # kept by company A, written in Danish
EDIT = f"/edit/cases/{CASE}"
#: What a reader of each interface locale calls the first outcome's result on the form.
RESULT_LABEL = {"da": "Resultat for effekt 1", "de": "Ergebnis der Wirkung 1", "en": "Result of outcome 1"}
EXAMPLE = {"da": "1.250,5", "de": "1.250,5", "en": "1,250.5"}

READ = [
    ("da", "1.250", 1250.0), ("da", "1,5", 1.5), ("da", "1.250,75", 1250.75), ("da", "-3,2", -3.2),
    ("da", "1250", 1250.0), ("da", " 7 ", 7.0), ("da", "\u22123,2", -3.2),
    ("de", "1.250", 1250.0), ("de", "1,5", 1.5), ("de", "1.000.000", 1e6), ("de", "0,125", 0.125),
    ("en", "1,250", 1250.0), ("en", "1.5", 1.5), ("en", "1,250.75", 1250.75), ("en", "-3.2", -3.2),
    ("en", "1,000,000", 1e6), ("en", "0.125", 0.125),
]  # fmt: skip
REFUSED = [
    ("da", "1.25"), ("da", "1.5"), ("da", "1,250.5"), ("de", "1.5"), ("de", "12.34.5"),
    ("en", "1,25"), ("en", "1,5"), ("en", "1.250,5"), ("en", "12,34"),
    ("da", "1 250"), ("en", "1e5"), ("en", "nan"), ("en", "inf"), ("da", "1_000"), ("en", "٣"), ("en", ""),
    ("da", "abc"),
]  # fmt: skip


@pytest.mark.parametrize(("locale", "text", "value"), READ)
def test_a_number_is_read_as_its_locale_writes_it(locale: str, text: str, value: float) -> None:
    assert parse_number(text, locale) == value


@pytest.mark.parametrize(("locale", "text"), REFUSED)
def test_a_number_its_locale_would_not_write_is_refused_not_guessed(locale: str, text: str) -> None:
    with pytest.raises(UnreadableNumber):
        parse_number(text, locale)


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
@pytest.mark.parametrize("value", [7.0, 140.0, 1250.0, 1.25, 0.125, 1e15, -3.5, 123456.789, 1e-7, 0.1])
def test_a_shown_number_reads_back_to_itself(locale: str, value: float) -> None:
    shown = number_entry(value, locale)
    assert not shown.endswith((".0", ",0"))
    assert parse_number(shown, locale) == value


def _fields(html: str) -> dict[str, str]:
    """Every field the edit form would send: inputs (checked boxes only), text areas and chosen options."""
    form = html[html.index('<form class="edit"') : html.index("</form>", html.index('<form class="edit"'))]
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = unescape(value.group(1)) if value else ("on" if 'type="checkbox"' in tag else "")
    fields |= {name: unescape(text) for name, text in re.findall(r'name="([^"]+)"[^>]*>([^<]*)</textarea>', form)}
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    return fields


def _edit_form(client: Client, ui: str) -> dict[str, str]:
    page = client.get(f"{EDIT}?locale=da&lang={ui}")
    assert page.status_code == 200, page.text
    return _fields(page.text)


def _stored_results(client: Client) -> list[Any]:
    draft = client.get(f"/api/v1/cases/{CASE}/draft")
    assert draft.status_code == 200, draft.text
    return [outcome["result"] for outcome in draft.json()["content"]["outcomes"]]


def test_the_form_shows_figures_as_the_reader_writes_them(fresh_client: Client) -> None:
    sign_in_with_form(fresh_client, "company_a")
    stored = _stored_results(fresh_client)
    assert stored[:2] == [35.0, 30.0]
    for ui in INTERFACE_LOCALES:
        form = _edit_form(fresh_client, ui)
        assert form["number_locale"] == ui
        assert [form["outcome.0.result"], form["outcome.1.result"]] == ["35", "30"]
        assert not any(re.fullmatch(r"-?\d+\.0", value) for value in form.values())


@pytest.mark.parametrize(("ui", "typed", "stored"), [
    ("da", "1.250", 1250.0), ("da", "1,5", 1.5), ("de", "1.250", 1250.0), ("de", "1,5", 1.5),
    ("en", "1,250", 1250.0), ("en", "1.5", 1.5), ("da", "1.250,5", 1250.5), ("en", "1,250.5", 1250.5),
])  # fmt: skip
def test_a_figure_typed_on_the_edit_page_is_stored_as_meant(
    fresh_client: Client, fresh_url: str, tmp_path: Path, ui: str, typed: str, stored: float
) -> None:
    sign_in_with_form(fresh_client, "company_a")
    form = _edit_form(fresh_client, ui)
    form["outcome.0.result"] = typed
    saved = fresh_client.post(EDIT, data={**form, "action": "submit"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _stored_results(fresh_client)[0] == stored
    # The same page shows it back as typed, and a save without changes keeps it.
    again = _edit_form(fresh_client, ui)
    assert again["outcome.0.result"] == number_entry(stored, ui)
    with make_client(fresh_url, tmp_path / "adviser") as adviser:
        sign_in_with_form(adviser, "adviser")
        review = adviser.get(f"/review/cases/{CASE}?lang={ui}")
        assert f"<ins>{number_entry(stored, ui)}</ins>" in review.text
        assert f"<del>{number_entry(35.0, ui)}</del>" in review.text and "35.0" not in review.text


@pytest.mark.parametrize(("ui", "typed"), [("da", "1.25"), ("de", "1.5"), ("en", "1,25"), ("en", "1.250,5"),
                                           ("da", "12 kr"), ("en", "1e5")])  # fmt: skip
def test_an_unreadable_figure_is_refused_naming_the_field_and_the_form_keeps_it(
    fresh_client: Client, fresh_url: str, ui: str, typed: str
) -> None:
    sign_in_with_form(fresh_client, "company_a")
    original = _stored_results(fresh_client)
    form = _edit_form(fresh_client, ui)
    form["outcome.0.result"] = typed
    form["outcome.1.result"] = "42"
    form["text.title"] = "Regnbede i Eksempelby, nyt navn"
    form["outcome.1.remove"] = "on"
    new = {"new.metric": "water-saved", "new.label": "Vand sparet", "new.unit": "percent", "new.result": "9",
           "new.method": "measured", "new.source": "Eksempelby Forsyning", "new.as_of": "2026-06-30"}  # fmt: skip
    form |= new
    before = snapshot(fresh_url)
    refused = fresh_client.post(EDIT, data={**form, "action": "save"})
    assert refused.status_code == 422
    assert refused.headers["content-language"] == ui
    alert = re.search(r'<div class="problem" role="alert">(.*?)</div>', refused.text, re.DOTALL)
    assert alert is not None
    message = unescape(alert[1])
    assert RESULT_LABEL[ui] in message and typed.strip() in message and EXAMPLE[ui] in message
    assert snapshot(fresh_url) == before
    kept = _fields(refused.text)
    assert kept["outcome.0.result"] == typed and kept["outcome.1.result"] == "42"
    assert kept["outcome.1.remove"] == "on"
    assert {name: kept[name] for name in new} == new
    assert kept["text.title"] == "Regnbede i Eksempelby, nyt navn"
    assert kept["number_locale"] == ui
    # Corrected, the same form goes through with everything else that was typed.
    kept["outcome.0.result"] = number_entry(1250.0, ui)
    saved = fresh_client.post(EDIT, data={**kept, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _stored_results(fresh_client) == [1250.0, *original[2:], 9.0]


def test_the_form_is_read_in_the_locale_it_was_shown_in(fresh_client: Client) -> None:
    sign_in_with_form(fresh_client, "company_a")
    form = _edit_form(fresh_client, "da")
    # The reader switches the interface to English in another tab before saving the Danish form.
    assert fresh_client.get("/?lang=en").status_code == 200
    form["outcome.0.result"] = "1.250"
    saved = fresh_client.post(EDIT, data={**form, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _stored_results(fresh_client)[0] == 1250.0
