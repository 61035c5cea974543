"""Pack downloads counted in memory and written together every few seconds.

A download only reads: counting it does not take the SQLite write lock or make a transaction of
its own. The counts of every pack opened since the last write go to the database in one
transaction, every ``every`` seconds, when the app stops, and before this process shows counts
to an adviser. Counts of another process show once it has written them; a process killed
outright loses the counts of its last few seconds, never a download.
"""

import asyncio
import datetime as dt
import logging
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.delegations import Delegation
from catalogue.packs import PackDownload

logger = logging.getLogger(__name__)

#: Seconds between two writes of the counts.
WRITE_EVERY = 2.0

#: One pack's downloads in one language on one day.
Key = tuple[int, str, dt.date]


class DownloadCounts:
    """The downloads counted since the last write, and the task that writes them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], every: float | None = None) -> None:
        self.sessions = sessions
        self.every = WRITE_EVERY if every is None else every
        self.pending: Counter[Key] = Counter()
        self._writer: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._writes: set[asyncio.Task[None]] = set()

    def add(self, delegation_id: int, language: str, day: dt.date) -> None:
        """One more download of a delegation's pack in ``language`` on ``day``."""
        self.pending[delegation_id, language, day] += 1

    async def start(self) -> None:
        """Write the counts every ``every`` seconds, in the background."""
        self._writer = asyncio.create_task(self._writing(), name="download-counts")

    async def close(self) -> None:
        """Stop writing in the background and write what is left."""
        if self._writer is not None:
            # Under the lock no write is under way: the task is stopped while it waits, never mid-write.
            async with self._lock:
                self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        await asyncio.gather(*self._writes, return_exceptions=True)
        try:
            await self.write()
        except Exception:
            logger.exception("%d pack downloads could not be counted", sum(self.pending.values()))

    async def _writing(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.write()
            except Exception as error:  # noqa: BLE001 - the counts stay and the next write tries again
                logger.warning("pack downloads could not be counted yet: %r", error)

    async def write(self) -> None:
        """Add the counts taken so far to the database; on failure they stay for the next write.

        A write goes on when the one who asked for it stops waiting: a transaction cut short might
        have committed, and its counts would be added again.
        """
        async with self._lock:
            if not self.pending:
                return
            taken, self.pending = self.pending, Counter()
            write = asyncio.ensure_future(self._write(taken))
            self._writes.add(write)
            write.add_done_callback(self._writes.discard)
            await asyncio.shield(write)

    async def _write(self, taken: Counter[Key]) -> None:
        try:
            async with self.sessions() as session, session.begin():
                await _add(session, taken)
        except Exception:
            self.pending.update(taken)
            raise


async def _add(session: AsyncSession, counts: Counter[Key]) -> None:
    # Counts of a delegation deleted meanwhile go with it.
    kept = set(await session.scalars(select(Delegation.id).where(Delegation.id.in_({key[0] for key in counts}))))
    rows = [
        {"delegation_id": delegation, "language": language, "day": day, "count": count}
        for (delegation, language, day), count in sorted(counts.items())
        if delegation in kept
    ]
    if not rows:
        return
    insert: Any = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    statement = insert(PackDownload)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["delegation_id", "language", "day"],
            set_={"count": PackDownload.count + statement.excluded["count"]},
        ),
        rows,
    )
