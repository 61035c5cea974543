"""The database's copy of files named by their content, which every machine sharing the database reads.

Each call takes a short connection of its own and gives it back at once: a file is never read or
written on a request's connection, nor while anything renders.
"""

import datetime as dt
import hashlib
import logging
import zlib
from collections.abc import Awaitable, Callable, Collection

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue.stored_files import StoredFile

logger = logging.getLogger(__name__)

#: A file stored or fetched this recently is never pruned: a generation records its file's key
#: only after storing it, and a machine fetching a file is about to serve it.
FRESH_SECONDS = 600


class DamagedFile(RuntimeError):
    """The bytes read back are not those stored: never served."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shares_files(engine: AsyncEngine) -> bool:
    """Whether instances on several machines may share this database (PostgreSQL), and so its files."""
    return engine.dialect.name == "postgresql"


class DatabaseFiles:
    """Files of one kind in the ``stored_file`` table: each name written once, read by every machine.

    With ``max_bytes`` the files least recently stored or fetched go once the kind holds more, except
    those ``promised`` names and those used within ``fresh_seconds``; without it nothing is ever
    removed. Serving a machine's own copy does not count as a use here: the database's order is
    that of the machines' misses.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        kind: str,
        max_bytes: int | None = None,
        fresh_seconds: float = FRESH_SECONDS,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self.engine = engine
        self.kind = kind
        self.max_bytes = max_bytes
        self.fresh_seconds = fresh_seconds
        self.clock = clock
        # One pruner per kind at a time across every machine; the others skip their turn.
        self._prune_lock = zlib.crc32(f"stored_file prune {kind}".encode())

    def _one(self, name: str) -> ColumnElement[bool]:
        return (StoredFile.kind == self.kind) & (StoredFile.name == name)

    async def read(self, name: str) -> bytes | None:
        """The file's bytes, marked as just used; ``None`` when the database does not hold it."""
        async with self.engine.begin() as connection:
            found = (
                await connection.execute(
                    update(StoredFile)
                    .where(self._one(name))
                    .values(used_at=self.clock())
                    .returning(StoredFile.data, StoredFile.digest)
                )
            ).first()
        if found is None:
            return None
        data, digest = bytes(found.data), found.digest
        if _digest(data) != digest:
            msg = f"the stored {self.kind} {name} does not match its digest"
            raise DamagedFile(msg)
        return data

    async def keep(self, name: str, data: bytes) -> tuple[bytes, bool]:
        """Store ``data`` under ``name`` unless the database holds that name already.

        Returns the bytes the database now holds under ``name`` (another machine's, when it stored
        the name first) and whether this call stored them.
        """
        digest, now = _digest(data), self.clock()
        for _attempt in range(3):
            async with self.engine.begin() as connection:
                inserted = await connection.execute(
                    insert(StoredFile)
                    .values(
                        kind=self.kind, name=name, digest=digest, size=len(data), data=data, stored_at=now,
                        used_at=now,
                    )
                    .on_conflict_do_nothing(index_elements=["kind", "name"])
                    .returning(StoredFile.id)
                )  # fmt: skip
                if inserted.first() is not None:
                    return data, True
                existing = (
                    await connection.execute(
                        update(StoredFile).where(self._one(name)).values(used_at=now).returning(StoredFile.digest)
                    )
                ).scalar()
            if existing == digest:
                return data, False
            if existing is not None:
                # Another machine made the same document first: every machine serves its bytes.
                held = await self.read(name)
                if held is not None:
                    return held, False
            # Pruned between the two statements: store it again.
        msg = f"the {self.kind} {name} could not be stored"
        raise RuntimeError(msg)

    async def total_bytes(self) -> int:
        """The size of every file of this kind."""
        async with self.engine.connect() as connection:
            total = await connection.scalar(
                select(func.coalesce(func.sum(StoredFile.size), 0)).where(StoredFile.kind == self.kind)
            )
        return int(total or 0)

    async def prune(self, promised: Callable[[], Awaitable[Collection[str]]] | None = None) -> list[str]:
        """Remove the least recently used files until the kind fits ``max_bytes``; the names removed."""
        if self.max_bytes is None or await self.total_bytes() <= self.max_bytes:
            return []
        kept = set(await promised()) if promised is not None else set()
        cutoff = self.clock() - dt.timedelta(seconds=self.fresh_seconds)
        async with self.engine.begin() as connection:
            if not await connection.scalar(select(func.pg_try_advisory_xact_lock(self._prune_lock))):
                return []
            rows = (
                await connection.execute(
                    select(StoredFile.name, StoredFile.size, StoredFile.used_at)
                    .where(StoredFile.kind == self.kind)
                    .order_by(StoredFile.used_at, StoredFile.id)
                )
            ).all()
            total = sum(row.size for row in rows)
            chosen = []
            for row in rows:
                if total <= self.max_bytes or row.used_at >= cutoff:
                    break
                if row.name not in kept:
                    chosen.append(row.name)
                    total -= row.size
            if chosen:
                # A file fetched since it was chosen stays.
                await connection.execute(
                    delete(StoredFile).where(
                        StoredFile.kind == self.kind, StoredFile.name.in_(chosen), StoredFile.used_at < cutoff
                    )
                )
        if chosen:
            logger.info(
                "removed %s %s file(s) from the database to keep within %s bytes",
                len(chosen),
                self.kind,
                self.max_bytes,
            )
        return chosen


def database_files(engine: AsyncEngine, kind: str, max_bytes: int | None = None) -> DatabaseFiles | None:
    """The database's copy of files of ``kind`` when the database is shared by several machines, else ``None``."""
    return DatabaseFiles(engine, kind, max_bytes) if shares_files(engine) else None
