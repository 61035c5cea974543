"""Several machines on one PostgreSQL database and one Redis queue, each with a data folder of its own.

Two app instances (``services.cli serve``) and one render worker run as real processes: what one
of them stores, the others serve, and a generated pack is never rendered again to be served.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from PIL import Image

from services.settings import PROJECT_ROOT
from tests.conftest import Client, TemplateDatabases
from tests.test_delegations import ROOT
from tests.test_editing import Desk
from tests.test_pack_jobs import _delegation_with_pack, _generate

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: Where readers reach the catalogue, whichever machine answers.
PUBLIC_URL = "http://catalogue.example"
#: Longest wait for a process to start or a pack to be made, with both cores busy.
DEADLINE = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes ``pid`` started that are still running (a render pool's processes, for one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "stat").read_text()
        except OSError:
            continue
        if int(status.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class Machines:
    """Processes of the catalogue, each leading its process group, each with its own data folder and log."""

    def __init__(self, url: str, root: Path) -> None:
        self.root = root
        self.environment = {
            **{name: value for name, value in os.environ.items() if name not in {"QUEUE_URL", "QUEUE_NAME"}},
            "DATABASE_URL": url,
            "QUEUE_URL": REDIS_URL,
            "QUEUE_NAME": f"test-{uuid.uuid4().hex[:10]}",
            "PUBLIC_URL": PUBLIC_URL,
            "RENDER_WORKERS": "1",
        }
        self.started: dict[str, subprocess.Popen[bytes]] = {}
        self.clients: list[httpx.Client] = []

    def folder(self, name: str) -> Path:
        return self.root / name

    def log(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-4000:]}" for path in sorted(self.root.glob("*.log")))

    def start(self, name: str, command: str, **environment: str) -> subprocess.Popen[bytes]:
        with (self.root / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", command],
                cwd=PROJECT_ROOT,
                env={**self.environment, "DATA_DIR": str(self.folder(name)), **environment},
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.started[name] = process
        return process

    def serve(self, name: str) -> str:
        """Start an app instance and wait until it answers; its address."""
        port = _free_port()
        process = self.start(name, "serve", HOST="127.0.0.1", PORT=str(port))
        address = f"http://127.0.0.1:{port}"
        give_up = time.monotonic() + DEADLINE
        while time.monotonic() < give_up:
            assert process.poll() is None, f"{name} ended at start\n{self.log()}"
            try:
                if httpx.get(f"{address}/healthz", timeout=5).status_code == 200:
                    return address
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{name} did not answer within {DEADLINE} s\n{self.log()}")

    def desk(self, address: str) -> Desk:
        """The demo accounts, with API tokens, talking to one machine over HTTP."""
        client = httpx.Client(base_url=address, timeout=60)
        self.clients.append(client)
        return Desk(cast(Client, client), self.environment["DATABASE_URL"])

    def stop_all(self) -> None:
        for client in self.clients:
            client.close()
        for process in self.started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


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
    delegation = _delegation_with_pack(a, solutions=3)
    job = _generate(a, delegation, "en")[0]
    renders = f"{ROOT}/{delegation['id']}/renders/{job['id']}"
    done = _wait_for(b, renders, lambda found: found["status"] in ("done", "failed"), machines.log)
    assert done["status"] == "done", machines.log()
    made = (machines.folder("worker") / "documents" / f"{done['document_key']}.pdf").read_bytes()
    assert children(worker.pid), "the worker rendered in a process of its own"

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
    assert children(machines.started["b"].pid) == []
    assert children(machines.started["a"].pid) == []
    assert sorted(path.name for path in (machines.folder("b") / "documents").iterdir()) == [
        f"{done['document_key']}.pdf"
    ]
    assert not (machines.folder("a") / "documents").exists() or not any((machines.folder("a") / "documents").iterdir())
