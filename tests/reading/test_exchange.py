"""Converting amounts with stored, dated rates."""

import datetime as dt

from catalogue.views import ExchangeRateView
from services.reading.exchange import convert

OLD = ExchangeRateView(base="EUR", quote="DKK", rate=7.0, as_of=dt.date(2000, 1, 1), source="old")
NEW = ExchangeRateView(base="EUR", quote="DKK", rate=7.5, as_of=dt.date(2020, 1, 1), source="new")


def test_the_newest_rate_converts_in_either_direction() -> None:
    assert convert(10, "EUR", "DKK", [OLD, NEW]) == (75.0, NEW)
    assert convert(75, "DKK", "EUR", [OLD, NEW]) == (10.0, NEW)


def test_no_rate_or_the_same_currency_converts_nothing() -> None:
    assert convert(10, "EUR", "USD", [OLD, NEW]) is None
    assert convert(10, "DKK", "DKK", [OLD, NEW]) is None
