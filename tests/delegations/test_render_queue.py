"""Pack generations through the shared queue: SAQ on the machine's Redis and PostgreSQL servers.

The app only enqueues; separate worker processes started with ``services.cli render-worker``
take the jobs. A worker killed mid-render loses nothing: another one takes the job over, when it
starts or, already running, at its next sweep.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from catalogue.database import async_engine
from catalogue.packs import JobRunner, PackRender
from services.settings import PROJECT_ROOT
from tests.support.databases import make_client
from tests.support.delegations import delegation_with_pack, generate_pack, render_finished, wait_for_render
from tests.support.editing import Desk
from tests.support.serving import busy_cores

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HEARTBEAT = 4
#: Seconds a render may take while every core is kept busy.
BUSY_DEADLINE = 180


@pytest.fixture
def queue(backend: str, fresh_url: str) -> dict[str, str]:
    """Redis beside the SQLite catalogue, PostgreSQL (the catalogue's own database) beside PostgreSQL."""
    url = REDIS_URL if backend == "sqlite" else make_url(fresh_url).render_as_string(hide_password=False)
    return {"queue_url": url, "queue_name": f"test-{uuid.uuid4().hex[:10]}"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def desk(fresh_url: str, data_dir: Path, queue: dict[str, str]) -> Iterator[Desk]:
    with make_client(fresh_url, data_dir, render_heartbeat_seconds=HEARTBEAT, **queue) as client:
        yield Desk(client, fresh_url)


class Workers:
    """Render workers in processes of their own, each leading its own process group."""

    def __init__(self, url: str, data_dir: Path, queue: dict[str, str]) -> None:
        self.environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DATA_DIR": str(data_dir),
            "QUEUE_URL": queue["queue_url"],
            "QUEUE_NAME": queue["queue_name"],
            "PUBLIC_URL": "http://127.0.0.1:8000",  # the address the test app gives its own documents
            "RENDER_WORKERS": "1",
            "RENDER_HEARTBEAT_SECONDS": str(HEARTBEAT),
        }
        self.started: list[subprocess.Popen[bytes]] = []
        self.logs = data_dir.parent

    def log(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("worker-*.log")))

    def start(self) -> subprocess.Popen[bytes]:
        with (self.logs / f"worker-{len(self.started) + 1}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "render-worker"],
                cwd=PROJECT_ROOT,
                env=self.environment,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def workers(fresh_url: str, data_dir: Path, queue: dict[str, str]) -> Iterator[Workers]:
    started = Workers(fresh_url, data_dir, queue)
    try:
        yield started
    finally:
        started.stop_all()


def test_queued_jobs_wait_for_a_worker_and_survive_one_killed_mid_render(
    desk: Desk, workers: Workers, data_dir: Path
) -> None:
    delegation = delegation_with_pack(desk, solutions=20)
    job = generate_pack(desk, delegation, "en")[0]
    time.sleep(1.5)
    waiting = desk("adviser", "GET", f"/api/v1/delegations/{delegation['id']}/renders/{job['id']}").json()
    assert (waiting["status"], waiting["attempts"]) == ("queued", 0)  # the app itself renders nothing
    assert generate_pack(desk, delegation, "en")[0]["id"] == job["id"]  # asking again joins the queued job

    # Every core stays busy: a worker's event loop and its beats get little time, and still no live job is taken.
    with busy_cores():
        first = workers.start()
        wait_for_render(
            desk,
            delegation,
            job["id"],
            lambda found: found["stage"] == "rendering" or render_finished(found),
            BUSY_DEADLINE,
        )
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its rendering process, mid-render
        first.wait(10)
        midway = desk("adviser", "GET", f"/api/v1/delegations/{delegation['id']}/renders/{job['id']}").json()
        assert midway["status"] == "running", "the render finished before the worker was killed"
        assert not list((data_dir / "documents").glob("*.pdf")) if (data_dir / "documents").exists() else True

        second = workers.start()
        finished = wait_for_render(desk, delegation, job["id"], render_finished, BUSY_DEADLINE)
    assert finished["status"] == "done", workers.log()
    assert (finished["status"], finished["attempts"], finished["progress"]) == ("done", 2, 100), workers.log()
    files = sorted(path.name for path in (data_dir / "documents").iterdir())
    assert files == [f"{finished['document_key']}.pdf"]  # one complete file, no partial one
    document = pypdf.PdfReader(data_dir / "documents" / files[0])
    assert len(document.pages) > 20 and document.outline
    served = desk("adviser", "GET", f"/api/v1/delegations/{delegation['id']}/renders/{job['id']}/pdf")
    assert served.status_code == 200 and served.content == (data_dir / "documents" / files[0]).read_bytes()

    second.send_signal(signal.SIGTERM)
    assert second.wait(30) == 0, workers.log()


def _runner_process(url: str, render_id: int) -> int:
    """The process id of the runner whose attempt the job is."""

    async def find() -> int:
        engine = async_engine(url)
        try:
            async with engine.connect() as connection:
                pid = await connection.scalar(
                    select(JobRunner.pid)
                    .join(PackRender, PackRender.runner_id == JobRunner.id)
                    .where(PackRender.id == render_id)
                )
                assert pid is not None
                return int(pid)
        finally:
            await engine.dispose()

    return asyncio.run(find())


def test_a_worker_killed_mid_render_hands_its_job_to_one_already_running_at_its_next_sweep(
    desk: Desk, workers: Workers, fresh_url: str, data_dir: Path
) -> None:
    started = {process.pid: process for process in (workers.start(), workers.start())}
    delegation = delegation_with_pack(desk, solutions=20)
    job = generate_pack(desk, delegation, "en")[0]
    wait_for_render(desk, delegation, job["id"], lambda found: found["stage"] == "rendering" or render_finished(found))
    running = started.pop(_runner_process(fresh_url, job["id"]))
    os.killpg(running.pid, signal.SIGKILL)
    running.wait(10)
    midway = desk("adviser", "GET", f"/api/v1/delegations/{delegation['id']}/renders/{job['id']}").json()
    assert midway["status"] == "running", "the render finished before its worker was killed"
    [other] = started.values()
    finished = wait_for_render(desk, delegation, job["id"], render_finished)
    assert (finished["status"], finished["attempts"]) == ("done", 2), workers.log()
    assert _runner_process(fresh_url, job["id"]) == other.pid
    assert sorted(path.name for path in (data_dir / "documents").iterdir()) == [f"{finished['document_key']}.pdf"]
    other.send_signal(signal.SIGTERM)
    assert other.wait(30) == 0, workers.log()


def test_the_worker_command_needs_a_queue(fresh_url: str, data_dir: Path) -> None:
    environment: dict[str, Any] = {**os.environ, "DATABASE_URL": fresh_url, "DATA_DIR": str(data_dir)}
    environment.pop("QUEUE_URL", None)
    ended = subprocess.run(
        [sys.executable, "-m", "services.cli", "render-worker"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert ended.returncode == 2 and b"QUEUE_URL" in ended.stderr
