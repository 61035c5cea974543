"""The processes that run pack generations, and whether each still lives.

Every process that runs jobs (the app without a shared queue, each queue worker) registers as a
runner when it starts and holds a lock for as long as it lives: on PostgreSQL a session-level
advisory lock on a connection it keeps open, on SQLite (one machine) a lock on a file beside the
database. The database server or the operating system drops the lock the moment the process
ends, however it ends, so any process can tell at once whether a runner lives, without waiting
for a heartbeat to age.

A runner records its jobs' progress from a thread of its own, twice a second, so that a busy
event loop never holds it up.
"""

import datetime as dt
import fcntl
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import psycopg
from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.database import is_sqlite, sync_engine
from catalogue.packs import JobRunner, PackRender

logger = logging.getLogger(__name__)

#: First key of the runners' advisory locks (the second is the runner's number); SAQ's own locks use 0.
LOCK_SPACE = 0x6A6F6273
#: Seconds between two records of progress.
BEAT_SECONDS = 0.5
#: Seconds between two checks that the connection holding the lock still holds it.
_LOCK_CHECK_SECONDS = 5.0
#: How soon a PostgreSQL server notices that the machine of a runner vanished, through TCP keepalives.
_KEEPALIVES = "keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3"
_LIVE_RUNNERS = text(
    "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
    " AND classid = CAST(CAST(:space AS bigint) AS oid)"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)

#: What a running attempt reports to its beat: its progress in percent, or ``None`` while unknown.
Progress = Callable[[], int | None]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _held(path: Path) -> bool:
    """Whether a live process holds the lock on ``path``; a missing file is held by nobody."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        # flock, not lockf: its locks belong to an open file, so this test never drops a lock this process holds.
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


class RunnerInstance:
    """This process as a runner of jobs: its number, the lock that shows it lives, and the beat of its attempts."""

    def __init__(self, database_url: str, kind: str) -> None:
        self.database_url = database_url
        self.kind = kind
        self.id = 0
        self._engine = sync_engine(database_url)
        self._file: int | None = None
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None
        self._attempts: dict[int, tuple[int, Progress]] = {}
        self._guard = threading.Lock()
        self._stopping = threading.Event()
        self._beat: threading.Thread | None = None

    @property
    def _folder(self) -> Path:
        database = Path(make_url(self.database_url).database or "").resolve()
        return database.with_name(f"{database.name}.runners")

    def start(self) -> None:
        """Register and take this runner's lock, then start the beat. Blocking: call it from a thread."""
        with self._engine.begin() as connection:
            self.id = connection.execute(
                insert(JobRunner)
                .values(kind=self.kind, host=socket.gethostname()[:255], pid=os.getpid(), started_at=_now())
                .returning(JobRunner.id)
            ).scalar_one()
        if is_sqlite(self.database_url):
            self._folder.mkdir(parents=True, exist_ok=True)
            self._file = os.open(self._folder / f"{self.id}.lock", os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            self._connection = self._lock_connection()
        self._beat = threading.Thread(target=self._beating, name=f"runner-{self.id}-beat", daemon=True)
        self._beat.start()
        logger.info("runner %s (%s, process %s) started", self.id, self.kind, os.getpid())

    def _lock_connection(self) -> "psycopg.Connection[tuple[object, ...]]":
        url = make_url(self.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = psycopg.connect(psycopg.conninfo.make_conninfo(url, connect_timeout=10) + " " + _KEEPALIVES)
        connection.autocommit = True
        for name, value in (("idle", 10), ("interval", 5), ("count", 3)):
            connection.execute(f"SET tcp_keepalives_{name} = {value}")
        connection.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, self.id))
        return connection

    async def alive(self, session: AsyncSession, runner_ids: Iterable[int | None]) -> set[int]:
        """Which of ``runner_ids`` belong to processes that still live; this one always does."""
        wanted = {runner_id for runner_id in runner_ids if runner_id is not None} - {self.id}
        live = {self.id}
        if not wanted:
            return live
        if is_sqlite(self.database_url):
            return live | {runner_id for runner_id in wanted if _held(self._folder / f"{runner_id}.lock")}
        rows = await session.execute(_LIVE_RUNNERS, {"space": LOCK_SPACE})
        return live | (wanted & set(rows.scalars()))

    def forget(self, runner_ids: Iterable[int]) -> None:
        """Remove what is left of runners that died: on SQLite, their lock files."""
        if is_sqlite(self.database_url):
            for runner_id in set(runner_ids) - {self.id}:
                if not _held(path := self._folder / f"{runner_id}.lock"):
                    path.unlink(missing_ok=True)

    def follow(self, render_id: int, attempt: int, progress: Progress) -> None:
        """Record, from now on, the progress of this runner's attempt ``attempt`` at job ``render_id``."""
        with self._guard:
            self._attempts[render_id] = (attempt, progress)

    def unfollow(self, render_id: int) -> None:
        with self._guard:
            self._attempts.pop(render_id, None)

    def _beating(self) -> None:
        checked = 0.0
        beat = (
            update(PackRender)
            .where(
                PackRender.id == bindparam("render_id"),
                PackRender.runner_id == self.id,
                PackRender.attempts == bindparam("attempt"),
                PackRender.status == "running",
            )
            .values(touched_at=bindparam("now"), progress=bindparam("percent"))
        )
        while not self._stopping.wait(BEAT_SECONDS):
            try:
                with self._guard:
                    attempts = list(self._attempts.items())
                beats = [
                    {"render_id": render_id, "attempt": attempt, "now": _now(), "percent": percent}
                    for render_id, (attempt, progress) in attempts
                    if (percent := progress()) is not None
                ]
                if beats:
                    with self._engine.begin() as connection:
                        connection.execute(beat, beats)
                checked += BEAT_SECONDS
                if self._connection is not None and checked >= _LOCK_CHECK_SECONDS:
                    checked = 0.0
                    self._keep_lock()
            except Exception as error:  # noqa: BLE001 - a missed beat is logged, the next one tries again
                logger.warning("runner %s: could not record progress: %r", self.id, error)

    def _keep_lock(self) -> None:
        """Check the lock's connection; when it broke, take the lock again on a new one."""
        try:
            assert self._connection is not None
            self._connection.execute("SELECT 1")
        except psycopg.Error as error:
            logger.error("runner %s lost the connection holding its lock (%r); taking it again", self.id, error)
            self._connection = self._lock_connection()

    def close(self) -> None:
        """Stop the beat and let go of the lock: from now on this runner counts as ended."""
        self._stopping.set()
        if self._beat is not None:
            self._beat.join(timeout=10)
        if self._file is not None:
            (self._folder / f"{self.id}.lock").unlink(missing_ok=True)
            os.close(self._file)
            self._file = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._engine.dispose()
