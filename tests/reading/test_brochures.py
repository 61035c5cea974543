"""Brochures in every content locale, read back: language, script, figures, tags, fonts, glyphs."""

import asyncio
import logging
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.database import async_engine
from i18n.catalogues import translations
from i18n.locales import CONTENT_LOCALES, Locale
from services.documents.rendering import render_pdf
from services.reading import browsing
from services.reading.brochure import Brochure
from services.reading.brochures import brochure_for, lay_out
from tests.support.databases import SeededDatabases
from tests.support.pdf import PdfFacts, figure_alternatives, read_pdf, text_positions

pytestmark = pytest.mark.slow

#: A demo solution written in Danish with translations in several scripts and a real case with sourced figures.
SOLUTION = "cloudburst-management-plan"
#: The digits of a formatted figure, with the locale's separators ("135,4", "9.628", "١٣٥٫٤").
NUMBER = re.compile(r"\d(?:[\d.,\u066b\u066c\u00a0\u202f]*\d)?")
#: A demo solution whose case compares a baseline with a result.
CHARTED = "adaptive-led-street-lighting"
FACES = {"zh": "Noto-Sans-CJK-SC", "ja": "Noto-Sans-CJK-JP", "ko": "Noto-Sans-CJK-KR", "ar": "Noto-Naskh-Arabic"}


class WeasyPrintWarnings(logging.Handler):
    """Collects what WeasyPrint warns about: a missing font, image or stylesheet fails the test."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def weasyprint_warnings() -> Iterator[WeasyPrintWarnings]:
    handler = WeasyPrintWarnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


async def _brochures(url: str, slug: str = "", locales: tuple[str, ...] = CONTENT_LOCALES) -> dict[str, Brochure]:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return {
                locale: await brochure_for(session, slug or SOLUTION, Locale(locale), "https://catalogue.example")
                for locale in locales
            }
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def rendered(
    seeded_databases: SeededDatabases, weasyprint_warnings: WeasyPrintWarnings
) -> dict[str, tuple[Brochure, PdfFacts]]:
    brochures = asyncio.run(_brochures(seeded_databases["sqlite"]))
    results = {}
    for locale, brochure in brochures.items():
        source = lay_out(brochure)
        results[locale] = (brochure, read_pdf(render_pdf(source.html, source.images)))
    assert weasyprint_warnings.messages == []
    return results


@pytest.mark.parametrize("locale", CONTENT_LOCALES)
def test_brochure_in_every_locale(rendered: dict[str, tuple[Brochure, PdfFacts]], locale: str) -> None:
    brochure, pdf = rendered[locale]
    gettext = translations(locale, "documents").gettext
    assert pdf.title == brochure.title.text
    assert pdf.language == locale
    assert pdf.author == brochure.provider_name
    assert pdf.subject == brochure.summary.text
    assert pdf.keywords and all(keyword in pdf.keywords for keyword in brochure.keywords)
    assert pdf.tagged and pdf.has_structure
    assert 1 <= pdf.pages <= 4
    assert pdf.fonts and all(pdf.fonts.values()), f"fonts not embedded: {pdf.fonts}"
    assert pdf.notdef == 0
    assert pdf.outline[0] == brochure.title.text
    assert gettext("About the solution") in pdf.outline
    assert gettext("Sources") in pdf.outline
    if locale != "en":
        assert gettext("About the solution") != "About the solution"
    figures = [outcome.value for case in brochure.cases for outcome in case.outcomes]
    numbers = [match.group() for figure in figures if (match := NUMBER.search(figure))]
    assert numbers and all(number in pdf.text for number in numbers), (numbers, pdf.text)
    assert not pdf.embedded_files
    page_label = gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": pdf.pages}
    if brochure.direction == "ltr":
        assert "".join(page_label.split()) in "".join(pdf.text.split())
    else:  # text extraction returns right-to-left lines in visual order
        assert all(word in pdf.text for word in page_label.split())


def test_each_script_gets_its_own_face(rendered: dict[str, tuple[Brochure, PdfFacts]]) -> None:
    for locale, face in FACES.items():
        brochure, pdf = rendered[locale]
        if brochure.title.locale == locale:
            assert any(face in name for name in pdf.fonts), (locale, pdf.fonts)
    _, chinese = rendered["zh"]
    korean_brochure, korean = rendered["ko"]
    assert not any("CJK-JP" in name for name in (*chinese.fonts, *korean.fonts))
    # Latin text shown as a fallback in a Korean brochure is set in the Latin face.
    assert korean_brochure.title.locale != "ko"
    assert any(name.endswith(("+Noto-Sans", "+Noto-Sans-Bold")) for name in korean.fonts), korean.fonts


def test_right_to_left_and_fallback_marks(rendered: dict[str, tuple[Brochure, PdfFacts]]) -> None:
    arabic, _ = rendered["ar"]
    assert arabic.direction == "rtl"
    polish, _ = rendered["pl"]
    assert polish.title.locale != "pl"
    assert polish.language_notes, "text shown in another language is marked"
    danish, _ = rendered["da"]
    assert danish.language_notes == []
    german, _ = rendered["de"]
    assert german.language_notes == [
        translations("de", "documents").gettext("Translated from %(language)s.") % {"language": "Dänisch"}
    ]


def test_money_is_converted_to_the_readers_currency_with_the_rates_date(
    rendered: dict[str, tuple[Brochure, PdfFacts]],
) -> None:
    german, _ = rendered["de"]
    lines = [line for case in german.cases if case.cost for line in case.cost.lines]
    converted = next(line for line in lines if "509,4\u00a0Mio.\u00a0€" in line.text)
    assert "01.01.1999" in converted.text
    assert converted.note is not None and "ERM II" in german.sources[converted.note - 1].text
    english, _ = rendered["en"]
    assert all("about" not in line.text for case in english.cases if case.cost for line in case.cost.lines)


@pytest.fixture(scope="module")
def charted(
    seeded_databases: SeededDatabases, weasyprint_warnings: WeasyPrintWarnings
) -> dict[str, tuple[Brochure, bytes]]:
    """Brochures of a solution whose case has a baseline, so they carry charts."""
    brochures = asyncio.run(_brochures(seeded_databases["sqlite"], CHARTED, ("ar", "de", "ja")))
    results = {}
    for locale, brochure in brochures.items():
        source = lay_out(brochure)
        results[locale] = (brochure, render_pdf(source.html, source.images))
    assert weasyprint_warnings.messages == []
    return results


@pytest.mark.parametrize("locale", ["ar", "de", "ja"])
def test_charts_are_figures_with_alternative_text(charted: dict[str, tuple[Brochure, bytes]], locale: str) -> None:
    brochure, pdf = charted[locale]
    alts = [outcome.chart_alt for case in brochure.cases for outcome in case.outcomes if outcome.chart]
    assert alts, "the solution has a case with a baseline"
    assert set(alts) <= set(figure_alternatives(pdf))
    assert read_pdf(pdf).notdef == 0


def test_right_to_left_brochures_mirror_the_page_furniture(charted: dict[str, tuple[Brochure, bytes]]) -> None:
    for locale, expect_left in (("ar", True), ("de", False)):
        _, pdf = charted[locale]
        label = translations(locale, "documents").gettext("Page %(page)s of %(pages)s").split("%(page)s")[0].strip()
        positions = [x for text, x in text_positions(pdf, 1) if label and label in text]
        assert positions, (locale, label)
        width = 595
        assert (positions[0] < width / 2) is expect_left, (locale, positions)


async def _every_solution(url: str) -> list[Brochure]:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            page = await browsing.list_solutions(session, browsing.Filters(per_page=100), "de", "de")
            return [
                await brochure_for(session, item.slug, Locale("de"), "https://catalogue.example") for item in page.items
            ]
    finally:
        await engine.dispose()


def test_every_published_solution_fits_one_to_four_pages(
    seeded_databases: SeededDatabases, weasyprint_warnings: WeasyPrintWarnings
) -> None:
    problems: list[tuple[object, ...]] = []
    for brochure in asyncio.run(_every_solution(seeded_databases["sqlite"])):
        source = lay_out(brochure)
        pdf = read_pdf(render_pdf(source.html, source.images))
        if not 1 <= pdf.pages <= 4 or pdf.notdef or not all(pdf.fonts.values()):
            problems.append((brochure.title.text, pdf.pages, pdf.notdef))
        notes = [outcome.note for case in brochure.cases for outcome in case.outcomes]
        if any(not 1 <= note <= len(brochure.sources) for note in notes):
            problems.append((brochure.title.text, "figure without a source"))
    assert problems == []
    assert weasyprint_warnings.messages == []
