"""Requests at the same moment: twenty Generate presses make one job, and a busy database answers 503, never 500."""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.support.accounts import bearer
from tests.support.databases import TemplateDatabases, make_client
from tests.support.delegations import ROOT, delegation_with_pack, render_finished, wait_for_render
from tests.support.editing import Desk
from tests.support.serving import ServedApp

pytestmark = pytest.mark.slow

PRESSES = 20


def _press_together(url: str, path: str, token: str, body: dict[str, Any]) -> list[httpx.Response]:
    """``PRESSES`` requests sent at the same moment, each from a client of its own."""
    start = threading.Barrier(PRESSES)
    answers: list[httpx.Response] = []

    def press() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            start.wait(timeout=30)
            answers.append(client.post(path, json=body, headers=bearer(token)))

    threads = [threading.Thread(target=press) for _ in range(PRESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request did not end"
    return answers


def test_twenty_generate_presses_at_once_all_get_202_and_make_one_job(fresh_url: str, tmp_path: Path) -> None:
    with ServedApp(fresh_url, tmp_path / "data") as app, httpx.Client(base_url=app.url, timeout=30) as client:
        desk = Desk(client, fresh_url)  # type: ignore[arg-type]
        # A pack long enough to render that the job is still running while the presses arrive.
        delegation = delegation_with_pack(desk, solutions=20)
        path = f"{ROOT}/{delegation['id']}/renders"
        token = desk.tokens["adviser"]
        answers = _press_together(app.url, path, token, {"languages": ["en"]})
        assert sorted(answer.status_code for answer in answers) == [202] * PRESSES, [a.text for a in answers]
        jobs = desk("adviser", "GET", path).json()
        assert [job["language"] for job in jobs] == ["en"], jobs
        assert {answer.json()[0]["id"] for answer in answers} == {jobs[0]["id"]}
        # Pressed again while that job renders the pack as it is now: they join it too.
        wait_for_render(
            desk, delegation, jobs[0]["id"], lambda found: found["stage"] == "rendering" or render_finished(found)
        )
        again = _press_together(app.url, path, token, {"languages": ["en"]})
        assert sorted(answer.status_code for answer in again) == [202] * PRESSES, [a.text for a in again]
        assert {answer.json()[0]["id"] for answer in again} == {jobs[0]["id"]}
        assert [job["id"] for job in desk("adviser", "GET", path).json()] == [jobs[0]["id"]]
        finished = wait_for_render(desk, delegation, jobs[0]["id"], render_finished)
        assert (finished["status"], finished["attempts"]) == ("done", 1), app.log()


@pytest.fixture
def sqlite_url(template_databases: TemplateDatabases, tmp_path: Path) -> str:
    return template_databases.clone("sqlite", tmp_path)


@pytest.fixture
def sqlite_desk(sqlite_url: str, tmp_path: Path) -> Iterator[Desk]:
    with make_client(sqlite_url, tmp_path / "data", render_workers=1) as client:
        yield Desk(client, sqlite_url)


def test_a_write_that_cannot_get_the_sqlite_lock_in_time_answers_503_with_retry_after_and_reads_go_on(
    sqlite_desk: Desk, sqlite_url: str
) -> None:
    delegation = delegation_with_pack(sqlite_desk, solutions=1)
    path = f"{ROOT}/{delegation['id']}/renders"
    holder = sqlite3.connect(make_url(sqlite_url).database or "", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, and not letting go
        refused = sqlite_desk("adviser", "POST", path, {"languages": ["en"]})
        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"].isdigit()
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "busy" in refused.json()["detail"]
        # Reading takes no write lock: the builder's list answers while the writer holds it.
        listed = sqlite_desk("adviser", "GET", path)
        assert (listed.status_code, listed.json()) == (200, [])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    accepted = sqlite_desk("adviser", "POST", path, {"languages": ["en"]})
    assert accepted.status_code == 202, accepted.text
    assert wait_for_render(sqlite_desk, delegation, accepted.json()[0]["id"], render_finished)["status"] == "done"
