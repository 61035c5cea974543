"""Pack generations through a shared queue (SAQ on Redis or PostgreSQL), run by workers on any machine.

The app only enqueues; ``python -m services.cli render-worker`` takes jobs off the queue. A
worker touches its job every few seconds; when a worker dies, another one's sweep finds the job
silent past its heartbeat and puts it back on the queue, up to the job's retries.
"""

import logging

from saq import Job, Queue, Worker
from saq.types import Context, PartialTimersDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.database import async_engine
from services.documents import pack_jobs
from services.documents.cache import document_cache_for
from services.documents.worker import RenderPool
from services.settings import Settings

logger = logging.getLogger(__name__)

FUNCTION = "render_pack"


def job_key(render_id: int) -> str:
    return f"pack-render-{render_id}"


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
        heartbeat = self.settings.render_heartbeat_seconds
        await self.queue.enqueue(
            Job(
                FUNCTION,
                kwargs={"render_id": render_id},
                key=job_key(render_id),
                retries=pack_jobs.MAX_ATTEMPTS,
                heartbeat=heartbeat,
                timeout=self.settings.render_timeout_seconds,
            )
        )

    async def ping(self) -> None:
        """Ask the queue something cheap; raises when it does not answer."""
        await self.queue.count("queued")

    async def close(self) -> None:
        await self.queue.disconnect()


async def _render_pack(context: Context, *, render_id: int) -> None:
    runner: pack_jobs.Runner = context["runner"]  # type: ignore[typeddict-item]
    job = context.get("job")

    async def touch() -> None:
        if job is not None:
            await job.update()

    # A failed attempt puts the job's row back in the queue, or marks it failed after the last one.
    await pack_jobs.run(runner, render_id, touch)


async def work(settings: Settings) -> None:
    """Take pack generations off the queue until the process is told to end."""
    queue = Queue.from_url(settings.queue_url, name=settings.queue_name)
    engine = async_engine(settings.database_url)
    pool = RenderPool(settings.render_workers)
    runner = pack_jobs.Runner(
        sessions=pack_jobs.session_factory(engine),
        cache=document_cache_for(engine, settings.data_dir / "documents", settings.document_cache_bytes),
        pool=pool,
        base_url=settings.base_url,
        stale_after=settings.render_heartbeat_seconds,
        timeout=settings.render_timeout_seconds,
    )

    async def startup(context: Context) -> None:
        context["runner"] = runner  # type: ignore[typeddict-unknown-key]

    async def shutdown(_context: Context) -> None:
        pool.close()
        await engine.dispose()

    # Sweeping puts the jobs of dead workers back; a job is found silent one heartbeat after it stopped.
    timers: PartialTimersDict = {
        "schedule": 1,
        "worker_info": 10,
        "abort": 1,
        "sweep": max(1, settings.render_heartbeat_seconds // 2),
    }
    worker = Worker(
        queue,
        functions=[(FUNCTION, _render_pack)],
        concurrency=max(1, settings.render_workers),
        startup=startup,
        shutdown=shutdown,
        timers=timers,
    )
    await queue.connect()
    try:
        # Returns once the process is told to end (SIGINT or SIGTERM), after the running jobs were handed back.
        await worker.start()
    finally:
        await queue.disconnect()
    logger.info("render worker stopped")
