"""Pack generations through a shared queue (SAQ on Redis or PostgreSQL), run by workers on any machine.

The app only enqueues; ``python -m services.cli render-worker`` takes jobs off the queue. Each
worker is a runner (see :mod:`services.delegations.runners`): when a worker dies, the first other
worker to sweep (at its start, then every ``RENDER_HEARTBEAT_SECONDS``) sees at once that its lock
is gone, puts its jobs back and has the queue retry them, counted among the job's retries.

SAQ's own heartbeat is left off: a worker the machine keeps busy is not dead, and its job is never
swept from it. SAQ's sweep still ends an attempt that outlives the job's timeout.
"""

import asyncio
import contextlib
import logging

from saq import Job, Queue, Worker
from saq.job import Status
from saq.types import Context, PartialTimersDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.database import async_engine, for_reading
from services.delegations import pack_jobs
from services.delegations.runners import RunnerInstance
from services.documents.cache import document_cache_for
from services.documents.pipeline import Press
from services.documents.worker import RenderPool
from services.settings import Settings

logger = logging.getLogger(__name__)

FUNCTION = "render_pack"


def job_key(render_id: int) -> str:
    return f"pack-render-{render_id}"


def worker_name(runner_id: int | None) -> str:
    """The name SAQ knows a worker by: that of the runner it is."""
    return f"runner-{runner_id}"


def _job(settings: Settings, render_id: int) -> Job:
    return Job(
        FUNCTION,
        kwargs={"render_id": render_id},
        key=job_key(render_id),
        retries=pack_jobs.MAX_ATTEMPTS,
        timeout=settings.render_timeout_seconds,
    )


class QueuedJobs:
    """Hands jobs to the shared queue named by ``QUEUE_URL``."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.queue = Queue.from_url(settings.queue_url, name=settings.queue_name)

    async def start(self) -> None:
        """Connect, and hand the queue again every job accepted but unfinished (the queue drops duplicates)."""
        await self.queue.connect()
        for render_id in await pack_jobs.unfinished(self.sessions):
            await self.submit(render_id)

    async def submit(self, render_id: int) -> None:
        """Enqueue the job; when the queue cannot take it, it is marked failed rather than left waiting."""
        try:
            await self._enqueue(render_id)
        except Exception as error:
            async with self.sessions() as session:
                await pack_jobs.mark_failed(session, render_id, f"the queue did not take the job: {error!r}")
            raise

    async def _enqueue(self, render_id: int) -> None:
        await self.queue.enqueue(_job(self.settings, render_id))

    async def ping(self) -> None:
        """Ask the queue something cheap; raises when it does not answer."""
        await self.queue.count("queued")

    async def close(self) -> None:
        await self.queue.disconnect()


async def _render_pack(context: Context, *, render_id: int) -> None:
    runner: pack_jobs.Runner = context["runner"]  # type: ignore[typeddict-item]
    # A failed attempt puts the job's row back, or marks it failed after the last one; the queue retries it.
    await pack_jobs.run(runner, render_id)


async def _hand_back(queue: Queue, settings: Settings, ended: pack_jobs.Ended) -> None:
    """Have the queue retry a job whose worker died, as SAQ retries any failed attempt; or end it after the last."""
    job = await queue.job(job_key(ended.render_id))
    if job is None or job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED):
        if ended.status == "queued":
            await queue.enqueue(_job(settings, ended.render_id))
    elif job.status in (Status.ACTIVE, Status.ABORTING) and job.worker_id in (None, worker_name(ended.runner_id)):
        if ended.status == "queued" and job.retryable:
            await queue.retry(job, error="its worker stopped")
        else:
            await queue.finish(job, Status.FAILED, error="its worker stopped after the last attempt")


async def _sweeping(queue: Queue, settings: Settings, runner: pack_jobs.Runner) -> None:
    while True:
        try:
            for ended in await pack_jobs.sweep(runner):
                logger.warning(
                    "pack generation %s: worker %s stopped; %s", ended.render_id, ended.runner_id, ended.status
                )
                await _hand_back(queue, settings, ended)
        except Exception as error:  # noqa: BLE001 - the next sweep tries again
            logger.warning("pack generations could not be swept: %r", error)
        await asyncio.sleep(max(1, settings.render_heartbeat_seconds))


async def work(settings: Settings) -> None:
    """Take pack generations off the queue until the process is told to end."""
    queue = Queue.from_url(settings.queue_url, name=settings.queue_name)
    engine = async_engine(settings.database_url)
    pool = RenderPool(settings.render_workers)
    instance = RunnerInstance(settings.database_url, "worker")
    await asyncio.to_thread(instance.start)
    runner = pack_jobs.Runner(
        sessions=pack_jobs.session_factory(engine),
        reading=pack_jobs.session_factory(for_reading(engine)),
        press=Press(
            document_cache_for(engine, settings.data_dir / "documents", settings.document_cache_bytes),
            pool,
            settings.base_url,
        ),
        instance=instance,
        timeout=settings.render_timeout_seconds,
    )
    sweeper: asyncio.Task[None] | None = None

    async def startup(context: Context) -> None:
        nonlocal sweeper
        context["runner"] = runner  # type: ignore[typeddict-unknown-key]
        sweeper = asyncio.create_task(_sweeping(queue, settings, runner), name="pack-render-sweep")

    async def shutdown(_context: Context) -> None:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        pool.close()
        await asyncio.to_thread(instance.close)
        await engine.dispose()

    # SAQ's sweep ends attempts past their timeout; a dead worker's jobs are swept by _sweeping.
    timers: PartialTimersDict = {"schedule": 1, "worker_info": 10, "abort": 1, "sweep": 10}
    worker = Worker(
        queue,
        functions=[(FUNCTION, _render_pack)],
        id=worker_name(instance.id),
        concurrency=max(1, settings.render_workers),
        startup=startup,
        shutdown=shutdown,
        timers=timers,
        # On PostgreSQL a retried job is announced to no one: waiting workers also look for jobs every second.
        poll_interval=1.0,
    )
    await queue.connect()
    try:
        # Returns once the process is told to end (SIGINT or SIGTERM), after the running jobs were handed back.
        await worker.start()
    finally:
        await queue.disconnect()
    logger.info("render worker stopped")
