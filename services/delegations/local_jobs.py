"""Pack generations run beside the app, without a shared queue: tasks of its event loop, rendering in its processes.

The app is then a runner (see :mod:`services.delegations.runners`). When it starts, and every
``sweep_every`` seconds after, it puts back the jobs of runners that died (an earlier run of the
app killed a moment ago among them) and runs every job that waits: a job accepted by a run of
the app that ended runs again, however soon the app returns.
"""

import asyncio
import logging

from services.delegations import pack_jobs
from services.delegations.pack_jobs import MAX_ATTEMPTS, Runner

logger = logging.getLogger(__name__)


class LocalJobs:
    """Runs jobs as tasks of the app's own event loop, rendering in its worker processes."""

    def __init__(self, runner: Runner, sweep_every: float) -> None:
        self.runner = runner
        self.sweep_every = max(1.0, sweep_every)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._registered = asyncio.Event()
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Register as a runner, then sweep at once and every ``sweep_every`` seconds, in the background.

        When the database cannot be reached yet, the app starts all the same and each sweep tries again.
        """
        try:
            await self._register()
        except Exception as error:  # noqa: BLE001 - the sweeps try again
            logger.warning("the app could not register as a runner of pack generations: %r", error)
        self._sweeper = asyncio.create_task(self._sweeping(), name="pack-render-sweep")

    async def _register(self) -> None:
        if not self._registered.is_set():
            await asyncio.to_thread(self.runner.instance.start)
            self._registered.set()

    async def _sweeping(self) -> None:
        while True:
            try:
                await self._register()
                await self._sweep()
            except Exception as error:  # noqa: BLE001 - the database may be away for a while: the next sweep tries again
                logger.warning("pack generations could not be swept: %r", error)
            await asyncio.sleep(self.sweep_every)

    async def _sweep(self) -> None:
        for ended in await pack_jobs.sweep(self.runner):
            logger.warning("pack generation %s: runner %s stopped; %s", ended.render_id, ended.runner_id, ended.status)
        for render_id in await pack_jobs.waiting(self.runner.sessions):
            await self.submit(render_id)

    async def submit(self, render_id: int) -> None:
        """Run the job, unless this app already does."""
        if render_id in self._tasks:
            return
        task = asyncio.create_task(self._run(render_id), name=f"pack-render-{render_id}")
        self._tasks[render_id] = task
        task.add_done_callback(lambda _done: self._tasks.pop(render_id, None))

    async def _run(self, render_id: int) -> None:
        await self._registered.wait()
        for _attempt in range(MAX_ATTEMPTS):
            try:
                async with asyncio.timeout(self.runner.timeout):
                    await pack_jobs.run(self.runner, render_id)
            except Exception:  # noqa: BLE001, S112 - the attempt put its job back or marked it failed
                continue
            return

    async def close(self) -> None:
        """Stop: running attempts are put back for the next start, then the runner's lock is let go."""
        tasks = [*self._tasks.values(), *([self._sweeper] if self._sweeper else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._registered.is_set():
            await asyncio.to_thread(self.runner.instance.close)
