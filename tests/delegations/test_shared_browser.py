"""A delegation's share link in a real browser: an accessible, private page whose links open the pack as a PDF.

Nothing here waits without a limit. Two waits Playwright offers never end for these links, so the
tests do not use them: a pack link that downloads is aborted by the page (``net::ERR_ABORTED``) once
the download takes over, so ``Response.finished()`` on its response never returns; and
``Download.path()`` has no time limit of its own. The pack itself is fetched with ``page.request``,
which has one. The body of a navigation to a view-only pack is the browser's PDF viewer, not the PDF.
"""

import faulthandler
import gc
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import Any, NamedTuple

import greenlet
import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Download, Page, Response, expect, sync_playwright

from tests.support.accounts import api_tokens, bearer
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, axe_clean, serving
from tests.support.databases import TemplateDatabases
from tests.support.delegations import BUSAN, ROOT

pytestmark = pytest.mark.browser

#: Limits on the browser's waits, in milliseconds; the first request for a pack renders it.
BROWSER_WAIT_MS = 15_000
PDF_WAIT_MS = 90_000
#: Limit on each set-up request, in seconds.
HTTP_WAIT_S = 90.0
#: The whole module, server and browser included, ends within this many seconds or the run stops.
MODULE_DEADLINE_S = 600.0
SOLUTIONS_IN_PACK = 3


@pytest.fixture(scope="module", autouse=True)
def deadline(request: pytest.FixtureRequest) -> Iterator[None]:
    """Stop the run with every thread's stack if the module outlives its deadline.

    Axe runs in ``page.evaluate``, which takes no time limit: this is the limit on it and on
    anything else that might wait for ever.
    """

    def expire() -> None:
        capture = request.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(in_=True)
        print(f"\n{request.node.nodeid} ran past {MODULE_DEADLINE_S:.0f} s; stacks:", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        # The test itself waits in a greenlet that Playwright switched away from.
        for waiting in gc.get_objects():
            if isinstance(waiting, greenlet.greenlet) and waiting.gr_frame is not None:
                print("\nGreenlet (most recent call last):", file=sys.stderr)
                traceback.print_stack(waiting.gr_frame, file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(MODULE_DEADLINE_S, expire)
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


class Shared(NamedTuple):
    """Links to one delegation's pack: one that downloads it, one to read it in the browser."""

    download: str
    view_only: str


def _delegation_with_pack(api: httpx.Client) -> int:
    created = api.post(f"{ROOT}/", json=BUSAN)
    assert created.status_code == 201, created.text
    assert created.json()["languages"] == ["ko", "en"]
    delegation = int(created.json()["id"])
    suggested = api.get(f"{ROOT}/{delegation}/suggestions")
    assert suggested.status_code == 200, suggested.text
    solutions = [s["slug"] for s in suggested.json()["solutions"][:SOLUTIONS_IN_PACK]]
    assert len(solutions) == SOLUTIONS_IN_PACK
    pack = api.get(f"{ROOT}/{delegation}/pack")
    body = {
        "items": [{"kind": "solution", "slug": slug} for slug in solutions],
        "letter": {"en": "Dear guests, welcome to Denmark."},
    }
    saved = api.put(f"{ROOT}/{delegation}/pack", json=body, headers={"If-Match": pack.headers["etag"]})
    assert saved.status_code == 200, saved.text
    return delegation


def _link(api: httpx.Client, delegation: int, allow_download: bool) -> str:
    made = api.post(f"{ROOT}/{delegation}/share-links", json={"days": 7, "allow_download": allow_download})
    assert made.status_code == 201, made.text
    url = str(made.json()["url"])
    assert url.startswith(str(api.base_url.join("/shared/")))
    return url


@pytest.fixture(scope="module")
def shared(template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """The demo catalogue served over HTTP, with a Korean and English delegation its adviser shared."""
    folder = tmp_path_factory.mktemp("shared-browser")
    database = template_databases.clone("sqlite", folder)
    adviser = api_tokens(database)["adviser"]
    with (
        serving(database, folder / "data") as address,
        httpx.Client(base_url=address, headers=bearer(adviser), timeout=HTTP_WAIT_S) as api,
    ):
        delegation = _delegation_with_pack(api)
        yield Shared(download=_link(api, delegation, True), view_only=_link(api, delegation, False))


@pytest.fixture(scope="module")
def browser(shared: Shared) -> Iterator[Browser]:
    # The site and its delegation come first: the driver runs an event loop in this thread.
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, timeout=BROWSER_WAIT_MS)
        yield launched
        launched.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**options)
    context.set_default_timeout(BROWSER_WAIT_MS)
    context.set_default_navigation_timeout(PDF_WAIT_MS)
    return context


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """An anonymous visitor whose browser reads Korean first and saves downloads."""
    context = _context(browser, locale="ko-KR", accept_downloads=True)
    yield context.new_page()
    context.close()


def _open(page: Page, url: str) -> Response:
    response = page.goto(url, timeout=BROWSER_WAIT_MS)
    assert response is not None and response.status == 200
    return response


def _is_private(headers: dict[str, str]) -> None:
    assert headers["referrer-policy"] == "no-referrer"
    assert "noindex" in headers["x-robots-tag"]
    assert "no-store" in headers["cache-control"]


def _is_korean_pack(page: Page, url: str, disposition: str) -> None:
    pdf = page.request.get(url, timeout=PDF_WAIT_MS, max_redirects=0)
    assert pdf.status == 200
    headers = pdf.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith(f'{disposition}; filename="pack-ko.pdf"')
    assert headers["content-language"] == "ko"
    _is_private(headers)
    assert pdf.body().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("reader", "query", "shown_in"),
    [
        ("ko-KR", "?lang=da", "da"),
        ("ko-KR", "?lang=de", "de"),
        ("ko-KR", "?lang=en", "en"),
        ("da-DK", "", "da"),
        ("de-DE", "", "de"),
        # Korean is a language of the pack, not of the interface: the page is in English.
        ("ko-KR", "", "en"),
    ],
)
def test_the_shared_page_meets_wcag_21_aa_and_stays_private(
    browser: Browser, shared: Shared, reader: str, query: str, shown_in: str
) -> None:
    context = _context(browser, locale=reader)
    try:
        page = context.new_page()
        response = _open(page, shared.download + query)
        _is_private(response.headers)
        assert response.headers["content-language"] == shown_in
        expect(page.locator("html")).to_have_attribute("lang", shown_in)
        expect(page.get_by_role("heading", level=1)).to_have_text(str(BUSAN["name"]))
        packs = page.locator("ul.pack-languages a")
        expect(packs).to_have_count(2)
        expect(packs.first).to_have_attribute("hreflang", "ko")
        expect(packs.last).to_have_attribute("hreflang", "en")
        axe_clean(page)
    finally:
        context.close()


def test_the_korean_pack_link_downloads_the_pack(visitor: Page, shared: Shared) -> None:
    pack = f"{shared.download}/pack.pdf?lang=ko"
    _open(visitor, shared.download)
    with (
        visitor.expect_response(lambda answer: answer.url == pack, timeout=PDF_WAIT_MS) as answered,
        visitor.expect_download(timeout=PDF_WAIT_MS) as downloading,
    ):
        visitor.locator("ul.pack-languages").get_by_role("link", name="한국어").click()
    response, download = answered.value, downloading.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment")
    assert download.url == pack and download.suggested_filename == "pack-ko.pdf"
    # The page stays where it was; the file is asked for again, with a time limit.
    assert visitor.url == shared.download
    _is_korean_pack(visitor, pack, "attachment")


def test_a_view_only_link_opens_the_korean_pack_in_the_browser(visitor: Page, shared: Shared) -> None:
    pack = f"{shared.view_only}/pack.pdf?lang=ko"
    downloads: list[Download] = []

    def saw(download: Download) -> None:
        # A bound list method is not accepted as a Playwright listener.
        downloads.append(download)

    visitor.on("download", saw)
    _open(visitor, shared.view_only)
    expect(visitor.locator("ul.pack-languages li").first).to_contain_text("to read in the browser")
    with visitor.expect_response(lambda answer: answer.url == pack, timeout=PDF_WAIT_MS) as answered:
        visitor.locator("ul.pack-languages").get_by_role("link", name="한국어").click()
    visitor.wait_for_url(lambda url: url == pack, timeout=PDF_WAIT_MS)
    response = answered.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert downloads == []
    _is_korean_pack(visitor, pack, "inline")
