"""Rendering never starves the service: lower priority, a bounded queue, no connection held, failures remembered."""

import asyncio
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin

from services.documents.assets import Variant
from services.documents.rendering import RefusedFetchError
from services.documents.worker import FAILURE_MEMORY_SECONDS, RENDER_NICENESS, FailedRecently, RenderPool
from services.errors import RenderBusy
from services.monitoring import RENDERS
from services.settings import PROJECT_ROOT
from tests.support.databases import Client
from tests.support.pdf import read_pdf
from tests.support.serving import Server, environment_with

pytestmark = pytest.mark.slow

SMALL = "<html lang='en'><body><p>A page</p></body></html>"
#: A document that asks for something outside its own assets: the renderer refuses it.
REFUSED = "<html lang='en'><body><img src='https://example.com/x.png' alt='x'></body></html>"
URL = "/solutions/cloudburst-management-plan/brochure.pdf"


def _count(outcome: str) -> float:
    return float(RENDERS.labels(outcome)._value.get())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_web_process_never_loads_the_renderer() -> None:
    # WeasyPrint takes a second to load and is only needed where documents are rendered.
    probe = "import sys, services.cli, services.web.app; print('weasyprint' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_rendering_processes_run_at_a_lower_priority() -> None:
    pool = RenderPool(1)
    try:
        pdf = asyncio.run(pool.render(SMALL, {}, "pdfua"))
        assert read_pdf(pdf).language == "en"
        assert pool._executor is not None
        (process,) = pool._executor._processes.values()
        assert process.pid is not None
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, process.pid) == min(19, ours + RENDER_NICENESS)
    finally:
        pool.close()


def test_a_full_queue_refuses_readers_with_a_time_to_come_back_and_lets_background_work_wait() -> None:
    pool = RenderPool(1, queue_limit=1)

    async def scenario() -> list[Any]:
        def render(*, bounded: bool) -> "asyncio.Task[bytes]":
            return asyncio.create_task(pool.render(SMALL, {}, "pdfua", bounded=bounded))

        running, waiting = render(bounded=True), render(bounded=True)
        for _ in range(100):
            if pool.waiting == 1:
                break
            await asyncio.sleep(0)
        assert pool.waiting == 1
        with pytest.raises(RenderBusy) as refused:
            await pool.render(SMALL, {}, "pdfua", bounded=True)
        assert refused.value.retry_after >= 1
        background = render(bounded=False)
        return [refused.value, *await asyncio.gather(running, waiting, background)]

    try:
        _, *pdfs = asyncio.run(scenario())
    finally:
        pool.close()
    assert [read_pdf(pdf).language for pdf in pdfs] == ["en", "en", "en"]
    assert pool.renders == 3


def test_a_failed_document_is_answered_from_memory_then_tried_again() -> None:
    clock = Clock()
    pool = RenderPool(1, clock=clock)

    async def attempt() -> None:
        await pool.render(REFUSED, {}, "pdfua", key="refused-document")

    try:
        failed = _count("failed")
        with pytest.raises(RefusedFetchError):
            asyncio.run(attempt())
        assert _count("failed") == failed + 1
        clock.now += FAILURE_MEMORY_SECONDS / 2
        remembered = _count("failed-recently")
        with pytest.raises(FailedRecently) as memory:
            asyncio.run(attempt())
        assert 0 < memory.value.retry_after <= FAILURE_MEMORY_SECONDS / 2
        # Answered from memory: no rendering process was asked.
        assert (_count("failed"), _count("failed-recently")) == (failed + 1, remembered + 1)
        # Other documents are not affected.
        assert read_pdf(asyncio.run(pool.render(SMALL, {}, "pdfua", key="another"))).language == "en"
        clock.now += FAILURE_MEMORY_SECONDS
        with pytest.raises(RefusedFetchError):
            asyncio.run(attempt())
        assert _count("failed") == failed + 2
    finally:
        pool.close()


def test_a_failed_brochure_is_a_problem_with_retry_after_and_is_not_rendered_again_at_once(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool: RenderPool = client.app.state.render_pool
    attempts: list[str] = []

    async def crashing(html: str, *_args: Any, **_kwargs: Any) -> bytes:
        attempts.append(html)
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(pool, "_run", crashing)
    first = client.get(f"{URL}?lang=pl&variant=pdfa")
    again = client.get(f"{URL}?lang=pl&variant=pdfa")
    for answer in (first, again):
        assert answer.status_code == 500
        assert answer.headers["content-type"] == "application/problem+json"
        assert 1 <= int(answer.headers["retry-after"]) <= FAILURE_MEMORY_SECONDS
        assert "renderer crashed" not in answer.text and "tried again" in answer.json()["detail"]
    assert len(attempts) == 1


def test_a_render_holds_no_database_connection(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    pool: RenderPool = client.app.state.render_pool
    engine = client.app.plugins.get(SQLAlchemyPlugin).config[0].get_engine()
    started, go_on = threading.Event(), threading.Event()
    held: list[int] = []
    real_run = pool._run

    async def watched(html: str, images: Any, variant: Variant, *, retry: bool) -> bytes:
        held.append(engine.sync_engine.pool.checkedout())
        started.set()
        await asyncio.to_thread(go_on.wait, 60)
        return await real_run(html, images, variant, retry=retry)

    monkeypatch.setattr(pool, "_run", watched)
    with ThreadPoolExecutor(1) as thread:
        download = thread.submit(client.get, f"{URL}?lang=uk&variant=pdfa")
        assert started.wait(60)
        # While the document renders, other requests still get connections and answers.
        assert client.get("/api/v1/themes?lang=uk").status_code == 200
        go_on.set()
        answer = download.result(timeout=120)
    assert answer.status_code == 200
    assert held == [0]


def _distinct_uncached_downloads(base: str, count: int) -> list[str]:
    listing = httpx.get(f"{base}/api/v1/solutions", params={"per_page": 100}, timeout=30).json()
    slugs = [item["slug"] for item in listing["items"]]
    return [f"{base}/solutions/{slug}/brochure.pdf?lang={lang}" for lang in ("fi", "nl") for slug in slugs][:count]


def test_thirty_uncached_downloads_at_once_leave_the_service_answering(fresh_url: str, tmp_path: Path) -> None:
    environment = environment_with(
        DATABASE_URL=fresh_url, DATA_DIR=str(tmp_path / "data"), RENDER_WORKERS="1", RENDER_QUEUE_LIMIT="4"
    )
    served = Server(environment, tmp_path / "serve.log")
    try:
        served.wait_until_healthy()
        downloads = _distinct_uncached_downloads(served.url, 30)
        assert len(downloads) == 30
        checks: list[tuple[str, int, str]] = []
        with ThreadPoolExecutor(30) as threads:
            answers = [threads.submit(httpx.get, url, timeout=300) for url in downloads]
            with httpx.Client(base_url=served.url, timeout=60) as probe:
                while not all(answer.done() for answer in answers):
                    for path in ("/healthz", "/readyz", "/api/v1/themes?lang=fi"):
                        answer = probe.get(path)
                        checks.append((path, answer.status_code, answer.text[:200]))
            results = [answer.result() for answer in answers]
        assert served.stops_cleanly(), served.output()
    finally:
        served.kill()
    statuses = [result.status_code for result in results]
    assert set(statuses) <= {200, 503}, statuses
    assert 503 in statuses and 200 in statuses
    for result in results:
        if result.status_code == 503:
            assert result.headers["content-type"] == "application/problem+json"
            assert int(result.headers["retry-after"]) >= 1
        else:
            assert result.content.startswith(b"%PDF")
    assert checks and {status for _, status, _ in checks} == {200}, [c for c in checks if c[1] != 200]
