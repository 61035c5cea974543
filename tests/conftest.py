"""Shared fixtures: a real database per backend (SQLite and PostgreSQL), seeded, a client, and a mailbox."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher, profiles

from services.accounts import accounts
from tests.support.accounts import Mailbox
from tests.support.databases import BACKENDS, Client, EmptyDatabase, SeededDatabases, TemplateDatabases, make_client


@pytest.fixture(scope="session")
def empty_database() -> Iterator[EmptyDatabase]:
    """A factory of empty databases, dropped when the session ends."""
    factory = EmptyDatabase()
    yield factory
    factory.drop_all()


def pytest_configure() -> None:
    """Passwords hashed in this process with Argon2id's cheapest parameters: the suite signs in thousands of
    times, each 0.17 s of CPU with the product's. Processes the tests start keep the product's parameters."""
    accounts.PASSWORDS = accounts.Passwords(PasswordHasher.from_parameters(profiles.CHEAPEST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what needs the PostgreSQL server: every test run for the ``postgresql`` backend."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def seeded_databases(empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory) -> SeededDatabases:
    return SeededDatabases(empty_database, tmp_path_factory)


@pytest.fixture(scope="session")
def seeded_url(backend: str, seeded_databases: SeededDatabases) -> str:
    """The shared seeded database of ``backend``; tests must not change it."""
    return seeded_databases[backend]


@pytest.fixture(scope="session")
def client(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """An HTTP client of the application serving the seeded database; read-only tests share it."""
    with make_client(seeded_url, tmp_path_factory.mktemp("data")) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def template_databases(empty_database: EmptyDatabase, tmp_path_factory: pytest.TempPathFactory) -> TemplateDatabases:
    return TemplateDatabases(empty_database, tmp_path_factory)


@pytest.fixture
def fresh_url(backend: str, template_databases: TemplateDatabases, tmp_path: Path) -> Iterator[str]:
    """A seeded database of ``backend`` of the test's own, which it may change."""
    url = template_databases.clone(backend, tmp_path)
    yield url
    template_databases.empty_database.release(url)


@pytest.fixture
def fresh_client(fresh_url: str, tmp_path: Path) -> Iterator[Client]:
    """A client of the application serving the test's own seeded database."""
    with make_client(fresh_url, tmp_path / "data") as test_client:
        yield test_client


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on a free local port, keeping what it receives."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
