"""Generating a pack as a background job: claimed, run and put back by runners, watched in the builder.

A job is a ``pack_render`` row. A runner (the app without a shared queue, or a queue worker:
see :mod:`services.delegations.runners`) claims it, moves it through its stages and, once the
file is in the document cache, records the file's key.

An attempt belongs to the runner that claimed it: the row names the runner and counts the
attempt, and every write of the attempt is made only while both still hold, so an attempt that
was given up on changes nothing. A job whose runner died is put back at once, that attempt
counted as failed; a job whose runner lives is never taken from it, however quiet it is, since
an attempt that hangs is ended by its timeout. The file is written whole or not at all.
"""

import asyncio
import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any, Literal

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.delegations import Delegation
from catalogue.packs import Pack, PackRender, kept_in
from i18n.locales import Locale
from services.accounts.accounts import Actor
from services.delegations import delegations, packs
from services.delegations.pack_freshness import versions_now
from services.delegations.pack_service import PACK
from services.delegations.runners import RunnerInstance
from services.documents.cache import DocumentCache
from services.documents.pipeline import Press, document
from services.errors import Conflict, NotFound
from services.transaction import use_case

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
    """What running jobs needs: database sessions, where documents are made, this process's identity."""

    #: Sessions for the job's rows; their SQLite transactions take the write lock as they begin.
    sessions: async_sessionmaker[AsyncSession]
    #: Sessions that only read, for loading the pack.
    reading: async_sessionmaker[AsyncSession]
    press: Press
    instance: RunnerInstance
    #: Seconds one attempt may take, and a queued job may wait, before it counts as lost.
    timeout: float = 900.0


class TakenOver(Exception):
    """The job was given up on for this attempt (its runner seemed dead); what the attempt does would change nothing."""

    def __init__(self, render_id: int, attempt: int) -> None:
        super().__init__(f"pack generation {render_id} is no longer run by attempt {attempt}")


def _owned(render_id: int, runner_id: int | None, attempt: int) -> Any:
    """The row of job ``render_id`` while attempt ``attempt`` of runner ``runner_id`` is running it."""
    return (
        (PackRender.id == render_id)
        & (PackRender.status == "running")
        & PackRender.runner_id.is_not_distinct_from(runner_id)
        & (PackRender.attempts == attempt)
    )


async def _set(runner: Runner, render_id: int, attempt: int, **values: Any) -> bool:
    """Record ``values`` for this runner's attempt; ``False`` when the job is no longer that attempt's."""
    async with runner.sessions() as session:
        changed = await session.execute(
            update(PackRender)
            .where(_owned(render_id, runner.instance.id, attempt))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    return changed.rowcount == 1  # type: ignore[attr-defined, no-any-return]


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


async def _claim(runner: Runner, render_id: int) -> tuple[PackRender, int] | None:
    """Take the job for this runner: the job and the number of this attempt; ``None`` when it is not to be run here.

    A queued job is taken, and so is a running one whose runner died; one whose runner lives is not.
    """
    async with runner.sessions() as session:
        render = await session.get(PackRender, render_id)
        if render is None or render.status not in UNFINISHED:
            return None
        if render.status == "running" and render.runner_id in await runner.instance.alive(session, [render.runner_id]):
            return None
        runner_id, attempts, now = render.runner_id, render.attempts, _now()
        taken = (PackRender.status == render.status) & PackRender.runner_id.is_not_distinct_from(runner_id)
        if attempts >= MAX_ATTEMPTS:
            values: dict[str, Any] = {"status": "failed", "stage": "finished", "finished_at": now}
            values["error"] = f"gave up after {attempts} attempts"
        else:
            delegation = await session.get_one(Delegation, render.delegation_id)
            values = {
                "status": "running", "stage": "loading", "progress": 5, "attempts": attempts + 1,
                "runner_id": runner.instance.id, "started_at": now, "touched_at": now, "error": None,
                # What the file will show, so that a request made now can join this job (see pack_requests).
                "versions": await versions_now(session, delegation, render.language),
            }  # fmt: skip
        claimed = await session.execute(
            update(PackRender)
            .where(PackRender.id == render_id, PackRender.attempts == attempts, taken)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        await session.commit()
    if claimed.rowcount != 1 or values["status"] == "failed":  # type: ignore[attr-defined]
        return None  # Another runner took it first.
    return render, attempts + 1


async def run(runner: Runner, render_id: int) -> None:
    """Run one attempt of a generation; raises when it failed, after putting the job back or marking it failed."""
    claimed = await _claim(runner, render_id)
    if claimed is None:
        return
    render, attempt = claimed
    estimate = _Estimate()
    runner.instance.follow(render_id, attempt, estimate.percent)
    try:
        key, title = await _generate(runner, render, attempt, estimate)
    except BaseException as error:
        runner.instance.unfollow(render_id)
        # Even when the attempt was cancelled, its row is put right before the cancellation goes on.
        await asyncio.shield(put_back(runner.sessions, render_id, runner.instance.id, attempt, repr(error)))
        raise
    runner.instance.unfollow(render_id)
    done = await _set(
        runner, render_id, attempt, status="done", stage="finished", progress=100, document_key=key, title=title,
        finished_at=_now(), touched_at=_now(),
    )  # fmt: skip
    if not done:
        logger.warning("pack generation %s: attempt %s ended after the job was taken from it", render_id, attempt)


async def _generate(runner: Runner, render: PackRender, attempt: int, estimate: _Estimate) -> tuple[str, str]:
    """Load, lay out and render the pack: the file's key and its title."""

    async def rendering() -> None:
        if not await _set(runner, render.id, attempt, stage="rendering", progress=20):
            raise TakenOver(render.id, attempt)
        estimate.begin(items)

    async with runner.reading() as session:
        pack = await session.scalar(select(Pack).where(Pack.delegation_id == render.delegation_id))
        items = len(kept_in(packs.record_of(pack), render.language))
        locale = Locale(render.language)
        made = await document(
            session, PACK, render.delegation_id, locale, "pdfua", runner.press, reader=False, laid_out=rendering
        )
    return made.key, made.title[:200]


async def put_back(
    sessions: async_sessionmaker[AsyncSession], render_id: int, runner_id: int | None, attempt: int, error: str
) -> Status | None:
    """End an attempt of runner ``runner_id`` without a file: the job waits for the next one, or fails after the last.

    Returns what became of the job; ``None`` when the attempt was no longer the job's.
    """
    failed: dict[str, Any] = {"status": "failed", "stage": "finished", "finished_at": _now(), "runner_id": None}
    outcome: Status = "failed" if attempt >= MAX_ATTEMPTS else "queued"
    values = failed if outcome == "failed" else {"status": "queued", "stage": "waiting", "runner_id": None}
    async with sessions() as session:
        query = update(PackRender).where(_owned(render_id, runner_id, attempt))
        try:
            changed = await session.execute(query.values(**values, error=error[:2000], touched_at=_now()))
            await session.commit()
        except IntegrityError:
            # A newer job for the same pack and language is already waiting; it will make the file.
            await session.rollback()
            outcome, error = "failed", f"{error}; a newer generation of this language is queued"
            changed = await session.execute(query.values(**failed, error=error[:2000], touched_at=_now()))
            await session.commit()
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    log = logger.error if outcome == "failed" else logger.warning
    log("pack generation %s, attempt %s ended without its file (%s): %s", render_id, attempt, outcome, error)
    return outcome


class Ended(msgspec.Struct, frozen=True):
    """A job whose runner died, and what became of it."""

    render_id: int
    runner_id: int | None
    status: Status


async def sweep(runner: Runner) -> list[Ended]:
    """Put back at once every job whose runner died, that attempt counted as failed; what became of each."""
    async with runner.sessions() as session:
        found = await session.execute(
            select(PackRender.id, PackRender.runner_id, PackRender.attempts).where(PackRender.status == "running")
        )
        running = list(found.tuples())
        alive = await runner.instance.alive(session, [runner_id for _, runner_id, _ in running])
    ended = []
    for render_id, runner_id, attempt in running:
        if runner_id not in alive:
            status = await put_back(runner.sessions, render_id, runner_id, attempt, "its runner stopped")
            if status is not None:
                ended.append(Ended(render_id, runner_id, status))
    runner.instance.forget(runner_id for _, runner_id, _ in running if runner_id is not None and runner_id not in alive)
    return ended


@use_case
async def mark_failed(session: AsyncSession, render_id: int, error: str) -> None:
    """Mark a job nothing has taken failed; commits."""
    logger.error("pack generation %s failed: %s", render_id, error)
    await session.execute(
        update(PackRender)
        .where(PackRender.id == render_id)
        .values(status="failed", stage="finished", error=error[:2000], finished_at=_now())
    )
    await session.commit()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def waiting(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Jobs waiting for a runner."""
    async with sessions() as session:
        return list(await session.scalars(select(PackRender.id).where(PackRender.status == "queued")))


async def unfinished(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """Jobs that were accepted and have not ended."""
    async with sessions() as session:
        return list(await session.scalars(select(PackRender.id).where(PackRender.status.in_(UNFINISHED))))
