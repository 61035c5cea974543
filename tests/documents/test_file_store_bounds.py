"""How the stored files are bounded: documents within their budget, but never the file a share link serves;
images never removed. On both databases (see :mod:`tests.documents.test_file_store`)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from catalogue.accounts import UserAccount
from catalogue.delegations import Delegation
from catalogue.packs import PackRender
from services.documents.cache import document_cache_for, promised_documents
from services.editing.image_store import image_files_for
from tests.support.file_stores import Machines, document_names, run


@pytest.fixture
def machines(fresh_url: str, tmp_path: Path) -> Machines:
    return Machines(fresh_url, tmp_path)


async def _pack_generations(engine: AsyncEngine, keys: dict[str, list[str]]) -> None:
    """Finished generations of one delegation's pack: per language, the document keys, oldest first."""
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        adviser = await session.scalar(select(UserAccount.id).where(UserAccount.role == "adviser").limit(1))
        assert adviser is not None
        delegation = Delegation(
            owner_id=adviser, name="Busan", country="KR", languages=list(keys), starts_on=dt.date(2027, 5, 10),
            ends_on=dt.date(2027, 5, 12), group_size=10,
        )  # fmt: skip
        session.add(delegation)
        await session.flush()
        now = dt.datetime.now(dt.UTC)
        for language, renders in keys.items():
            for key in renders:
                session.add(
                    PackRender(
                        delegation_id=delegation.id, language=language, status="done", stage="finished",
                        progress=100, attempts=1, requested_at=now, touched_at=now, finished_at=now,
                        document_key=key, versions={},
                    )
                )  # fmt: skip
                await session.flush()
        session.add(
            PackRender(
                delegation_id=delegation.id, language="en", status="failed", stage="finished", progress=0,
                attempts=3, requested_at=now, versions={},
            )
        )  # fmt: skip
        await session.commit()


def test_pruning_spares_the_file_a_share_link_promises(machines: Machines) -> None:
    clock = [dt.datetime.now(dt.UTC)]

    async def scenario() -> tuple[set[str], list[str], list[str], dict[str, bool]]:
        engine = machines.engine()
        try:
            # "old-en" was generated first, then "new-en": only the newest of a pack and language is promised.
            await _pack_generations(engine, {"en": ["old-en", "new-en"], "ko": ["only-ko"]})
            promised = await promised_documents(engine)
            cache = document_cache_for(engine, machines.root / "a", 350)
            if cache.shared is not None:
                cache.shared.clock = lambda: clock[0]
            for number, key in enumerate(("new-en", "old-en", "brochure", "only-ko")):
                await cache.store(key, f"{key} ".encode().ljust(100, b"."))
                clock[0] += dt.timedelta(minutes=1)
                # Used in this order on this machine: "new-en" is the least recently used.
                os.utime(cache.path(key), (1000 + number, 1000 + number))
            # Everything is younger than ten minutes: the database keeps it all for now.
            young = await document_names(engine)
            clock[0] += dt.timedelta(hours=1)
            await cache.store("latest", b"latest ".ljust(100, b"."))
            local = {key: cache.path(key).exists() for key in ("new-en", "old-en", "brochure", "only-ko", "latest")}
            return promised, young, await document_names(engine), local
        finally:
            await engine.dispose()

    promised, young, in_database, in_folder = run(scenario)
    assert promised == {"new-en", "only-ko"}
    if machines.shared:
        assert young == ["brochure", "new-en", "old-en", "only-ko"]
        # The database keeps within 350 bytes but for what share links promise.
        assert in_database == ["latest", "new-en", "only-ko"]
        # The folder is only a cache: it drops the least recently used, promised or not.
        assert in_folder == {"new-en": False, "old-en": False, "brochure": True, "only-ko": True, "latest": True}
    else:
        assert young == in_database == []
        # The folder is the only copy: it spares what share links promise.
        assert in_folder == {"new-en": True, "old-en": False, "brochure": False, "only-ko": True, "latest": True}


def test_images_are_never_pruned(machines: Machines) -> None:
    async def scenario() -> list[str]:
        engine = machines.engine()
        try:
            images = image_files_for(engine, machines.root / "a")
            for number in range(20):
                await images.store(f"{number:064x}.png", bytes(100_000))
            return sorted(path.name for path in images.folder.iterdir())
        finally:
            await engine.dispose()

    names = [f"{number:064x}.png" for number in range(20)]
    assert run(scenario) == names
    assert sorted(machines.rows()) == (names if machines.shared else [])
