"""Babel formatting for the reader's locale."""

import datetime as dt

import pytest

from catalogue.vocabulary import UNITS
from i18n import formatting
from i18n.locales import CONTENT_LOCALES


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("da", "9.628 MWh"), ("en", "9,628 MWh"), ("de", "9.628 MWh")],
)
def test_si_units_use_the_locale_separators(locale: str, expected: str) -> None:
    assert formatting.quantity(9628, "mwh", locale) == expected.replace(" ", "\u00a0")


@pytest.mark.parametrize(("locale", "expected"), [("da", "57\u00a0%"), ("en", "57%"), ("de", "57\u00a0%")])
def test_percentages(locale: str, expected: str) -> None:
    assert formatting.quantity(57, "percent", locale) == expected


def test_large_amounts_are_compact_in_their_currency() -> None:
    assert formatting.money(3.8e9, "DKK", "da") == "3,8\u00a0mia.\u00a0kr."
    assert formatting.money(3.8e9, "DKK", "de") == "3,8\u00a0Mrd.\u00a0DKK"
    assert formatting.money(2_500, "EUR", "en") == "€2,500"
    assert formatting.money(562_974.3, "EUR", "de") == "562.974\u00a0€"
    assert formatting.money(12.5, "EUR", "en") == "€12.50"


def test_ranges_and_cldr_units() -> None:
    assert formatting.quantity_range(60, 80, "percent", "en") == "60%–80%"
    assert formatting.quantity(135.4, "mm", "de") == "135,4 mm"
    assert formatting.quantity(2, "minute", "de") == "2 Min."


def test_dates_names_and_lists() -> None:
    assert formatting.date(dt.date(2020, 6, 18), "da") == "18. jun. 2020"
    assert formatting.date(dt.date(2020, 6, 18), "de") == "18.06.2020"
    assert formatting.country("DE", "da") == "Tyskland"
    assert formatting.languages(["da", "en", "de"], "de") == "Dänisch, Englisch und Deutsch"
    assert formatting.years(2007, 2022) == "2007–2022"
    assert formatting.years(2014, None) == "2014"


@pytest.mark.parametrize("locale", CONTENT_LOCALES)
def test_every_content_locale_formats_every_unit(locale: str) -> None:
    for unit in (*sorted(UNITS), "DKK", "EUR"):
        text = formatting.quantity(1234.5, unit, locale)
        assert "1" in text and "-" not in text.replace("\u2212", ""), (unit, text)
    assert formatting.direction(locale) == ("rtl" if locale == "ar" else "ltr")
