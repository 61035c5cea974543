"""Settings every connection of the application's engine carries, whatever the pool does with it."""

import asyncio

import pytest
from sqlalchemy import text

from catalogue.database import async_engine
from tests.support.databases import SeededDatabases


@pytest.mark.postgres
def test_postgresql_connections_run_queries_without_jit(seeded_databases: SeededDatabases) -> None:
    url = seeded_databases["postgresql"]

    async def settings() -> list[str]:
        engine = async_engine(url, pool_size=1, max_overflow=0)
        seen = []
        try:
            for _ in range(3):  # the same pooled connection, given back after a rollback each time
                async with engine.connect() as connection:
                    seen.append(str(await connection.scalar(text("SHOW jit"))))
                    await connection.rollback()
            await engine.dispose()
            async with engine.connect() as connection:  # and a new one
                seen.append(str(await connection.scalar(text("SHOW jit"))))
        finally:
            await engine.dispose()
        return seen

    assert asyncio.run(settings()) == ["off"] * 4
