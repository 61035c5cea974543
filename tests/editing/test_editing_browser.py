"""The editing journey in a real browser: a company edits, an adviser approves, readers see it."""

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from pypdf import PdfReader

from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, axe_clean, browser_sign_in, serving
from tests.support.databases import TemplateDatabases

pytestmark = pytest.mark.browser

SOLUTION = "modular-rain-gardens"
NEW_TITLE = "Modulare Regengärten gegen Starkregen"


@pytest.fixture(scope="module")
def site(template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("editing-browser")
    with serving(template_databases.clone("sqlite", folder), folder / "data") as address:
        yield address


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Browser]:
    # The site (and its database) starts first: the driver runs an event loop in this thread.
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def test_a_company_edit_reaches_the_public_page_and_the_brochure_after_review(browser: Browser, site: str) -> None:
    editor = browser.new_context(locale="en-GB").new_page()
    editor.goto(f"{site}/login?lang=en")
    axe_clean(editor)
    browser_sign_in(editor, site, "company_a")
    axe_clean(editor)
    editor.get_by_role("link", name="Modular rain gardens").first.click()
    editor.get_by_role("link", name="Deutsch").last.click()
    axe_clean(editor)
    title = editor.get_by_label("Title · German")
    title.fill(NEW_TITLE)
    editor.get_by_role("button", name="Save and submit for review").click()
    expect(editor.get_by_role("status")).to_contain_text("Submitted for review")
    # Readers still see the published title.
    editor.goto(f"{site}/solutions/{SOLUTION}?lang=de")
    expect(editor.get_by_role("heading", level=1)).not_to_contain_text(NEW_TITLE)

    adviser = browser.new_context(locale="en-GB").new_page()
    browser_sign_in(adviser, site, "adviser")
    adviser.get_by_role("link", name="Modular rain gardens").first.click()
    expect(adviser.locator("table.diff ins")).to_have_text([NEW_TITLE])
    axe_clean(adviser)
    adviser.get_by_role("button", name="Approve and publish").click()
    expect(adviser.get_by_text("Nothing is waiting for review.")).to_be_visible()

    visitor = browser.new_context(locale="de-DE").new_page()
    visitor.goto(f"{site}/solutions/{SOLUTION}")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    brochure = visitor.request.get(f"{site}/solutions/{SOLUTION}/brochure.pdf?lang=de")
    assert brochure.ok
    reader = PdfReader(io.BytesIO(brochure.body()))
    assert NEW_TITLE in reader.pages[0].extract_text()
    for context in (editor.context, adviser.context, visitor.context):
        context.close()


@pytest.mark.parametrize(
    "path",
    ["/translations", "/account", "/admin/users", "/edit/cases/eksempelby-rain-gardens?locale=da",
     "/edit/solutions/modular-rain-gardens?locale=sv", "/password-reset"],
)  # fmt: skip
@pytest.mark.parametrize("lang", ["da", "de"])
def test_signed_in_pages_meet_wcag_21_aa(browser: Browser, site: str, path: str, lang: str) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        browser_sign_in(page, site, "admin")
        page.goto(f"{site}{path}{'&' if '?' in path else '?'}lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        axe_clean(page)
    finally:
        context.close()
