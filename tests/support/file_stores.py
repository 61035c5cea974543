"""Stores of files on "machines": folders of their own, sharing one test database."""

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue.database import async_engine
from catalogue.stored_files import StoredFile
from services.file_store import FileStore
from services.shared_files import database_files

_T = TypeVar("_T")


def run(work: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    return asyncio.run(work())


class Machines:
    """Stores of one kind on "machines" (folders of their own) sharing the test's database."""

    def __init__(self, url: str, root: Path) -> None:
        self.url, self.root = url, root
        self.shared = make_url(url).get_backend_name() == "postgresql"

    def engine(self) -> AsyncEngine:
        return async_engine(self.url)

    def store(self, engine: AsyncEngine, machine: str, **options: Any) -> FileStore:
        return FileStore(self.root / machine, shared=database_files(engine, "image"), **options)

    def rows(self, kind: str = "image") -> dict[str, bytes]:
        async def read() -> dict[str, bytes]:
            engine = self.engine()
            try:
                async with engine.connect() as connection:
                    found = await connection.execute(
                        select(StoredFile.name, StoredFile.data).where(StoredFile.kind == kind)
                    )
                    return {row.name: bytes(row.data) for row in found}
            finally:
                await engine.dispose()

        return run(read)


async def document_names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return sorted(await connection.scalars(select(StoredFile.name).where(StoredFile.kind == "document")))
