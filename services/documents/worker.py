"""Worker processes that render documents, so rendering never blocks the event loop nor starves it.

Renders run in processes of lower CPU priority, so that the web process keeps its core while
they work. At most ``workers`` run at once and at most ``queue_limit`` more wait for a process:
a document asked for beyond that is refused as busy, with an estimate of when to try again,
rather than piling up requests. A document that failed to render is answered as failed for a
short while instead of being rendered again by every request that asks for it.
"""

import asyncio
import logging
import math
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.documents.assets import Variant
from services.errors import RenderBusy
from services.monitoring import RENDER_SECONDS, RENDERS, RENDERS_RUNNING, RENDERS_WAITING

logger = logging.getLogger(__name__)

#: How much lower than the web process's the rendering processes' CPU priority is.
RENDER_NICENESS = 10
#: Documents that may wait for a rendering process by default, besides those being rendered.
DEFAULT_QUEUE_LIMIT = 16
#: Seconds a document that failed is answered as failed before it is tried again.
FAILURE_MEMORY_SECONDS = 60
#: Failed documents remembered at most; the oldest are forgotten first.
_FAILURES_KEPT = 1024
#: What one render is assumed to take before any was timed, in seconds.
_FIRST_ESTIMATE = 2.0


class FailedRecently(Exception):
    """The same document failed to render moments ago; it is tried again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"this document failed to render moments ago; it is tried again in {retry_after} seconds")
        self.retry_after = retry_after


def render_here(html: str, images: Mapping[str, bytes], variant: Variant) -> bytes:
    """The document rendered in this process, which loads WeasyPrint the first time."""
    from services.documents.rendering import render_pdf

    return render_pdf(html, images, variant)


def _start_worker(parent: int, niceness: int) -> None:
    """Runs in each rendering process: lower its priority, and end it when its parent is gone, however that went."""
    os.nice(niceness)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class RenderPool:
    """A pool of rendering processes, started on first use and stopped with :meth:`close`.

    A worker that dies takes the pool with it; the next render starts a new pool.
    """

    def __init__(
        self,
        workers: int,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        *,
        niceness: int = RENDER_NICENESS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workers = max(1, workers)
        self.queue_limit = queue_limit
        self.niceness = niceness
        self.clock = clock
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0
        self._seconds = _FIRST_ESTIMATE
        #: Document key -> the moment until which it is answered as failed.
        self._failed: OrderedDict[str, float] = OrderedDict()
        #: Documents rendered so far.
        self.renders = 0

    @property
    def waiting(self) -> int:
        """Documents waiting for a rendering process."""
        return self._waiting

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Spawned, not forked: the parent runs threads and an event loop a fork would copy.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(), self.niceness),
            )
            # Start every process now, together: one started later, during a burst of downloads,
            # would import the renderer at full priority before lowering it, while readers wait.
            for _ in range(self.workers):
                self._executor.submit(os.getpid)
        return self._executor

    def retry_after(self) -> int:
        """Seconds until a document asked for now would likely get a rendering process."""
        return max(1, math.ceil(self._seconds * (self._waiting + 1) / self.workers))

    def _admit(self, key: str | None, bounded: bool) -> None:
        if key is not None and (until := self._failed.get(key)) is not None:
            left = until - self.clock()
            if left > 0:
                RENDERS.labels("failed-recently").inc()
                raise FailedRecently(math.ceil(left))
            del self._failed[key]
        if bounded and self._waiting >= self.queue_limit:
            RENDERS.labels("busy").inc()
            raise RenderBusy(self.retry_after())

    def _remember_failure(self, key: str) -> None:
        self._failed[key] = self.clock() + FAILURE_MEMORY_SECONDS
        self._failed.move_to_end(key)
        while len(self._failed) > _FAILURES_KEPT:
            self._failed.popitem(last=False)

    async def render(
        self,
        html: str,
        images: Mapping[str, bytes],
        variant: Variant,
        *,
        key: str | None = None,
        retry: bool = True,
        bounded: bool = False,
    ) -> bytes:
        """The PDF of ``html``, rendered in a worker process; with ``retry``, once more if that process dies.

        ``key`` names the document, so that a failure is remembered for a while: raises
        :class:`FailedRecently` while it is. A ``bounded`` render (one a reader waits for) is refused
        with :class:`RenderBusy` when the queue is full; others (background generations, already
        limited by their own queue) wait their turn.
        """
        self._admit(key, bounded)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        self._waiting += 1
        RENDERS_WAITING.inc()
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
            RENDERS_WAITING.dec()
        started = self.clock()
        RENDERS_RUNNING.inc()
        try:
            pdf = await self._run(html, images, variant, retry=retry)
        except asyncio.CancelledError:
            raise
        except BaseException:
            RENDERS.labels("failed").inc()
            if key is not None:
                self._remember_failure(key)
            raise
        finally:
            RENDERS_RUNNING.dec()
            self._slots.release()
        took = self.clock() - started
        # A running average, so that the estimate follows the documents asked for lately.
        self._seconds = 0.8 * self._seconds + 0.2 * took
        RENDER_SECONDS.observe(took)
        RENDERS.labels("done").inc()
        self.renders += 1
        return pdf

    async def _run(self, html: str, images: Mapping[str, bytes], variant: Variant, *, retry: bool) -> bytes:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool(), render_here, html, dict(images), variant)
        except BrokenProcessPool:
            logger.warning("a rendering process died; starting new ones")
            self.close()
            if not retry:
                raise
            return await loop.run_in_executor(self._pool(), render_here, html, dict(images), variant)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
