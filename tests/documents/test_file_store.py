"""The store of files named by their content, on both databases.

With PostgreSQL each machine's folder is a cache in front of the database's copy; with SQLite the
folder is the only copy. "Another machine" is another folder on the same database.
"""

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from catalogue.database import async_engine
from services.cli import main
from services.documents.cache import DocumentCache, document_cache_for
from services.editing.image_store import image_files_for
from services.file_store import FileStore
from services.settings import PROJECT_ROOT, Settings
from services.shared_files import DamagedFile, DatabaseFiles, database_files
from tests.support.databases import TemplateDatabases, make_client
from tests.support.file_stores import Machines, document_names, run

pytestmark = pytest.mark.slow


@pytest.fixture
def machines(fresh_url: str, tmp_path: Path) -> Machines:
    return Machines(fresh_url, tmp_path)


def test_a_stored_file_is_read_back_whole_on_every_machine_sharing_the_database(machines: Machines) -> None:
    data = b"\x89PNG" + bytes(range(256)) * 100

    async def scenario() -> tuple[bytes, Path | None]:
        engine = machines.engine()
        try:
            first, second = machines.store(engine, "a"), machines.store(engine, "b")
            stored = await first.store("picture.png", data)
            assert stored == first.path("picture.png") and stored.read_bytes() == data
            assert await first.fetch("picture.png") == stored
            assert await first.fetch("missing.png") is None
            return stored.read_bytes(), await second.fetch("picture.png")
        finally:
            await engine.dispose()

    here, there = run(scenario)
    assert here == data
    if machines.shared:
        # A miss on the other machine fetched the database's copy and kept it in its folder.
        assert there is not None and there.parent == machines.root / "b" and there.read_bytes() == data
        assert machines.rows() == {"picture.png": data}
    else:
        # One machine only: the folder is the store, and another folder knows nothing of it.
        assert there is None
        assert machines.rows() == {}


def test_concurrent_stores_of_one_name_leave_one_copy_that_every_machine_serves(machines: Machines) -> None:
    # Two renders of one document differ in their bytes (a creation date, say): the first stored wins.
    versions = [f"%PDF-1.7 render {number} ".encode() * 5000 for number in range(8)]

    async def scenario() -> list[bytes]:
        engine = machines.engine()
        try:
            stores = [machines.store(engine, f"machine-{number % 4}") for number in range(8)]
            paths = await asyncio.gather(
                *(store.store("doc.pdf", data) for store, data in zip(stores, versions, strict=True))
            )
            return [path.read_bytes() for path in paths]
        finally:
            await engine.dispose()

    served = run(scenario)
    assert all(data in versions for data in served)  # each whole, none a mixture
    folders = sorted(machines.root.glob("machine-*"))
    assert all(sorted(path.name for path in folder.iterdir()) == ["doc.pdf"] for folder in folders)  # no partial
    if machines.shared:
        assert machines.rows() == {"doc.pdf": served[0]}
        assert len(set(served)) == 1
        assert {(folder / "doc.pdf").read_bytes() for folder in folders} == {served[0]}


def test_a_document_is_made_once_per_process_and_never_again_on_another_machine(machines: Machines) -> None:
    made: list[str] = []

    def maker(machine: str) -> Callable[[], Awaitable[bytes]]:
        async def make() -> bytes:
            made.append(machine)
            await asyncio.sleep(0.05)  # long enough for the other requests to arrive meanwhile
            return f"%PDF-1.7 made on {machine}".encode()

        return make

    async def scenario() -> tuple[list[Path], Path, Path]:
        engine = machines.engine()
        try:
            first = DocumentCache(machines.root / "a", shared=database_files(engine, "document"))
            paths = await asyncio.gather(*(first.get_or_make("key", maker("a")) for _ in range(5)))
            again = await first.get_or_make("key", maker("a"))
            # A restarted process on the same machine, and another machine.
            restarted = DocumentCache(machines.root / "a", shared=database_files(engine, "document"))
            await restarted.get_or_make("key", maker("a after restart"))
            other = DocumentCache(machines.root / "b", shared=database_files(engine, "document"))
            return paths, again, await other.get_or_make("key", maker("b"))
        finally:
            await engine.dispose()

    paths, again, elsewhere = run(scenario)
    assert len(set(paths)) == 1 and again == paths[0] and paths[0].read_bytes() == b"%PDF-1.7 made on a"
    if machines.shared:
        assert made == ["a"]
        assert elsewhere.read_bytes() == b"%PDF-1.7 made on a"
        assert machines.rows("document") == {"key": b"%PDF-1.7 made on a"}
    else:
        assert made == ["a", "b"]  # no other machine shares an SQLite database


_WRITE_UNDER_A_FILE_SIZE_LIMIT = textwrap.dedent(
    """
    import asyncio, resource, signal, sys
    from pathlib import Path
    from catalogue.database import async_engine
    from services.file_store import FileStore
    from services.shared_files import database_files

    async def main() -> None:
        engine = async_engine(sys.argv[1])
        store = FileStore(Path(sys.argv[2]), shared=database_files(engine, "image"))
        # As if the disk filled up: no file may grow past 64 KiB.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        try:
            if sys.argv[3] == "fetch":
                await store.fetch("big.png")
            else:
                await store.store("big.png", b"x" * 1_000_000)
        finally:
            await engine.dispose()

    asyncio.run(main())
    """
)


def test_a_file_cut_short_while_written_is_never_served(machines: Machines) -> None:
    data = bytes(range(256)) * 4000  # 1 MB
    if machines.shared:

        async def stored() -> None:
            engine = machines.engine()
            try:
                await machines.store(engine, "uploader").store("big.png", data)
            finally:
                await engine.dispose()

        run(stored)
    folder = machines.root / "reader"
    action = "fetch" if machines.shared else "store"
    ended = subprocess.run(
        [sys.executable, "-c", _WRITE_UNDER_A_FILE_SIZE_LIMIT, machines.url, str(folder), action],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert ended.returncode != 0 and b"File too large" in ended.stderr, ended.stderr.decode()
    assert list(folder.iterdir()) == []  # neither the file nor a partial one

    async def read_again() -> Path | None:
        engine = machines.engine()
        try:
            return await machines.store(engine, "reader").fetch("big.png")
        finally:
            await engine.dispose()

    again = run(read_again)
    if machines.shared:
        assert again is not None and again.read_bytes() == data
    else:
        assert again is None


UNREACHABLE = "postgresql://postgres@127.0.0.1:1/catalogue"


def test_without_the_database_local_copies_are_still_served_and_nothing_is_made(tmp_path: Path) -> None:
    made: list[bytes] = []

    async def make() -> bytes:
        made.append(b"made")
        return b"%PDF-1.7 made"

    async def scenario() -> tuple[Path | None, Path]:
        engine = async_engine(UNREACHABLE)
        try:
            cache = DocumentCache(tmp_path / "documents", shared=database_files(engine, "document"))
            cache.put("here", b"%PDF-1.7 kept here")
            found, kept = await cache.fetch("here"), await cache.get_or_make("here", make)
            with pytest.raises(OperationalError):
                await cache.fetch("elsewhere")
            # Whether another machine holds it cannot be told: it is not made again meanwhile.
            with pytest.raises(OperationalError):
                await cache.get_or_make("elsewhere", make)
            with pytest.raises(OperationalError):
                await cache.store("new", b"%PDF-1.7 new")
            return found, kept
        finally:
            await engine.dispose()

    found, kept = run(scenario)
    assert found == kept == tmp_path / "documents" / "here.pdf" and kept.read_bytes() == b"%PDF-1.7 kept here"
    assert made == []
    # Nothing reached the folder that the database does not hold.
    assert sorted(path.name for path in (tmp_path / "documents").iterdir()) == ["here.pdf"]


def test_a_damaged_copy_in_the_database_is_never_served(template_databases: TemplateDatabases, tmp_path: Path) -> None:
    url = template_databases.clone("postgresql", tmp_path)

    async def scenario() -> None:
        engine = async_engine(url)
        try:
            shared = DatabaseFiles(engine, "image")
            await FileStore(tmp_path / "a", shared=shared).store("photo.png", b"photo " * 1000)
            async with engine.begin() as connection:
                # One byte changed behind the store's back, the size unchanged.
                await connection.execute(text("UPDATE stored_file SET data = overlay(data placing 'X'::bytea from 10)"))
            with pytest.raises(DamagedFile):
                await FileStore(tmp_path / "b", shared=shared).fetch("photo.png")
        finally:
            await engine.dispose()

    run(scenario)
    assert not (tmp_path / "b").exists() or list((tmp_path / "b").iterdir()) == []


def test_an_instance_cut_off_from_its_database_serves_the_images_it_holds(tmp_path: Path) -> None:
    held, elsewhere = f"{'a' * 64}.png", f"{'b' * 64}.png"
    (tmp_path / "data" / "images").mkdir(parents=True)
    (tmp_path / "data" / "images" / held).write_bytes(b"\x89PNG held here")
    with make_client(UNREACHABLE, tmp_path / "data") as client:
        served, missing = client.get(f"/images/{held}"), client.get(f"/images/{elsewhere}")
    assert served.status_code == 200 and served.content == b"\x89PNG held here"
    assert missing.status_code == 503 and missing.headers["content-type"] == "application/problem+json"
    assert sorted(path.name for path in (tmp_path / "data" / "images").iterdir()) == [held]


def test_a_failed_making_stores_nothing_and_the_next_request_makes_it_again(machines: Machines) -> None:
    async def broken() -> bytes:
        raise RuntimeError("renderer crashed")

    async def works() -> bytes:
        return b"%PDF-1.7 second try"

    async def scenario() -> tuple[list[str], list[str], Path]:
        engine = machines.engine()
        try:
            cache = document_cache_for(engine, machines.root / "a", 10_000)
            with pytest.raises(RuntimeError, match="renderer crashed"):
                await cache.get_or_make("key", broken)
            left = sorted(path.name for path in cache.folder.iterdir()) if cache.folder.exists() else []
            return left, await document_names(engine), await cache.get_or_make("key", works)
        finally:
            await engine.dispose()

    left, in_database, made = run(scenario)
    assert left == [] and in_database == []
    assert made.read_bytes() == b"%PDF-1.7 second try"
    assert machines.rows("document") == ({"key": b"%PDF-1.7 second try"} if machines.shared else {})


def test_share_files_puts_what_one_machine_kept_alone_where_every_machine_finds_it(
    backend: str, fresh_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An instance that ran alone kept its files in its folder; the command makes them every machine's."""
    alone = tmp_path / "alone"
    (alone / "images").mkdir(parents=True)
    (alone / "documents").mkdir()
    image, document = "ab" * 32 + ".png", "cd" * 16
    (alone / "images" / image).write_bytes(b"an image kept before the database held files")
    (alone / "documents" / f"{document}.pdf").write_bytes(b"%PDF-1.7 a document kept alone")
    settings = Settings(database_url=fresh_url, data_dir=alone)
    assert main(["share-files"], settings) == 0
    if backend == "sqlite":
        assert "nothing to share" in capsys.readouterr().out
        return
    assert "copied 1 image(s) and 1 document(s)" in capsys.readouterr().out
    assert main(["share-files"], settings) == 0
    assert "copied 0 image(s) and 0 document(s)" in capsys.readouterr().out

    async def seen_elsewhere() -> tuple[bytes, bytes]:
        engine = async_engine(fresh_url)
        try:
            elsewhere = tmp_path / "elsewhere"
            images = image_files_for(engine, elsewhere / "images")
            documents = document_cache_for(engine, elsewhere / "documents", 10**9)
            found_image, found_document = await images.fetch(image), await documents.fetch(document)
            assert found_image is not None and found_document is not None
            return found_image.read_bytes(), found_document.read_bytes()
        finally:
            await engine.dispose()

    assert asyncio.run(seen_elsewhere()) == (
        b"an image kept before the database held files",
        b"%PDF-1.7 a document kept alone",
    )
