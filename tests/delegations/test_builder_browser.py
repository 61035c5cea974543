"""The pack builder journey in a real browser: describe a delegation, compose, generate, share, download."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader

from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, WCAG_21_AA, browser_sign_in, serving
from tests.support.databases import TemplateDatabases

pytestmark = pytest.mark.browser

TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def site(template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("builder-browser")
    with serving(template_databases.clone("sqlite", folder), folder / "data") as address:
        yield address


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Browser]:
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def axe_clean(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def _describe(adviser: Page) -> None:
    """Fill in the delegation form for a group from Busan."""
    adviser.get_by_label("Name of the delegation").fill("Busan smart-city office")
    adviser.get_by_label("Country").select_option("KR")
    adviser.get_by_label("City").fill("Busan")
    adviser.get_by_label("Main language of the group").select_option("ko")
    adviser.get_by_label("First day of the visit").fill("2027-05-10")
    adviser.get_by_label("Last day of the visit").fill("2027-05-12")
    adviser.get_by_label("Number of visitors").fill("14")
    adviser.get_by_label("Lighting").check()
    adviser.get_by_label("Climate adaptation").check()
    adviser.get_by_label("Their challenges, in their words").fill(
        "Smart street lighting that saves energy, and protection against cloudbursts in a coastal city."
    )


def _pack_titles(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("ol.pack-items li > span[lang]").all_inner_texts()]


def test_an_adviser_builds_generates_and_shares_a_pack_that_the_visitor_downloads(
    browser: Browser, site: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(30_000)
    adviser = context.new_page()
    browser_sign_in(adviser, site, "adviser")
    adviser.get_by_role("link", name="Delegations and their packs").click()
    adviser.get_by_role("link", name="Describe a new delegation").click()
    axe_clean(adviser)
    _describe(adviser)
    adviser.get_by_role("button", name="Save the delegation").click()
    expect(adviser.get_by_role("heading", level=1)).to_have_text("Busan smart-city office")

    for _ in range(3):
        adviser.locator("#suggestions ol.suggestions").first.get_by_role("button", name="Add").first.click()
    adviser.locator("#suggestions ol.suggestions").nth(1).get_by_role("button", name="Add").first.click()
    titles = _pack_titles(adviser)
    assert len(titles) == 4
    adviser.get_by_role("button", name=f"Move up: {titles[3]}").click()
    assert _pack_titles(adviser) == [titles[0], titles[1], titles[3], titles[2]]
    axe_clean(adviser)

    adviser.get_by_role("button", name="Generate", exact=True).click()
    expect(adviser.get_by_role("heading", level=1)).to_have_text("Packs of Busan smart-city office")
    expect(adviser.locator("progress").first).to_be_visible()
    axe_clean(adviser)  # while the packs are being generated
    expect(adviser.get_by_role("link", name="Download the Korean pack")).to_be_visible(timeout=TIMEOUT_MS)
    expect(adviser.get_by_role("link", name="Download the English pack")).to_be_visible(timeout=TIMEOUT_MS)
    axe_clean(adviser)
    adviser.get_by_role("button", name="Make a share link").click()
    address = adviser.locator("a.share-link").inner_text()
    assert "/shared/" in address

    visitor = browser.new_context(locale="ko-KR", accept_downloads=True)
    visitor.set_default_timeout(30_000)
    page = visitor.new_page()
    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Busan smart-city office")
    axe_clean(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.locator("ul.pack-languages a[hreflang=ko]").click()
    saved = tmp_path / "pack-ko.pdf"
    download.value.save_as(saved)
    document = PdfReader(saved)
    assert document.trailer["/Root"]["/Lang"] == "ko"  # type: ignore[index]
    assert len(document.outline) >= 4
    visitor.close()
    context.close()
