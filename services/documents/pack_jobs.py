"""Generating a pack as a background job: requested by an adviser, run by a worker, watched in the builder.

A job is a ``pack_render`` row. Whoever runs it (a task beside the app, or a queue worker on
another machine) moves it through its stages and, once the file is in the document cache,
records the file's key and the version of every entry it was made from. A run that fails
leaves the row for the next attempt; the file is written whole or not at all.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.delegations import Delegation
from catalogue.packs import Pack, PackRender, kept_in
from services import audit, delegations, packs
from services.accounts import Actor
from services.documents.cache import DocumentCache, document_key
from services.documents.pack_freshness import entry_versions
from services.documents.pack_service import source_of
from services.documents.worker import RenderPool
from services.errors import Conflict, InvalidInput, NotFound

logger = logging.getLogger(__name__)

Status = Literal["queued", "running", "done", "failed"]
UNFINISHED = ("queued", "running")
#: How many times a job is run before it is marked failed.
MAX_ATTEMPTS = 3
#: Seconds a render of one pack item takes on a typical machine; the progress bar's estimate.
_SECONDS_PER_ITEM = 0.15


class RenderView(msgspec.Struct, frozen=True, kw_only=True):
    """A pack generation as the builder shows it."""

    id: int
    language: str
    status: str
    stage: str
    #: Percent done; while rendering, estimated from the pack's size.
    progress: int
    attempts: int
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    #: Present once the file is made.
    document_key: str | None


def view_of(render: PackRender) -> RenderView:
    return RenderView(
        id=render.id,
        language=render.language,
        status=render.status,
        stage=render.stage,
        progress=render.progress,
        attempts=render.attempts,
        requested_at=render.requested_at,
        finished_at=render.finished_at,
        document_key=render.document_key,
    )


def is_lost(render: PackRender, now: dt.datetime, stale_after: float, timeout: float) -> bool:
    """Whether an unfinished job will not end by itself: running but silent, or queued and never taken."""
    touched = render.touched_at or render.requested_at
    if render.status == "running":
        return touched < now - dt.timedelta(seconds=max(stale_after, 1) * 3)
    return render.status == "queued" and touched < now - dt.timedelta(seconds=timeout)


async def request(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    languages: list[str],
    now: dt.datetime,
    stale_after: float = 30.0,
    timeout: float = 900.0,
) -> tuple[list[RenderView], list[int]]:
    """Queue a generation of the pack in each of ``languages``; commits.

    A language whose generation is still queued keeps it; one already running gets a new job,
    since the running one may have loaded the pack before its last change. A job nothing runs
    any more is marked failed. Returns the views and the ids of the jobs a runner must be given.
    """
    try:
        return await _request(session, actor, delegation_id, languages, now, stale_after, timeout)
    except IntegrityError:
        # A request at the same moment queued the same language first: this one joins its job.
        await session.rollback()
        return await _request(session, actor, delegation_id, languages, now, stale_after, timeout)


async def _request(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    languages: list[str],
    now: dt.datetime,
    stale_after: float = 30.0,
    timeout: float = 900.0,
) -> tuple[list[RenderView], list[int]]:
    delegation = await delegations.load(session, actor, delegation_id, now)
    unknown = [language for language in languages if language not in delegation.languages]
    if unknown or not languages:
        raise InvalidInput("languages", f"choose among the delegation's languages: {', '.join(delegation.languages)}")
    waiting: dict[str, PackRender] = {}
    for render in await session.scalars(
        select(PackRender).where(
            PackRender.delegation_id == delegation.id,
            PackRender.language.in_(languages),
            PackRender.status.in_(UNFINISHED),
        )
    ):
        if is_lost(render, now, stale_after, timeout):
            render.status, render.stage, render.finished_at = "failed", "finished", now
            render.error = "abandoned: nothing has run it for too long"
        elif render.status == "queued":
            # A queued job loads the pack when it starts, so it makes the file asked for now.
            waiting[render.language] = render
    await session.flush()
    chosen: list[PackRender] = []
    new: list[PackRender] = []
    for language in dict.fromkeys(languages):
        found = waiting.get(language)
        if found is None:
            found = PackRender(
                delegation_id=delegation.id,
                language=language,
                status="queued",
                stage="waiting",
                progress=0,
                attempts=0,
                requested_by_id=actor.id,
                requested_at=now,
                touched_at=now,
                versions={},
            )
            session.add(found)
            new.append(found)
        chosen.append(found)
    audit.record(
        session, "pack-generation-requested", now, actor_id=actor.id, target=f"delegation/{delegation.id}",
        languages=",".join(render.language for render in new),
    )  # fmt: skip
    await session.flush()
    views, new_ids = [view_of(render) for render in chosen], [render.id for render in new]
    await session.commit()
    return views, new_ids


async def renders(session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime) -> list[RenderView]:
    """The delegation's generations, newest first."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    rows = await session.scalars(
        select(PackRender).where(PackRender.delegation_id == delegation.id).order_by(PackRender.id.desc()).limit(50)
    )
    return [view_of(render) for render in rows]


async def one(session: AsyncSession, actor: Actor, delegation_id: int, render_id: int, now: dt.datetime) -> PackRender:
    """One generation of a delegation ``actor`` may see."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    found = await session.scalar(
        select(PackRender).where(PackRender.id == render_id, PackRender.delegation_id == delegation.id)
    )
    if found is None:
        raise NotFound("pack generation", str(render_id))
    return found


async def file_of(render: PackRender, cache: DocumentCache) -> Path:
    """The file a finished generation made, from any machine; :class:`Conflict` before that, or once it was dropped."""
    if render.status != "done" or render.document_key is None:
        raise Conflict(f"the generation is {render.status}, not done")
    path = await cache.fetch(render.document_key)
    if path is None:
        raise Conflict("the file is no longer kept; generate the pack again")
    return path


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class Runner(msgspec.Struct, frozen=True, kw_only=True, dict=True):
    """What running a job needs: database sessions, the document cache, rendering processes, the public address."""

    sessions: async_sessionmaker[AsyncSession]
    cache: DocumentCache
    pool: RenderPool
    base_url: str
    #: Seconds a running job may stay silent before another runner may take it over.
    stale_after: float = 30.0
    #: Seconds one attempt may take, and a queued job may wait, before it counts as lost.
    timeout: float = 900.0


async def _set(runner: Runner, render_id: int, *, running_only: bool = False, **values: Any) -> None:
    query = update(PackRender).where(PackRender.id == render_id)
    if running_only:
        query = query.where(PackRender.status == "running")
    async with runner.sessions() as session:
        await session.execute(query.values(**values))
        await session.commit()


class _Estimate:
    """Progress while rendering, estimated from the time a pack of this size takes."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.expected = 1.0

    def begin(self, items: int) -> None:
        self.started = time.monotonic()
        self.expected = 0.5 + _SECONDS_PER_ITEM * max(items, 1)

    def percent(self) -> int | None:
        if self.started is None:
            return None
        return min(90, 20 + int(70 * (time.monotonic() - self.started) / self.expected))


async def _keep_alive(
    runner: Runner, render_id: int, estimate: _Estimate, touch: Callable[[], Awaitable[None]] | None
) -> None:
    """Twice a second: tell the queue the job is alive, and record that and the progress in its row."""
    while True:
        await asyncio.sleep(0.5)
        try:
            if touch is not None:
                await touch()
            values: dict[str, Any] = {"touched_at": _now()}
            percent = estimate.percent()
            if percent is not None:
                values["progress"] = percent
            await _set(runner, render_id, running_only=True, **values)
        except Exception as error:  # noqa: BLE001 - a missed beat is logged, the next one tries again
            logger.warning("pack generation %s: could not record progress: %r", render_id, error)


async def _claim(runner: Runner, render_id: int) -> tuple[PackRender, int] | None:
    """Take the job for this runner (queued, or running but silent): the job and the number of this attempt.

    ``None`` when it is not to be run here.
    """
    async with runner.sessions() as session:
        render = await session.get(PackRender, render_id)
        if render is None or render.status not in UNFINISHED:
            return None
        if render.attempts >= MAX_ATTEMPTS:
            await fail(runner, render_id, f"gave up after {render.attempts} attempts")
            return None
        now, attempt = _now(), render.attempts + 1
        silent = PackRender.touched_at.is_(None) | (
            PackRender.touched_at < now - dt.timedelta(seconds=runner.stale_after)
        )
        claimed = await session.execute(
            update(PackRender)
            .where(
                PackRender.id == render_id,
                PackRender.attempts == render.attempts,
                (PackRender.status == "queued") | ((PackRender.status == "running") & silent),
            )
            .values(
                status="running", stage="loading", progress=5, attempts=attempt, started_at=now, touched_at=now,
                error=None,
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        await session.commit()
        # Another runner took it first, or is still working on it.
        return (render, attempt) if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


async def run(runner: Runner, render_id: int, touch: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run one attempt of a generation; raises when it failed, after putting the job back or marking it failed.

    ``touch`` is called twice a second while the job works, to show it is alive.
    """
    claimed = await _claim(runner, render_id)
    if claimed is None:
        return
    render, attempt = claimed
    estimate = _Estimate()
    alive = asyncio.create_task(_keep_alive(runner, render_id, estimate, touch))
    try:
        key, title, versions = await _generate(runner, render, estimate)
    except BaseException as error:
        await _stop(alive)
        # Even when the attempt was cancelled, its row is put right before the cancellation goes on.
        await asyncio.shield(_after_failure(runner, render_id, attempt, error))
        raise
    await _stop(alive)
    await _set(
        runner, render_id, status="done", stage="finished", progress=100, document_key=key, title=title,
        versions=versions, finished_at=_now(), touched_at=_now(),
    )  # fmt: skip


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _after_failure(runner: Runner, render_id: int, attempt: int, error: BaseException) -> None:
    if attempt >= MAX_ATTEMPTS:
        await fail(runner, render_id, repr(error))
    else:
        logger.warning("pack generation %s, attempt %s failed: %r", render_id, attempt, error)
        try:
            await _set(runner, render_id, status="queued", stage="waiting", error=repr(error)[:2000], touched_at=_now())
        except IntegrityError:
            # A newer job for the same pack and language is already waiting; it will make the file.
            await fail(runner, render_id, f"{error!r}; a newer generation of this language is queued")


async def _generate(runner: Runner, render: PackRender, estimate: _Estimate) -> tuple[str, str, dict[str, Any]]:
    """Load, lay out and render the pack; the file's key, its title and the versions it shows."""
    async with runner.sessions() as session:
        delegation = await session.get_one(Delegation, render.delegation_id)
        pack = await session.scalar(select(Pack).where(Pack.delegation_id == delegation.id))
        record = packs.record_of(pack)
        versions = {
            "delegation": delegation.lock,
            "pack": pack.lock if pack else 0,
            # Only what this language's file shows: items left out of it are not in it.
            "entries": await entry_versions(session, kept_in(record, render.language)),
        }
        source = await source_of(session, delegation, render.language, runner.base_url)
    key = document_key(source.html, source.images, "pdfua")
    await _set(runner, render.id, stage="rendering", progress=20)
    estimate.begin(len(record.items))

    async def render_file() -> bytes:
        return await runner.pool.render(source.html, source.images, "pdfua", retry=False)

    await runner.cache.get_or_make(key, render_file)
    return key, source.title[:200], versions


async def fail(runner: Runner, render_id: int, error: str) -> None:
    """Mark a job failed after its last attempt; the reason stays in the log, the builder shows a plain message."""
    async with runner.sessions() as session:
        await mark_failed(session, render_id, error)


async def mark_failed(session: AsyncSession, render_id: int, error: str) -> None:
    """Mark a job failed; commits."""
    logger.error("pack generation %s failed: %s", render_id, error)
    await session.execute(
        update(PackRender)
        .where(PackRender.id == render_id)
        .values(status="failed", stage="finished", error=error[:2000], finished_at=_now())
    )
    await session.commit()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def unfinished(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Jobs that were accepted and have not ended: after a restart they are run again."""
    async with sessions() as session:
        return list(await session.scalars(select(PackRender.id).where(PackRender.status.in_(UNFINISHED))))


class LocalJobs:
    """Runs jobs as tasks of the app's own event loop, rendering in its worker processes."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Run again the jobs a previous run of the app accepted and did not finish."""
        try:
            waiting = await unfinished(self.runner.sessions)
        except (OperationalError, InterfaceError, ProgrammingError) as error:
            logger.warning("unfinished pack generations could not be looked up: %r", error)
            return
        for render_id in waiting:
            await self.submit(render_id)

    async def submit(self, render_id: int) -> None:
        task = asyncio.create_task(self._run(render_id), name=f"pack-render-{render_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, render_id: int) -> None:
        for _attempt in range(MAX_ATTEMPTS):
            try:
                async with asyncio.timeout(self.runner.timeout):
                    await run(self.runner, render_id)
            except Exception:  # noqa: BLE001, S112 - the attempt put its job back or marked it failed
                continue
            return

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
