"""Generating packs in the background: progress, the cached file, retries after a dying worker, freshness."""

import asyncio
import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import update

from catalogue.database import async_engine
from catalogue.packs import PackRender
from catalogue.tables import Solution
from tests.support.accounts import snapshot
from tests.support.databases import make_client
from tests.support.delegations import ROOT, delegation_with_pack, generate_pack, render_finished, wait_for_render
from tests.support.editing import Desk
from tests.support.pdf import read_pdf

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def desk(fresh_url: str, data_dir: Path) -> Iterator[Desk]:
    with make_client(fresh_url, data_dir, render_workers=1) as client:
        yield Desk(client, fresh_url)


def _cache_files(data_dir: Path) -> list[str]:
    return sorted(path.name for path in (data_dir / "documents").iterdir())


def test_a_pack_is_generated_in_the_background_and_the_same_pack_twice_is_one_file(desk: Desk, data_dir: Path) -> None:
    delegation = delegation_with_pack(desk)
    jobs = generate_pack(desk, delegation, "ko", "en")
    assert [job["language"] for job in jobs] == ["ko", "en"]
    assert all(job["status"] == "queued" and job["progress"] == 0 for job in jobs)
    seen: set[str] = set()

    def watch(found: dict[str, Any]) -> bool:
        seen.add(found["stage"])
        return render_finished(found)

    for job in jobs:
        finished = wait_for_render(desk, delegation, job["id"], watch)
        assert finished["status"] == "done" and finished["progress"] == 100 and finished["attempts"] == 1
    assert "rendering" in seen or "loading" in seen
    korean = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/renders/{jobs[0]['id']}/pdf")
    assert korean.status_code == 200 and korean.headers["content-language"] == "ko"
    assert read_pdf(korean.content).language == "ko"
    renders = desk.client.app.state.render_pool.renders
    again = generate_pack(desk, delegation, "ko")[0]
    assert again["id"] != jobs[0]["id"]
    finished = wait_for_render(desk, delegation, again["id"], render_finished)
    assert finished["document_key"] == wait_for_render(desk, delegation, jobs[0]["id"], render_finished)["document_key"]
    assert desk.client.app.state.render_pool.renders == renders  # the same content is not rendered again
    assert len([name for name in _cache_files(data_dir) if name.endswith(".pdf")]) == 2
    listed = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/renders").json()
    assert [job["id"] for job in listed] == sorted((job["id"] for job in [*jobs, again]), reverse=True)


def test_a_rendering_process_killed_mid_render_leaves_no_partial_file_and_the_job_completes_on_retry(
    desk: Desk, data_dir: Path
) -> None:
    delegation = delegation_with_pack(desk, solutions=20)
    job = generate_pack(desk, delegation, "en")[0]
    wait_for_render(desk, delegation, job["id"], lambda found: found["stage"] == "rendering" or render_finished(found))
    pool = desk.client.app.state.render_pool
    processes = dict(pool._executor._processes) if pool._executor else {}
    assert processes, "the render finished before the test could kill its process"
    for pid in processes:
        os.kill(pid, signal.SIGKILL)
    finished = wait_for_render(desk, delegation, job["id"], render_finished)
    assert finished["status"] == "done" and finished["attempts"] == 2
    files = _cache_files(data_dir)
    assert [name for name in files if name.endswith(".pdf")] == [f"{finished['document_key']}.pdf"]
    assert not [name for name in files if name.startswith(".partial")]
    document = pypdf.PdfReader(data_dir / "documents" / f"{finished['document_key']}.pdf")
    assert len(document.pages) > 20 and document.outline


def test_an_edit_published_after_generation_marks_the_pack_outdated_with_what_changed(desk: Desk) -> None:
    delegation = delegation_with_pack(desk, solutions=3)
    path = f"{ROOT}/{delegation['id']}"
    job = generate_pack(desk, delegation, "en")[0]
    wait_for_render(desk, delegation, job["id"], render_finished)
    fresh = desk("adviser", "GET", f"{path}/pack/freshness").json()
    assert [(f["language"], f["outdated"]) for f in fresh] == [("en", False)]
    first = desk("adviser", "GET", f"{path}/pack").json()["items"][0]
    draft = f"/api/v1/solutions/{first['slug']}/draft"
    copy, _ = desk.copy("admin", draft)
    content = copy["content"]
    content["summary"]["en"] = "A shorter summary, rewritten after the pack was made."
    desk.publish("admin", draft, content)
    fresh = desk("adviser", "GET", f"{path}/pack/freshness").json()
    assert fresh[0]["outdated"] and not fresh[0]["pack_changed"]
    [change] = fresh[0]["entries"]
    assert (change["slug"], change["before"], change["after"]) == (first["slug"], 1, 2)
    assert change["fields"] == ["summary"]
    again = generate_pack(desk, delegation, "en")[0]
    wait_for_render(desk, delegation, again["id"], render_finished)
    assert desk("adviser", "GET", f"{path}/pack/freshness").json()[0]["outdated"] is False


def test_generation_requests_are_checked_and_other_advisers_see_nothing(desk: Desk, fresh_url: str) -> None:
    delegation = delegation_with_pack(desk, solutions=1)
    path = f"{ROOT}/{delegation['id']}/renders"
    before = snapshot(fresh_url)
    wrong = desk("adviser", "POST", path, {"languages": ["de"]})
    assert wrong.status_code == 422 and wrong.json()["invalid_params"][0]["name"] == "languages"
    assert desk("adviser", "POST", path, {"languages": []}).status_code == 400
    assert desk("adviser_2", "POST", path, {"languages": ["en"]}).status_code == 404
    assert desk("company_a", "POST", path, {"languages": ["en"]}).status_code == 403
    assert snapshot(fresh_url) == before
    job = generate_pack(desk, delegation, "en")[0]
    assert desk("adviser_2", "GET", f"{path}/{job['id']}").status_code == 404
    assert desk("adviser_2", "GET", f"{path}/{job['id']}/pdf").status_code == 404
    wait_for_render(desk, delegation, job["id"], render_finished)
    assert desk("adviser", "GET", f"{path}/{job['id'] + 1000}").status_code == 404


def test_a_share_link_serves_the_file_the_adviser_generated_and_lists_brochures_and_programme(
    desk: Desk, data_dir: Path
) -> None:
    delegation = delegation_with_pack(desk, solutions=2)
    job = generate_pack(desk, delegation, "en")[0]
    key = wait_for_render(desk, delegation, job["id"], render_finished)["document_key"]
    made = desk("adviser", "POST", f"{ROOT}/{delegation['id']}/share-links", {"days": 7}).json()
    path = made["url"].removeprefix("http://127.0.0.1:8000")
    desk.client.cookies.clear()
    page = desk.client.get(path).text
    pack = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/pack").json()
    for item in [item for item in pack["items"] if item["kind"] == "solution"]:
        assert f"/solutions/{item['slug']}/brochure.pdf?lang=ko" in page
    assert "10:00–12:00" in page and "Mette Jensen" in page
    renders = desk.client.app.state.render_pool.renders
    served = desk.client.get(f"{path}/pack.pdf?lang=en")
    assert served.content == (data_dir / "documents" / f"{key}.pdf").read_bytes()
    assert desk.client.app.state.render_pool.renders == renders


def _database(url: str, statement: Any) -> None:
    async def execute() -> None:
        engine = async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(statement)
        finally:
            await engine.dispose()

    asyncio.run(execute())


def test_a_job_that_fails_every_attempt_ends_failed_and_a_lost_one_does_not_block_its_language(
    desk: Desk, fresh_url: str
) -> None:
    delegation = delegation_with_pack(desk, solutions=2)
    first = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/pack").json()["items"][0]
    # The pack names a solution that is no longer published: every attempt fails to load it.
    _database(fresh_url, update(Solution).where(Solution.slug == first["slug"]).values(is_published=False))
    job = generate_pack(desk, delegation, "en")[0]
    failed = wait_for_render(desk, delegation, job["id"], render_finished)
    assert (failed["status"], failed["attempts"], failed["document_key"]) == ("failed", 3, None)
    _database(fresh_url, update(Solution).where(Solution.slug == first["slug"]).values(is_published=True))
    # A job its runner lost (running for an hour, far past its timeout) is failed when the language is asked for again.
    lost = generate_pack(desk, delegation, "ko")[0]
    wait_for_render(desk, delegation, lost["id"], render_finished)
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    _database(
        fresh_url,
        update(PackRender).where(PackRender.id == lost["id"]).values(status="running", started_at=an_hour_ago),
    )
    again = generate_pack(desk, delegation, "ko")[0]
    assert again["id"] != lost["id"]
    assert wait_for_render(desk, delegation, again["id"], render_finished)["status"] == "done"
    assert desk("adviser", "GET", f"{ROOT}/{delegation['id']}/renders/{lost['id']}").json()["status"] == "failed"
