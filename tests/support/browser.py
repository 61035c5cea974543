"""Pages in Debian's Chromium: the catalogue served over real HTTP, signing in, and axe's WCAG 2.1 AA check."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from services.settings import Settings
from services.web.app import create_app
from tests.support.accounts import ACTORS, DEMO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@contextlib.contextmanager
def serving(database_url: str, data_dir: Path) -> Iterator[str]:
    """The catalogue at ``database_url`` served over real HTTP on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(database_url=database_url, data_dir=data_dir, public_url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # generous: the other test process may keep every core busy
    while not web.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)


def browser_sign_in(page: Page, site: str, role: str) -> None:
    """Sign in on ``site``'s login page in ``page`` as the demo account of ``role``."""
    email = ACTORS[role]
    page.goto(f"{site}/login?lang=en")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO[email].password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")


def axe_clean(page: Page) -> None:
    """Fail with axe's report when ``page`` has a WCAG 2.1 AA violation axe can find."""
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
