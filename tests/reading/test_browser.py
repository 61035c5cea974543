"""Pages in a real browser: usable without JavaScript, and free of WCAG 2.1 AA violations axe can find."""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from services.editing.importing import read_catalogue_files
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, WCAG_21_AA, serving
from tests.support.databases import DEMO_DATA, SeededDatabases

pytestmark = pytest.mark.browser

DEMO = read_catalogue_files(DEMO_DATA.glob("*.toml"))
PAGES = [
    "/",
    "/solutions/test-harbour-sensors",
    "/cases",
    "/cases/test-harbour-bath",
    "/organisations",
    "/organisations/test-fjordby-kommune",
    "/visit-sites",
    "/visit-sites/test-harbour-visit",
    "/solutions/no-such-solution",
    "/?theme=climate-adaptation",
    # The demo entries with the most on their pages.
    "/cases/" + max(DEMO.cases, key=lambda case: len(case.outcomes)).slug,
    "/organisations/" + max(DEMO.organisations, key=lambda org: len(org.description)).slug,
    "/visit-sites/" + next(site.slug for site in DEMO.visit_sites if not site.demo),
]


@pytest.fixture(scope="module")
def server(seeded_databases: SeededDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(seeded_databases["sqlite"], tmp_path_factory.mktemp("browser")) as address:
        yield address


@pytest.fixture(scope="module")
def playwright(server: str) -> Iterator[Playwright]:
    # The driver runs an event loop in this thread, so the server (and its seeding) starts first.
    assert CHROMIUM.exists(), "Debian's chromium is required: make test installs it"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("locale", ["da", "en", "de"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_meet_wcag_21_aa(browser: Browser, server: str, path: str, locale: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{server}{path}?lang={locale}")
        results = Axe().run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


def test_search_language_switch_and_theme_filter_without_javascript(page_without_js: Page, server: str) -> None:
    page = page_without_js
    page.goto(server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_label("In allen Sprachen suchen").fill("kobenhavn")
    page.get_by_label("Thema").select_option("test-theme")
    page.get_by_role("button", name="Suchen").click()
    cards = page.locator("ul.cards > li h2")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Hafensensoren für Kopenhagen")
    page.get_by_role("link", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(cards.first).to_contain_text("Havnesensorer til København")
    assert "q=kobenhavn" in page.url
    page.get_by_role("link", name="Havnesensorer til København").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Havnesensorer til København")
    page.get_by_role("link", name="Resultater fra cases").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
