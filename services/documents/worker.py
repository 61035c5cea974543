"""Worker processes that render documents, so rendering never blocks the event loop."""

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.documents.rendering import Variant, render_pdf

logger = logging.getLogger(__name__)


def _exit_with(parent: int) -> None:
    """Runs in each worker: end it when the process that started it is gone, however that went."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class RenderPool:
    """A pool of rendering processes, started on first use and stopped with :meth:`close`.

    A worker that dies takes the pool with it; the next render starts a new pool.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        #: Documents rendered so far.
        self.renders = 0

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Spawned, not forked: the parent runs threads and an event loop a fork would copy.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with,
                initargs=(os.getpid(),),
            )
        return self._executor

    async def render(self, html: str, images: Mapping[str, bytes], variant: Variant, *, retry: bool = True) -> bytes:
        """The PDF of ``html``, rendered in a worker process; with ``retry``, once more if that process dies."""
        loop = asyncio.get_running_loop()
        try:
            pdf = await loop.run_in_executor(self._pool(), render_pdf, html, dict(images), variant)
        except BrokenProcessPool:
            logger.warning("a rendering process died; starting new ones")
            self.close()
            if not retry:
                raise
            pdf = await loop.run_in_executor(self._pool(), render_pdf, html, dict(images), variant)
        self.renders += 1
        return pdf

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
