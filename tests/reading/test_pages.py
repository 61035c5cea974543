"""Public pages in Danish, English and German: language choice, alternates, fallback marks, escaping."""

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from i18n.catalogues import translations
from i18n.locales import INTERFACE_LOCALES
from tests.support.databases import Client

PAGES = [
    "/",
    "/?q=k%C3%B8benhavn&theme=test-theme",
    "/solutions/test-harbour-sensors",
    "/cases",
    "/cases?theme=test-theme&country=se",
    "/cases/test-harbour-bath",
    "/organisations",
    "/organisations?kind=municipality",
    "/organisations/test-fjordby-kommune",
    "/visit-sites",
    "/visit-sites/test-harbour-visit",
]


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html_lang = ""
        self.alternates: dict[str, str] = {}
        self.scripts = 0
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang") or ""
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates[attributes["hreflang"] or ""] = attributes["href"] or ""
        if tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def body_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def browser(client: Client) -> Iterator[Client]:
    """The shared client without cookies, like a new visitor."""
    client.cookies.clear()
    yield client
    client.cookies.clear()


def open_page(client: Client, url: str, status: int = 200, headers: dict[str, str] | None = None) -> Page:
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_in_every_interface_language(browser: Client, url: str, locale: str) -> None:
    separator = "&" if "?" in url else "?"
    page = open_page(browser, f"{url}{separator}lang={locale}")
    assert page.html_lang == locale
    gettext = translations(locale).gettext
    for label in ("Solutions", "Case results", "Organisations", "Visit sites"):
        assert gettext(label) in page.body_text
    if locale != "en":
        assert gettext("Solutions") != "Solutions"
    assert set(page.alternates) == {"da", "en", "de", "x-default"}
    assert page.alternates["de"].endswith("lang=de")
    assert page.scripts == 0


def test_home_lists_the_catalogue_in_german(browser: Client) -> None:
    page = open_page(browser, "/?lang=de&theme=test-theme")
    assert "Hafensensoren für Kopenhagen" in page.body_text
    assert "Lösungen" in page.body_text


def test_fallback_content_is_marked(browser: Client) -> None:
    response = browser.get("/cases/test-harbour-bath?lang=de")
    assert '<span lang="en" dir="ltr" class="fallback">Harbour bath with sensors</span>' in response.text
    note = translations("de").gettext("Not yet translated: shown in %(language)s.") % {"language": "Englisch"}
    assert note in Page(response.text).body_text


def test_translated_content_is_not_marked(browser: Client) -> None:
    response = browser.get("/solutions/test-harbour-sensors?lang=de")
    assert '<span lang="de" dir="ltr">Hafensensoren für Kopenhagen</span>' in response.text
    assert 'class="fallback"' not in response.text.split("<h1>")[1].split("</h1>")[0]


def test_case_page_shows_outcomes_with_source_and_date_formatted_for_the_locale(browser: Client) -> None:
    danish = open_page(browser, "/cases/test-harbour-bath?lang=da").body_text
    assert "Demo data (fictional)" in danish
    assert "30. sep. 2021" in danish
    assert "2,5 mio. kr." in danish
    german = open_page(browser, "/cases/test-harbour-bath?lang=de").body_text
    assert "30.09.2021" in german
    assert "2,5 Mio. DKK" in german


def test_language_comes_from_query_then_cookie_then_header(browser: Client) -> None:
    assert open_page(browser, "/", headers={"Accept-Language": "de-DE,de;q=0.9"}).html_lang == "de"
    assert open_page(browser, "/", headers={"Accept-Language": "sv, da;q=0.5"}).html_lang == "da"
    assert open_page(browser, "/", headers={"Accept-Language": "ja"}).html_lang == "en"
    response = browser.get("/?lang=da", headers={"Accept-Language": "de"})
    assert response.cookies.get("lang") == "da"
    assert open_page(browser, "/organisations", headers={"Accept-Language": "de"}).html_lang == "da"
    assert open_page(browser, "/organisations?lang=en", headers={"Accept-Language": "de"}).html_lang == "en"


def test_user_text_is_escaped(browser: Client) -> None:
    response = browser.get("/solutions/test-quiet-asphalt?lang=en")
    assert "<b>quiet</b>" not in response.text
    assert "&lt;b&gt;quiet&lt;/b&gt; &amp; safe" in response.text


def test_unknown_entry_is_a_page_in_the_readers_language(browser: Client) -> None:
    page = open_page(browser, "/solutions/no-such-solution?lang=de", status=404)
    assert page.html_lang == "de"
    assert translations("de").gettext("Page not found") in page.body_text


@pytest.mark.parametrize("page_number", ["-3", "0", "abc", "²", "①", "99999999999999999999"])
def test_bad_page_numbers_show_the_first_page(browser: Client, page_number: str) -> None:
    page = open_page(browser, f"/?lang=en&page={page_number}")
    assert "Page 1 of" in page.body_text


def test_bad_page_parameters_fall_back_quietly(browser: Client) -> None:
    page = open_page(browser, "/?page=-3&theme=&country=Denmark&organisation_kind=castle&lang=en")
    assert page.html_lang == "en"
    open_page(browser, "/?theme=no-such-theme", status=400)
    browser.cookies.clear()
    assert open_page(browser, "/?lang=%3Cb%3E", headers={"Accept-Language": "de"}).html_lang == "de"


def test_pagination_links_keep_the_filters(browser: Client) -> None:
    total = browser.get("/api/v1/solutions?organisation_kind=company").json()["total"]
    assert total > 12, "the demo catalogue has more than one page of company solutions"
    first = browser.get("/?lang=en&organisation_kind=company")
    next_link = first.text.split('rel="next" href="')[1].split('"')[0]
    assert next_link == "/?organisation_kind=company&amp;page=2"
    second = Page(browser.get("/?organisation_kind=company&page=2&lang=en").text)
    assert "Page 2 of" in second.body_text
    assert "Previous" in second.body_text


@pytest.mark.parametrize("url", ["/?q=a%00b", "/?theme=a%00b", "/solutions/a%00b", "/cases?country=%00%00"])
def test_control_characters_in_page_requests(browser: Client, url: str) -> None:
    assert browser.get(url).status_code in {200, 400, 404}


def test_a_repeated_parameter_counts_with_its_last_value_as_in_the_api(browser: Client) -> None:
    assert open_page(browser, "/?lang=de&lang=da").html_lang == "da"
    assert browser.get("/api/v1/themes?lang=de&lang=da").json()["locale"] == "da"


def test_solution_page_offers_the_brochure_in_every_content_language(browser: Client) -> None:
    html = browser.get("/solutions/test-harbour-sensors?lang=de").text
    assert 'action="/solutions/test-harbour-sensors/brochure.pdf"' in html
    assert html.count("<option value=") >= 17
    assert '<option value="de" lang="de" selected>Deutsch</option>' in html
    assert 'href="/solutions/test-harbour-sensors/brochure?lang=de"' in html


def test_content_follows_a_content_locale_the_interface_lacks(browser: Client) -> None:
    response = browser.get("/solutions/cloudburst-management-plan?lang=ar")
    page = Page(response.text)
    assert page.html_lang == "en"
    assert '<span lang="ar" dir="rtl">' in response.text.split("<h1>")[1].split("</h1>")[0]
    assert "Not yet translated" not in response.text.split("<h1>")[1].split("</h1>")[0]
