"""Several machines on one PostgreSQL database and one Redis queue, each with a data folder of its own.

Two app instances (``services.cli serve``) and one render worker run as real processes: what one
of them stores, the others serve, and a generated pack is never rendered again to be served.
"""

import io
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from PIL import Image

from tests.support.databases import Client, TemplateDatabases
from tests.support.delegations import ROOT, delegation_with_pack, generate_pack
from tests.support.editing import Desk
from tests.support.serving import Command, Server, children, environment_with

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: Where readers reach the catalogue, whichever machine answers.
PUBLIC_URL = "http://catalogue.example"
#: Longest wait for a process to start or a pack to be made, with both cores busy.
DEADLINE = 180


class Machines:
    """Processes of the catalogue, each leading its process group, each with its own data folder and log."""

    def __init__(self, url: str, root: Path) -> None:
        self.root = root
        self.environment = environment_with(
            DATABASE_URL=url,
            QUEUE_URL=REDIS_URL,
            QUEUE_NAME=f"test-{uuid.uuid4().hex[:10]}",
            PUBLIC_URL=PUBLIC_URL,
            RENDER_WORKERS="1",
        )
        self.started: dict[str, Command] = {}
        self.clients: list[httpx.Client] = []

    def folder(self, name: str) -> Path:
        return self.root / name

    def log(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-4000:]}" for path in sorted(self.root.glob("*.log")))

    def start(self, name: str, command: str) -> Command:
        started = Command([command], self.environment | {"DATA_DIR": str(self.folder(name))}, self.root / f"{name}.log")
        self.started[name] = started
        return started

    def serve(self, name: str) -> str:
        """Start an app instance and wait until it answers; its address."""
        server = Server(self.environment | {"DATA_DIR": str(self.folder(name))}, self.root / f"{name}.log")
        self.started[name] = server
        server.wait_until_healthy(DEADLINE)
        return server.url

    def desk(self, address: str) -> Desk:
        """The demo accounts, with API tokens, talking to one machine over HTTP."""
        client = httpx.Client(base_url=address, timeout=60)
        self.clients.append(client)
        return Desk(cast(Client, client), self.environment["DATABASE_URL"])

    def stop_all(self) -> None:
        for client in self.clients:
            client.close()
        for process in self.started.values():
            process.kill()


@pytest.fixture
def machines(template_databases: TemplateDatabases, tmp_path: Path) -> Iterator[Machines]:
    started = Machines(template_databases.clone("postgresql", tmp_path), tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def _wait_for(desk: Desk, path: str, until: Callable[[Any], bool], log: Callable[[], str]) -> Any:
    give_up = time.monotonic() + DEADLINE
    found = None
    while time.monotonic() < give_up:
        found = desk("adviser", "GET", path).json()
        if until(found):
            return found
        time.sleep(0.25)
    pytest.fail(f"{path} did not get there in {DEADLINE} s: {found}\n{log()}")


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_what_one_machine_stores_every_machine_serves_without_rendering_again(machines: Machines) -> None:
    # One after the other: each start migrates (nothing to do) and finds the catalogue seeded.
    a = machines.desk(machines.serve("a"))
    b = machines.desk(machines.serve("b"))
    worker = machines.start("worker", "render-worker")

    # An image uploaded on one machine shows on the other, byte for byte.
    uploaded = a.client.post(
        "/api/v1/images",
        content=_photo(),
        headers={"Authorization": f"Bearer {a.tokens['company_a']}", "Content-Type": "image/png"},
    )
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()["url"]
    on_a, on_b = a.client.get(image), b.client.get(image)
    assert on_b.status_code == 200, on_b.text
    assert on_b.content == on_a.content and on_b.headers["content-type"] == "image/png"
    assert (machines.folder("b") / "images" / image.rsplit("/", 1)[1]).read_bytes() == on_a.content

    # A pack queued on one machine and made by the worker...
    delegation = delegation_with_pack(a, solutions=3)
    job = generate_pack(a, delegation, "en")[0]
    renders = f"{ROOT}/{delegation['id']}/renders/{job['id']}"
    done = _wait_for(b, renders, lambda found: found["status"] in ("done", "failed"), machines.log)
    assert done["status"] == "done", machines.log()
    made = (machines.folder("worker") / "documents" / f"{done['document_key']}.pdf").read_bytes()
    assert children(worker.process.pid), "the worker rendered in a process of its own"

    # ...is served by the other one through a share link, as the worker made it...
    link = a("adviser", "POST", f"{ROOT}/{delegation['id']}/share-links", {"days": 7})
    assert link.status_code == 201, link.text
    secret = link.json()["url"].removeprefix(f"{PUBLIC_URL}/shared/")
    shared = b.client.get(f"/shared/{secret}/pack.pdf", params={"lang": "en"})
    assert shared.status_code == 200, shared.text
    assert shared.content == made
    fetched = machines.folder("b") / "documents" / f"{done['document_key']}.pdf"
    assert fetched.read_bytes() == made

    # ...and downloads from it, even once its own copy is gone (as when its folder is pruned).
    fetched.unlink()
    downloaded = b("adviser", "GET", f"{renders}/pdf")
    assert downloaded.status_code == 200, downloaded.text
    assert downloaded.content == made

    # Nothing was rendered to serve it: neither app ever started a rendering process, and the
    # serving machine holds the worker's file, fetched from the database.
    assert children(machines.started["b"].process.pid) == {}
    assert children(machines.started["a"].process.pid) == {}
    assert sorted(path.name for path in (machines.folder("b") / "documents").iterdir()) == [
        f"{done['document_key']}.pdf"
    ]
    assert not (machines.folder("a") / "documents").exists() or not any((machines.folder("a") / "documents").iterdir())
