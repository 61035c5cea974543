"""Rendering fetches nothing but the project's own assets and carries no attachments."""

import io
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from services.documents.rendering import OwnAssetsFetcher, RefusedFetchError, render_pdf, render_with_fetcher
from services.settings import PROJECT_ROOT
from tests.support.pdf import pdf_bytes_contain, read_pdf

pytestmark = pytest.mark.slow


class Listener:
    """A local TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    local = Listener()
    yield local
    local.close()


def _page(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>Probe</title></head><body><h1>Probe</h1>{body}</body></html>'


def test_file_urls_are_refused_and_their_bytes_never_reach_the_pdf() -> None:
    fetcher = OwnAssetsFetcher({})
    pdf = render_with_fetcher(
        _page('<img src="file:///etc/passwd" alt="x"><img src="asset:../../etc/passwd" alt="y">'), fetcher
    )
    assert fetcher.refused == ["file:///etc/passwd", "asset:../../etc/passwd"]
    assert not pdf_bytes_contain(pdf, b"root:")
    with pytest.raises(RefusedFetchError, match="etc/passwd"):
        render_pdf(_page('<img src="file:///etc/passwd" alt="x">'), {})


def test_attachments_are_never_embedded() -> None:
    body = (
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
        '<a rel="attachment" href="asset:brochure.css">stylesheet</a>'
        '<link rel="attachment" href="asset:brochure.css">'
    )
    fetcher = OwnAssetsFetcher({})
    pdf = render_with_fetcher(_page(body), fetcher)
    reader = PdfReader(io.BytesIO(pdf))
    assert not read_pdf(pdf).embedded_files
    annotations = [annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])]
    assert [
        annotation.get("/Subtype") for annotation in annotations if annotation.get("/Subtype") == "/FileAttachment"
    ] == []
    assert not pdf_bytes_contain(pdf, b"root:") and not pdf_bytes_contain(pdf, b"@page")


def test_network_addresses_are_never_contacted(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/"
    body = f'<img src="{url}image.png" alt="x"><link rel="stylesheet" href="{url}style.css"><a href="{url}">link</a>'
    html = _page(body).replace(
        "</head>", f'<style>@import url("{url}import.css"); h1 {{ background: url("{url}bg.png"); }}</style></head>'
    )
    fetcher = OwnAssetsFetcher({})
    render_with_fetcher(html, fetcher)
    assert listener.connections == 0
    assert {f"{url}image.png", f"{url}style.css", f"{url}import.css", f"{url}bg.png"} <= set(fetcher.refused)


def test_own_assets_and_generated_images_are_served() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    html = _page('<img src="generated:square.svg" alt="A square">').replace(
        "</head>", '<link rel="stylesheet" href="asset:brochure.css"></head>'
    )
    document = read_pdf(render_pdf(html, {"square.svg": svg}))
    assert document.title == "Probe"


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_render_workers_end_when_the_process_that_started_them_is_killed() -> None:
    script = (
        "import asyncio, multiprocessing\n"
        "from services.documents.worker import RenderPool\n"
        "async def main():\n"
        "    pool = RenderPool(1)\n"
        "    await pool.render('<p>x</p>', {}, 'pdfua')\n"
        "    print(' '.join(str(child.pid) for child in multiprocessing.active_children()), flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers and all(_running(pid) for pid in workers)
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 60  # generous: the other test process may keep every core busy
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_running(pid) for pid in workers)
