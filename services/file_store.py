"""Files named by their content (generated documents, uploaded images): a folder on this machine, in front
of the database's copy when several machines share one database.

A name is derived from the content, so it never changes meaning: any copy is as good as another,
and no cache ever needs invalidating.

- The folder: a file is written to a temporary name, flushed and renamed into place, so a reader
  sees a whole file or none; partial files a dead writer left are removed after an hour. With a
  byte budget the least recently used files go first.
- The database (PostgreSQL only, see :mod:`services.shared_files`): a file missing from the folder
  is fetched in a short connection of its own, written to the folder atomically, then served from
  there. A new file goes to the database first and into the folder only once the database holds it,
  so no machine serves a file the others cannot fetch, and every machine serves the same bytes.
  When the database cannot be reached, files already in the folder are still served; the others
  answer the database's error.
- Without a shared database (SQLite) the folder is the only copy: pruning it spares ``promised``
  files, as pruning the database does.
"""

import asyncio
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path

import anyio.to_thread

from services.shared_files import DatabaseFiles

logger = logging.getLogger(__name__)

#: A partial file older than this was left by a writer that died.
STALE_AFTER_SECONDS = 3600

Promised = Callable[[], Awaitable[Collection[str]]]


class FileStore:
    """Files of one kind named by their content; ``shared`` is the database's copy, ``None`` on one machine.

    ``max_bytes`` bounds the folder (``shared`` has a bound of its own); ``promised`` names the
    files a pruning must spare where they are the only copy: the folder without ``shared``, else the database.
    """

    def __init__(
        self,
        folder: Path,
        *,
        suffix: str = "",
        max_bytes: int | None = None,
        shared: DatabaseFiles | None = None,
        promised: Promised | None = None,
    ) -> None:
        self.folder = folder
        self.suffix = suffix
        self.max_bytes = max_bytes
        self.shared = shared
        self.promised = promised
        self._in_flight: dict[tuple[str, str], asyncio.Future[Path | None]] = {}
        self.remove_stale_partials()

    # This machine's folder.

    def remove_stale_partials(self, now: float | None = None) -> None:
        """Delete temporary files that writers which died left behind."""
        cutoff = (now if now is not None else time.time()) - STALE_AFTER_SECONDS
        for partial in self.folder.glob(".partial-*") if self.folder.is_dir() else ():
            try:
                if partial.stat().st_mtime < cutoff:
                    partial.unlink(missing_ok=True)
            except FileNotFoundError:
                continue

    def path(self, name: str) -> Path:
        return self.folder / f"{name}{self.suffix}"

    def get(self, name: str) -> Path | None:
        """This machine's copy, marked as just used; ``None`` if the folder lacks it."""
        path = self.path(name)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    def put(self, name: str, data: bytes, promised: Collection[str] = ()) -> Path:
        """Write ``data`` to this machine's folder only: to a temporary file, flushed, then renamed into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-", suffix=self.suffix)
        target = self.path(name)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(target)
            # The rename itself is durable only once the folder is synced.
            folder = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.prune(keep=target, promised=promised)
        return target

    def _files(self) -> list[tuple[float, int, Path]]:
        files = []
        for path in self.folder.glob(f"[!.]*{self.suffix}"):  # never a partial file being written
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        return files

    def fits(self, more: int = 0) -> bool:
        """Whether the folder keeps within its budget with ``more`` bytes added."""
        return self.max_bytes is None or sum(size for _, size, _ in self._files()) + more <= self.max_bytes

    def prune(self, keep: Path | None = None, promised: Collection[str] = ()) -> None:
        """Delete the least recently used files until the folder fits ``max_bytes``; never ``keep`` nor ``promised``."""
        if self.max_bytes is None:
            return
        spared = {self.path(name) for name in promised} | {keep}
        files = self._files()
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if path not in spared:
                total -= size
                path.unlink(missing_ok=True)

    # Every machine's files.

    async def fetch(self, name: str) -> Path | None:
        """The file, from this machine's folder or else fetched from the database; ``None`` if neither holds it."""
        found = self.get(name)
        if found is not None or self.shared is None:
            return found
        return await self._once("fetch", name, lambda: self._fetch(name))

    async def _fetch(self, name: str) -> Path | None:
        assert self.shared is not None
        data = await self.shared.read(name)
        if data is None:
            return None
        return await anyio.to_thread.run_sync(self.put, name, data)

    async def store(self, name: str, data: bytes) -> Path:
        """Keep ``data`` under ``name`` for every machine: in the database first, then in this machine's folder.

        When another machine stored ``name`` first, its bytes are the ones kept here too.
        """
        promised: Collection[str] = ()
        if self.shared is not None:
            data, stored = await self.shared.keep(name, data)
            if stored:
                try:
                    await self.shared.prune(self.promised)
                except Exception as error:  # noqa: BLE001 - the file is stored; pruning tries again next time
                    logger.warning("could not prune stored files: %r", error)
        elif self.promised is not None and not await anyio.to_thread.run_sync(self.fits, len(data)):
            # The folder is the only copy: pruning it must spare what was promised.
            promised = await self.promised()
        return await anyio.to_thread.run_sync(self.put, name, data, promised)

    async def share_folder(self) -> int:
        """Copy every file of this machine's folder that the database lacks into it; how many were copied.

        Files kept before the database held them (an instance that ran alone) become visible to every machine.
        """
        if self.shared is None or not self.folder.is_dir():
            return 0
        copied = 0
        for path in sorted(self.folder.glob(f"[!.]*{self.suffix}")):  # never a partial file being written
            name = path.name.removesuffix(self.suffix) if self.suffix else path.name
            data = await anyio.to_thread.run_sync(path.read_bytes)
            _, stored = await self.shared.keep(name, data)
            copied += stored
        return copied

    async def get_or_make(self, name: str, make: Callable[[], Awaitable[bytes]]) -> Path:
        """The file under ``name``; made and stored first if no machine has it. One making per name at a time."""
        found = self.get(name)
        if found is not None:
            return found
        made = await self._once("make", name, lambda: self._fetch_or_make(name, make))
        assert made is not None
        return made

    async def _fetch_or_make(self, name: str, make: Callable[[], Awaitable[bytes]]) -> Path:
        found = await self.fetch(name)
        if found is not None:
            return found
        return await self.store(name, await make())

    async def _once(self, purpose: str, name: str, work: Callable[[], Awaitable[Path | None]]) -> Path | None:
        """Run ``work`` once for everyone asking at the same time; it goes on when one of them gives up."""
        key = (purpose, name)
        running = self._in_flight.get(key)
        if running is None:
            running = asyncio.ensure_future(work())
            self._in_flight[key] = running
            running.add_done_callback(lambda _done: self._in_flight.pop(key, None))
        return await asyncio.shield(running)
