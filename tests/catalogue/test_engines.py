"""Settings every connection of the application's engine carries, whatever the pool does with it."""

import asyncio

import pytest
from sqlalchemy import text

from catalogue.database import POSTGRES_SETTINGS, async_engine
from tests.support.databases import SeededDatabases


@pytest.mark.postgres
def test_postgresql_connections_carry_the_planner_settings(seeded_databases: SeededDatabases) -> None:
    url = seeded_databases["postgresql"]

    async def settings() -> list[dict[str, str]]:
        engine = async_engine(url, pool_size=1, max_overflow=0)
        seen = []

        async def shown() -> dict[str, str]:
            async with engine.connect() as connection:
                found = {name: str(await connection.scalar(text(f"SHOW {name}"))) for name in POSTGRES_SETTINGS}
                await connection.rollback()
                return found

        try:
            for _ in range(3):  # the same pooled connection, given back after a rollback each time
                seen.append(await shown())
            await engine.dispose()
            seen.append(await shown())  # and a new one
        finally:
            await engine.dispose()
        return seen

    assert asyncio.run(settings()) == [POSTGRES_SETTINGS] * 4


@pytest.mark.postgres
def test_a_setting_the_operator_chose_is_kept(seeded_databases: SeededDatabases) -> None:
    url = seeded_databases["postgresql"] + "?options=-c%20random_page_cost%3D2.5"

    async def shown() -> str:
        engine = async_engine(url)
        try:
            async with engine.connect() as connection:
                return str(await connection.scalar(text("SHOW random_page_cost")))
        finally:
            await engine.dispose()

    assert asyncio.run(shown()) == "2.5"
