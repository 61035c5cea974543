"""Start-up on one database: instances, a migration and a seed started together all come up and load the demo
once; a seed is all or nothing; a seed cut short before its accounts is completed at the next start."""

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import migrations
from catalogue.database import async_engine
from services.editing.importing import import_catalogue
from services.errors import InvalidInput
from services.operations.seeding import DEMO_ACCOUNTS
from services.operations.startup import prepare_database
from services.settings import Settings
from tests.support.databases import DEMO_DATA, TEST_DATA, EmptyDatabase
from tests.support.serving import DEMO_CATALOGUE, DEMO_EMAILS, Command, Server, Stored, environment_with

pytestmark = pytest.mark.slow


def test_instances_a_migration_and_a_seed_started_together_on_an_empty_database_all_come_up(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    environment = environment_with(DATABASE_URL=url, DATA_DIR=str(tmp_path / "data"), RENDER_WORKERS="1")
    servers = [Server(environment, tmp_path / f"serve-{n}.log") for n in range(3)]
    commands = [Command([name], environment, tmp_path / f"{name}.log") for name in ("migrate", "seed")]
    try:
        for server in servers:
            server.wait_until_healthy()
        for command in commands:
            assert command.wait() == 0, command.output()
        for started in [*servers, *commands]:
            assert "Traceback" not in started.output(), started.output()
        stored = Stored(url)
        assert stored.is_the_demo_once(), (stored.organisations, stored.accounts)
        for server in servers:
            assert server.stops_cleanly(), server.output()
    finally:
        for started in [*servers, *commands]:
            started.kill()


def test_a_seed_whose_accounts_fail_stores_nothing(backend: str, empty_database: EmptyDatabase, tmp_path: Path) -> None:
    settings = Settings(database_url=empty_database(backend, tmp_path), data_dir=tmp_path)
    accounts = tmp_path / "accounts.toml"
    broken = '\n[[accounts]]\nemail = "lost@example.org"\ndisplay_name = "Lost"\nrole = "editor"\npassword = "long enough 2026"\norganisation = "no-such-organisation"\n'  # noqa: E501
    accounts.write_text(DEMO_ACCOUNTS.read_text() + broken)
    with pytest.raises(InvalidInput, match="no organisation with the slug 'no-such-organisation'"):
        prepare_database(settings, demo=DEMO_DATA, accounts=accounts)
    stored = Stored(settings.database_url)
    assert (stored.organisations, stored.solutions, stored.accounts) == (Counter(), Counter(), Counter())
    # Once the accounts can be made, the next start loads everything.
    prepare_database(settings, demo=DEMO_DATA, accounts=DEMO_ACCOUNTS)
    assert Stored(settings.database_url).is_the_demo_once()


async def _catalogue_only(url: str) -> None:
    """What an earlier seed stopped between its two commits left behind: the catalogue without accounts."""
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await import_catalogue(session, DEMO_CATALOGUE)
            await session.commit()
    finally:
        await engine.dispose()


def test_a_demo_catalogue_without_its_accounts_gets_them_at_the_next_start(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    url = empty_database(backend, tmp_path)
    migrations.upgrade(url)
    asyncio.run(_catalogue_only(url))
    assert Stored(url).accounts == Counter()
    server = Server(environment_with(DATABASE_URL=url, DATA_DIR=str(tmp_path), RENDER_WORKERS="1"), tmp_path / "s.log")
    try:
        server.wait_until_healthy()
        assert f"added {len(DEMO_EMAILS)} missing demo accounts to the demo catalogue" in server.output()
        assert server.stops_cleanly(), server.output()
    finally:
        server.kill()
    assert Stored(url).is_the_demo_once()
    # Seeding again adds nothing and duplicates nothing.
    again = prepare_database(Settings(database_url=url, data_dir=tmp_path), demo=DEMO_DATA, accounts=DEMO_ACCOUNTS)
    assert again is not None and (again.catalogue, again.accounts) == (False, 0)
    assert Stored(url).is_the_demo_once()


def test_demo_accounts_never_join_another_catalogue(
    backend: str, empty_database: EmptyDatabase, tmp_path: Path
) -> None:
    settings = Settings(database_url=empty_database(backend, tmp_path), data_dir=tmp_path)
    loaded = prepare_database(settings, demo=TEST_DATA)
    assert loaded is not None and loaded.catalogue
    seeded = prepare_database(settings, demo=DEMO_DATA, accounts=DEMO_ACCOUNTS)
    assert seeded is not None and (seeded.catalogue, seeded.accounts) == (False, 0)
    assert Stored(settings.database_url).accounts == Counter()
