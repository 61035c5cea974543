"""Share links: a delegation opens its pack without an account, until the link expires or is revoked."""

import asyncio
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url, text, update

from catalogue.database import async_engine, is_sqlite, sync_engine
from catalogue.packs import ShareLink
from services.delegations import download_counts
from tests.support.accounts import page_token, sign_in, snapshot
from tests.support.databases import Client, make_client
from tests.support.delegations import BUSAN, ROOT, create_delegation, put_pack, suggested_pack
from tests.support.editing import Desk


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def _shared(desk: Desk, **request: Any) -> tuple[dict[str, Any], str, str]:
    delegation = create_delegation(desk).json()
    body = suggested_pack(desk, delegation)
    body["items"] = body["items"][:2]
    assert put_pack(desk, delegation, body).status_code == 200
    made = desk("adviser", "POST", f"{ROOT}/{delegation['id']}/share-links", request or {"days": 7})
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    secret = url.rsplit("/", 1)[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)  # 256 bits
    return delegation, url.removeprefix("http://127.0.0.1:8000"), secret


def test_a_visitor_opens_the_pack_by_its_link_and_downloads_are_counted(desk: Desk) -> None:
    delegation, path, _ = _shared(desk)
    desk.client.cookies.clear()
    page = desk.client.get(path)
    assert page.status_code == 200 and str(BUSAN["name"]) in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and "noindex" in page.headers["x-robots-tag"]
    assert f"{path}/pack.pdf?lang=ko" in page.text and f"{path}/pack.pdf?lang=en" in page.text
    for lang in ("en", "en", "ko"):
        pdf = desk.client.get(f"{path}/pack.pdf?lang={lang}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-disposition"].startswith("attachment")
    assert desk.client.get(f"{path}/pack.pdf?lang=de").status_code == 404
    counts = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/downloads").json()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert {(c["language"], c["count"]) for c in counts} == {("en", 2), ("ko", 1)}
    assert {c["day"] for c in counts} == {today}


def test_a_view_only_link_opens_the_pack_in_the_browser(desk: Desk) -> None:
    _, path, _ = _shared(desk, days=3, allow_download=False)
    pdf = desk.client.get(f"{path}/pack.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.headers["content-disposition"].startswith("inline")


def test_wrong_expired_and_revoked_links_answer_404(desk: Desk, fresh_url: str) -> None:
    delegation, path, _ = _shared(desk)
    assert desk.client.get("/shared/" + "A" * 43).status_code == 404
    assert desk.client.get(path[:-1] + ("B" if path[-1] != "B" else "C")).status_code == 404
    links = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/share-links").json()
    assert len(links) == 1 and "url" not in links[0]
    assert desk("adviser_2", "DELETE", f"{ROOT}/{delegation['id']}/share-links/{links[0]['id']}").status_code == 404
    assert desk.client.get(path).status_code == 200
    assert desk("adviser", "DELETE", f"{ROOT}/{delegation['id']}/share-links/{links[0]['id']}").status_code == 204
    assert desk.client.get(path).status_code == 404
    assert desk.client.get(f"{path}/pack.pdf?lang=en").status_code == 404
    _, other, _ = _shared(desk)

    async def expire() -> None:
        engine = async_engine(fresh_url)
        try:
            async with engine.begin() as connection:
                past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
                await connection.execute(update(ShareLink).values(expires_at=past))
        finally:
            await engine.dispose()

    asyncio.run(expire())
    assert desk.client.get(other).status_code == 404


def test_only_the_delegations_adviser_shares_it(desk: Desk) -> None:
    delegation = create_delegation(desk).json()
    before = snapshot(desk.url)
    for actor, status in (("adviser_2", 404), ("company_a", 403), ("translator", 403)):
        assert desk(actor, "POST", f"{ROOT}/{delegation['id']}/share-links", {"days": 7}).status_code == status
    assert desk("adviser", "POST", f"{ROOT}/{delegation['id']}/share-links", {"days": 400}).status_code in {400, 422}
    assert snapshot(desk.url) == before


@contextmanager
def _count_table_locked(url: str) -> Iterator[None]:
    """Another connection holding the lock a write of the download counts needs, for as long as the block runs."""
    holder: sqlite3.Connection | psycopg.Connection[Any]
    if is_sqlite(url):
        holder = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
        holder.execute("LOCK TABLE pack_download IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_a_download_waits_for_no_writer_and_is_counted_once_the_writer_is_done(desk: Desk, fresh_url: str) -> None:
    delegation, path, _ = _shared(desk)
    desk.client.cookies.clear()
    assert desk.client.get(f"{path}/pack.pdf?lang=en").status_code == 200  # the pack is made
    with _count_table_locked(fresh_url):
        for _ in range(3):
            pdf = desk.client.get(f"{path}/pack.pdf?lang=en")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    counts = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/downloads").json()
    assert [(c["language"], c["count"]) for c in counts] == [("en", 4)]


def test_a_refused_share_form_shows_the_counts_at_once(desk: Desk) -> None:
    # The form's session holds the SQLite write lock when the page shows the counts this process must write first.
    delegation, path, _ = _shared(desk)
    desk.client.cookies.clear()
    assert desk.client.get(f"{path}/pack.pdf?lang=en").status_code == 200
    sign_in(desk.client, "adviser")
    page = desk.client.get(f"/delegations/{delegation['id']}/generations")
    assert desk.client.get(f"{path}/pack.pdf?lang=en").status_code == 200
    answer = desk.client.post(
        f"/delegations/{delegation['id']}/share", data={"_csrf": page_token(page.text), "days": "abc"}
    )
    assert answer.status_code == 422, answer.text
    counts = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/downloads").json()
    assert [(c["language"], c["count"]) for c in counts] == [("en", 2)]


def test_counts_not_yet_written_are_written_when_the_app_stops(
    fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(download_counts, "WRITE_EVERY", 3600.0)  # nothing is written before the app stops
    with make_client(fresh_url, tmp_path / "data") as client:
        desk = Desk(client, fresh_url)
        _, path, _ = _shared(desk)
        client.cookies.clear()
        for _ in range(2):
            assert client.get(f"{path}/pack.pdf?lang=ko").status_code == 200
    engine = sync_engine(fresh_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT language, count FROM pack_download")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in stored] == [("ko", 2)]
