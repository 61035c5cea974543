"""The pack builder's pages, without JavaScript: describe a delegation, compose, generate and share its pack."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.accounts import page_token, sign_in, snapshot
from tests.support.databases import Client, make_client

DELEGATION = {
    "name": "Busan smart-city office",
    "country": "KR",
    "city": "Busan",
    "organisations": "Busan Metropolitan City\nBusan Environment Corporation",
    "main_language": "ko",
    "language.en": "on",
    "starts_on": "2027-05-10",
    "ends_on": "2027-05-12",
    "group_size": "14",
    "theme.lighting": "on",
    "theme.climate-adaptation": "on",
    "challenges": "Smart street lighting that saves energy, and protection against cloudbursts in a coastal city.",
}


@pytest.fixture
def client(fresh_url: str, tmp_path: Path) -> Iterator[Client]:
    with make_client(fresh_url, tmp_path / "data", render_workers=1) as test_client:
        yield test_client


def _version(html: str) -> str:
    found = re.search(r'name="version" value="([^"]*)"', html)
    assert found, "the page has no versioned form"
    return found.group(1).replace("&#34;", '"')


def _create(client: Client) -> str:
    sign_in(client, "adviser")
    form = client.get("/delegations/new")
    assert form.status_code == 200
    created = client.post("/delegations", data={"_csrf": page_token(form.text), **DELEGATION}, follow_redirects=False)
    assert created.status_code == 303, created.text
    return str(created.headers["location"])


def _change(client: Client, path: str, part: str, **fields: str) -> httpx.Response:
    page = client.get(path)
    data = {"_csrf": page_token(page.text), "version": _version(page.text), **fields}
    return client.post(f"{path}/pack/{part}", data=data, follow_redirects=False)


def _suggested(html: str) -> list[str]:
    return re.findall(r'name="kind" value="solution"><input type="hidden" name="slug" value="([a-z0-9-]+)"', html)


def _items(client: Client, path: str) -> list[str]:
    page = client.get(path).text
    listing = page.split('class="pack-items"', 1)[1].split("</ol>", 1)[0] if 'class="pack-items"' in page else ""
    return re.findall(r'<li>\s*<span class="number">[^<]+</span> <span lang="[a-z]+">([^<]+)</span>', listing)


def test_an_adviser_describes_a_delegation_and_composes_its_pack_from_suggestions(client: Client) -> None:
    path = _create(client)
    builder = client.get(path)
    assert builder.status_code == 200 and "Busan smart-city office" in builder.text
    delegation = client.get(f"/api/v1/delegations/{path.rsplit('/', 1)[-1]}").json()
    assert delegation["languages"] == ["ko", "en"]  # the main language first
    slugs = re.findall(
        r'name="kind" value="solution"><input type="hidden" name="slug" value="([a-z0-9-]+)"', builder.text
    )
    assert len(slugs) >= 3
    for slug in slugs[:3]:
        assert _change(client, path, "items", action="add", kind="solution", slug=slug).status_code == 303
    first, second, third = _items(client, path)
    assert _change(client, path, "items", action="up", position="2").status_code == 303
    assert _items(client, path) == [first, third, second]
    assert _change(client, path, "items", action="remove", position="0").status_code == 303
    assert _items(client, path) == [third, second]
    letter = _change(client, path, "letter", **{"letter.en": "Dear guests,\nwelcome to Denmark."})
    assert letter.status_code == 303
    assert "Dear guests,\nwelcome to Denmark.</textarea>" in client.get(path).text
    stop = {"action": "add", "date": "2027-05-11", "starts_at": "10:00", "ends_at": "12:00", "title": "Harbour walk"}
    assert _change(client, path, "programme", **stop).status_code == 303
    contact = {"action": "add", "name": "Mette Jensen", "role": "Export adviser", "email": "mette@example.org"}
    assert _change(client, path, "contacts", **contact).status_code == 303
    page = client.get(path).text
    assert "Harbour walk" in page and "Mette Jensen" in page


def test_a_change_that_breaks_a_rule_or_a_stale_form_changes_nothing(client: Client, fresh_url: str) -> None:
    path = _create(client)
    page = client.get(path)
    stale = _version(page.text)
    _change(client, path, "contacts", action="add", name="Mette Jensen")
    before = snapshot(fresh_url)
    outside = _change(client, path, "programme", action="add", date="2027-06-01", starts_at="10:00", title="Late")
    assert outside.status_code == 422 and "outside the visit" in outside.text
    data = {"_csrf": page_token(page.text), "version": stale, "action": "add", "name": "Someone else"}
    conflict = client.post(f"{path}/pack/contacts", data=data)
    assert conflict.status_code == 412 and "Someone else" not in conflict.text.split("</form>")[0]
    assert "Someone changed this in the meantime" in conflict.text
    for odd in ("²", "1" * 5000, "-1"):
        moved = _change(client, path, "items", action="up", position=odd)
        assert moved.status_code == 422, odd
    assert _change(client, path, "readiness", **{"choice.ko": "leave_out"}).status_code == 422
    wrong_form = client.post(
        "/delegations", data={"_csrf": page_token(page.text), **DELEGATION, "ends_on": "2027-05-01"}
    )
    assert wrong_form.status_code == 422 and "ends before it starts" in wrong_form.text
    assert snapshot(fresh_url) == before


def test_only_the_owner_sees_the_builder(client: Client) -> None:
    path = _create(client)
    client.cookies.clear()
    sign_in(client, "adviser_2")
    assert client.get(path).status_code == 404
    client.cookies.clear()
    sign_in(client, "company_a")
    assert client.get("/delegations").status_code == 403
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).status_code in (302, 303)


def test_the_adviser_leaves_an_untranslated_item_out_generates_and_shares_the_pack(client: Client) -> None:
    path = _create(client)
    builder = client.get(path).text
    slugs = _suggested(builder)
    for slug in slugs[:2]:
        _change(client, path, "items", action="add", kind="solution", slug=slug)
    readiness = client.get(path).text
    choices = re.findall(r'name="(choice\.ko\.solution:[a-z0-9-]+)" value="leave_out"', readiness)
    assert choices, "the demo solutions have no Korean titles, so the Korean pack is not ready"
    saved = _change(client, path, "readiness", **{choices[0]: "leave_out"})
    assert saved.status_code == 303
    assert re.search(rf'name="{re.escape(choices[0])}" value="leave_out" checked', client.get(path).text)
    page = client.get(path)
    started = client.post(
        f"{path}/generate", data={"_csrf": page_token(page.text), "language.ko": "on", "language.en": "on"},
        follow_redirects=False,
    )  # fmt: skip
    assert started.status_code == 303 and started.headers["location"].endswith("/generations")
    progress = client.get(f"{path}/generations").text
    assert "<progress" in progress
    give_up = time.monotonic() + 120
    while "Check progress again" in progress and time.monotonic() < give_up:
        time.sleep(0.2)
        progress = client.get(f"{path}/generations").text
    downloads = re.findall(r'href="(/api/v1/delegations/\d+/renders/\d+/pdf)"', progress)
    assert len(downloads) == 2
    for download in downloads:
        pdf = client.get(download)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    shared = client.post(f"{path}/share", data={"_csrf": page_token(progress), "days": "14"}, follow_redirects=False)
    assert shared.status_code == 201
    link = re.search(r'class="share-link">([^<]+)</a>', shared.text)
    assert link and "/shared/" in link.group(1)


def test_the_adviser_asks_translators_for_a_missing_language(client: Client, fresh_url: str) -> None:
    path = _create(client)
    for slug in _suggested(client.get(path).text)[:2]:
        _change(client, path, "items", action="add", kind="solution", slug=slug)
    page = client.get(path).text
    choices = re.findall(r'name="(choice\.ko\.solution:([a-z0-9-]+))" value="request"', page)
    assert choices
    before = snapshot(fresh_url)
    forged = _change(client, path, "readiness", **{"choice.ko.solution:no-such-entry": "request"})
    assert forged.status_code == 422
    assert snapshot(fresh_url) == before
    asked = _change(client, path, "readiness", **{choices[0][0]: "request"})
    assert asked.status_code == 303
    assert "A Korean translation has been requested" in client.get(path).text
    requests = client.get("/api/v1/translation-requests").json()
    assert [(r["slug"], r["language"], r["fulfilled"]) for r in requests] == [(choices[0][1], "ko", False)]
