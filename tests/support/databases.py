"""Real databases per backend (SQLite and PostgreSQL): empty, seeded with the demo and test catalogues, or
copied from a seeded template; and a test client of the application serving one."""

import asyncio
import functools
import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeAlias

import psycopg
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations
from catalogue import tables as t
from catalogue.database import async_engine
from services.accounts import people
from services.editing.importing import import_catalogue, read_catalogue_files
from services.operations.seeding import DEMO_ACCOUNTS
from services.settings import PROJECT_ROOT, Settings
from services.web.app import create_app

BACKENDS = ("sqlite", "postgresql")
#: A test client of the catalogue application.
Client: TypeAlias = TestClient[Litestar]
TEST_DATA = Path(__file__).resolve().parent.parent / "data"
DEMO_DATA = PROJECT_ROOT / "data" / "demo"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin_conninfo() -> str:
    return make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


class EmptyDatabase:
    """Creates fresh databases. The PostgreSQL server must answer: a test run never skips it.

    Creating and dropping a PostgreSQL database mostly waits for the server's disk, so the suite has it
    done on a thread of its own while tests go on.
    """

    def __init__(self) -> None:
        self.created: list[str] = []
        self.beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="databases")

    def __call__(self, backend: str, directory: Path) -> str:
        if backend == "sqlite":
            return f"sqlite:///{directory / f'catalogue-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"catalogue_test_{uuid.uuid4().hex[:12]}"
        try:
            with psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as error:
            msg = f"PostgreSQL at {POSTGRES_URL} is required for the suite and did not answer: {error}"
            raise RuntimeError(msg) from error
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def release(self, url: str) -> None:
        """Drop the PostgreSQL database at ``url`` once the thread beside gets to it; SQLite files stay."""
        name = make_url(url).database or ""
        if name in self.created:
            self.created.remove(name)
            self.beside.submit(self._drop, [name]).add_done_callback(functools.partial(self._dropped, name))

    def _dropped(self, name: str, dropped: Future[None]) -> None:
        if dropped.exception() is not None:
            self.created.append(name)  # tried again at the end

    def drop_all(self) -> None:
        self.beside.shutdown(wait=True)
        self._drop(self.created)

    @staticmethod
    def _drop(names: list[str]) -> None:
        if not names:
            return
        with psycopg.connect(_admin_conninfo(), autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _seed(url: str) -> None:
    data = read_catalogue_files([*DEMO_DATA.glob("*.toml"), *TEST_DATA.glob("*.toml")])
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await import_catalogue(session, data)
            await session.execute(
                update(t.Solution).where(t.Solution.slug == "test-unpublished").values(is_published=False)
            )
            # A French draft: never shown, never found, and no reason to call the entry available in French.
            sensors = await session.scalar(select(t.Solution.id).where(t.Solution.slug == "test-harbour-sensors"))
            session.add(
                t.SolutionText(
                    owner_id=sensors, field="title", locale="fr", text="Capteurs portuaires (brouillon)",
                    folded="capteurs portuaires (brouillon)", state="draft", is_source=False,
                )
            )  # fmt: skip
            await people.add_demo_accounts(session, people.read_demo_accounts(DEMO_ACCOUNTS))
            await session.commit()
    finally:
        await engine.dispose()


class SeededDatabases:
    """One database per backend, migrated from empty and holding the demo and test catalogues."""

    def __init__(self, empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.empty_database = empty_database
        self.tmp_path_factory = tmp_path_factory
        self.urls: dict[str, str] = {}

    def __getitem__(self, backend: str) -> str:
        if backend not in self.urls:
            url = self.empty_database(backend, self.tmp_path_factory.mktemp(backend))
            migrations.upgrade(url)
            asyncio.run(_seed(url))
            self.urls[backend] = url
        return self.urls[backend]


def make_client(url: str, data_dir: Path, **settings: Any) -> Client:
    return TestClient(create_app(Settings(database_url=url, data_dir=data_dir, **settings)))


class TemplateDatabases(SeededDatabases):
    """Seeded databases nothing connects to, copied whole for each test that changes data.

    A PostgreSQL copy is made ahead on the thread beside, so that the next test finds it ready.
    """

    def __init__(self, empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory) -> None:
        super().__init__(empty_database, tmp_path_factory)
        self.ahead: Future[str] | None = None

    def clone(self, backend: str, directory: Path) -> str:
        template = self[backend]
        if backend == "sqlite":
            path = directory / f"clone-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(make_url(template).database or "", path)
            return f"sqlite:///{path}"
        ahead, self.ahead = self.ahead, None
        try:
            copy = ahead.result() if ahead is not None else self._copy(template)
        except psycopg.Error:
            copy = self._copy(template)  # the copy made ahead failed: this one says why, if it fails too
        self.ahead = self.empty_database.beside.submit(self._copy, template)
        return copy

    def _copy(self, template: str) -> str:
        name = f"catalogue_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_admin_conninfo(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        self.empty_database.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
