"""Jobs outlive the processes that run them: a runner's lock shows at once whether it lives.

Runners here are real processes: a runner registered by a child process, and the app served by
``services.cli serve``, each killed with SIGKILL the way a crash would end them.
"""

import asyncio
import datetime as dt
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest
from sqlalchemy import select

from catalogue.accounts import UserAccount
from catalogue.database import async_engine, for_reading
from catalogue.delegations import Delegation
from catalogue.packs import PackRender
from services.delegations import pack_jobs
from services.delegations.runners import RunnerInstance
from services.documents.cache import DocumentCache
from services.documents.pipeline import Press
from services.documents.worker import RenderPool
from services.settings import PROJECT_ROOT
from tests.support.delegations import delegation_with_pack, generate_pack
from tests.support.editing import Desk
from tests.support.serving import ServedApp

pytestmark = pytest.mark.slow

DEADLINE = 60
_RUNNER = """
import sys, time
from services.delegations.runners import RunnerInstance
runner = RunnerInstance(sys.argv[1], "worker")
runner.start()
print(runner.id, flush=True)
time.sleep(600)
"""


class Runners:
    """Runner processes of the test's own, each registered and holding its lock until it is killed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.started: list[subprocess.Popen[str]] = []

    def start(self) -> tuple[subprocess.Popen[str], int]:
        process = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, self.url], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
        )
        self.started.append(process)
        assert process.stdout is not None
        return process, int(process.stdout.readline())

    def kill_all(self) -> None:
        for process in self.started:
            process.kill()
            process.wait(10)
            if process.stdout is not None:
                process.stdout.close()


@pytest.fixture
def runners(fresh_url: str) -> Iterator[Runners]:
    started = Runners(fresh_url)
    try:
        yield started
    finally:
        started.kill_all()


def _until(condition: Callable[[], Any], what: str, deadline: float = DEADLINE) -> Any:
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        if found := condition():
            return found
        time.sleep(0.1)
    pytest.fail(f"{what}: not within {deadline} s")


async def _with_runner(url: str, tmp_path: Path, work: Callable[[pack_jobs.Runner], Any]) -> Any:
    engine = async_engine(url)
    instance = RunnerInstance(url, "app")
    await asyncio.to_thread(instance.start)
    runner = pack_jobs.Runner(
        sessions=pack_jobs.session_factory(engine),
        reading=pack_jobs.session_factory(for_reading(engine)),
        press=Press(DocumentCache(tmp_path / "documents"), RenderPool(1), "http://127.0.0.1:8000"),
        instance=instance,
    )
    try:
        return await work(runner)
    finally:
        await asyncio.to_thread(instance.close)
        await engine.dispose()


async def _running_job(url: str, runner_id: int, quiet_since: dt.datetime) -> int:
    """A job of a delegation of its own, running as attempt 1 of ``runner_id`` and quiet since ``quiet_since``."""
    engine = async_engine(url)
    try:
        async with pack_jobs.session_factory(engine)() as session:
            adviser = await session.scalar(select(UserAccount.id).where(UserAccount.email.startswith("adviser@")))
            delegation = Delegation(
                owner_id=adviser, name="Busan", country="KR", languages=["en"], starts_on=dt.date(2027, 5, 10),
                ends_on=dt.date(2027, 5, 12), group_size=8,
            )  # fmt: skip
            session.add(delegation)
            await session.flush()
            render = PackRender(
                delegation_id=delegation.id, language="en", status="running", stage="rendering", progress=40,
                attempts=1, runner_id=runner_id, requested_at=quiet_since, started_at=quiet_since,
                touched_at=quiet_since, versions={},
            )  # fmt: skip
            session.add(render)
            await session.commit()
            return render.id
    finally:
        await engine.dispose()


async def _job(url: str, render_id: int) -> PackRender:
    engine = async_engine(url)
    try:
        async with pack_jobs.session_factory(engine)() as session:
            return await session.get_one(PackRender, render_id)
    finally:
        await engine.dispose()


def test_a_runner_lives_while_its_process_does_and_is_known_dead_the_moment_it_is_killed(
    fresh_url: str, runners: Runners, tmp_path: Path
) -> None:
    first, first_id = runners.start()
    _, second_id = runners.start()
    assert first_id != second_id

    async def alive(runner: pack_jobs.Runner) -> set[int]:
        async with runner.sessions() as session:
            return await runner.instance.alive(session, [first_id, second_id, 10_000])

    assert asyncio.run(_with_runner(fresh_url, tmp_path, alive)) >= {first_id, second_id}
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    # The lock goes with the process: no heartbeat has to age (PostgreSQL drops it once it sees the connection close).
    _until(lambda: first_id not in asyncio.run(_with_runner(fresh_url, tmp_path, alive)), "the killed runner dead", 10)
    live = asyncio.run(_with_runner(fresh_url, tmp_path, alive))
    assert second_id in live and 10_000 not in live


def test_a_quiet_job_of_a_live_runner_is_never_taken_and_is_put_back_at_once_when_that_runner_dies(
    fresh_url: str, runners: Runners, tmp_path: Path
) -> None:
    runner_process, runner_id = runners.start()
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    render_id = asyncio.run(_running_job(fresh_url, runner_id, an_hour_ago))

    async def sweep_and_claim(runner: pack_jobs.Runner) -> tuple[list[pack_jobs.Ended], bool]:
        ended = await pack_jobs.sweep(runner)
        return ended, await pack_jobs._claim(runner, render_id) is not None

    # Silent for an hour, but its runner lives: neither the sweep nor a claim takes it.
    assert asyncio.run(_with_runner(fresh_url, tmp_path, sweep_and_claim)) == ([], False)
    quiet = asyncio.run(_job(fresh_url, render_id))
    assert (quiet.status, quiet.attempts, quiet.runner_id) == ("running", 1, runner_id)

    runner_process.send_signal(signal.SIGKILL)
    runner_process.wait(10)
    ended = _until(
        lambda: asyncio.run(_with_runner(fresh_url, tmp_path, pack_jobs.sweep)), "the job put back", deadline=10
    )
    assert ended == [pack_jobs.Ended(render_id, runner_id, "queued")]
    back = asyncio.run(_job(fresh_url, render_id))
    # The attempt the runner died in counts: the next one is the second.
    assert (back.status, back.stage, back.attempts, back.runner_id) == ("queued", "waiting", 1, None)
    assert back.error == "its runner stopped"


def test_a_runner_records_progress_from_its_own_thread_while_its_event_loop_is_blocked(
    fresh_url: str, tmp_path: Path
) -> None:
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)

    async def blocked(runner: pack_jobs.Runner) -> int:
        render_id = await _running_job(fresh_url, runner.instance.id, an_hour_ago)
        runner.instance.follow(render_id, 1, lambda: 55)
        time.sleep(1.5)  # blocks the event loop: the beat goes on in its thread
        runner.instance.unfollow(render_id)
        return render_id

    render = asyncio.run(_job(fresh_url, asyncio.run(_with_runner(fresh_url, tmp_path, blocked))))
    assert render.progress == 55 and render.touched_at is not None and render.touched_at > an_hour_ago


def _poll(desk: Desk, delegation: dict[str, Any], render_id: int, until: Callable[[dict[str, Any]], bool]) -> Any:
    """Follow a generation through an app that may be down for a moment."""
    path = f"/api/v1/delegations/{delegation['id']}/renders/{render_id}"

    def seen() -> Any:
        try:
            response = desk("adviser", "GET", path)
        except httpx.TransportError:
            return None
        return response.json() if response.status_code == 200 and until(response.json()) else None

    return _until(seen, f"generation {render_id}")


def test_an_app_killed_mid_render_and_started_again_at_once_finishes_the_job_on_its_second_attempt(
    fresh_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    # Sweeps this far apart show that the job is put back when the app starts, not once something aged.
    with (
        ServedApp(fresh_url, data_dir, RENDER_HEARTBEAT_SECONDS="600") as app,
        httpx.Client(base_url=app.url, timeout=30) as client,
    ):
        desk = Desk(client, fresh_url)  # type: ignore[arg-type]
        delegation = delegation_with_pack(desk, solutions=20)
        job = generate_pack(desk, delegation, "en")[0]
        _poll(desk, delegation, job["id"], lambda found: found["stage"] == "rendering" or found["status"] == "done")
        app.kill()
        midway = asyncio.run(_job(fresh_url, job["id"]))
        assert (midway.status, midway.attempts) == ("running", 1), "the render finished before the app was killed"
        app.start()
        finished = _poll(desk, delegation, job["id"], lambda found: found["status"] in ("done", "failed"))
        assert (finished["status"], finished["attempts"], finished["progress"]) == ("done", 2, 100), app.log()
    files = sorted(path.name for path in (data_dir / "documents").iterdir())
    assert files == [f"{finished['document_key']}.pdf"]  # one complete file, no partial one
    document = pypdf.PdfReader(data_dir / "documents" / files[0])
    assert len(document.pages) > 20 and document.outline
