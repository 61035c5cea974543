"""Numbers, money, dates, units and names formatted with Babel for the reader's locale, and numbers read from forms."""

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import (
    NumberFormatError,
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
    parse_decimal,
)
from babel.units import format_unit

#: Units Babel knows by their CLDR name.
_CLDR_UNITS = {
    "kwh": "energy-kilowatt-hour",
    "mm": "length-millimeter",
    "m": "length-meter",
    "km": "length-kilometer",
    "minute": "duration-minute",
    "hour": "duration-hour",
    "year": "duration-year",
    "tonne": "mass-tonne",
}
#: SI symbols CLDR has no entry for; they read the same in every locale.
_SYMBOLS = {"mwh": "MWh", "gwh": "GWh", "tj": "TJ", "tonne-co2": "t CO₂"}
#: Amounts from here up are shown in compact form ("3,8 mia. kr.").
_COMPACT_FROM = 1_000_000
#: Amounts from here up are shown without cents.
_WHOLE_UNITS_FROM = 1_000
_NBSP = "\u00a0"


def number(value: float, locale: str) -> str:
    """A number with the locale's separators and at most two decimals."""
    return format_decimal(round(value, 2), locale=locale, decimal_quantization=False)


def number_entry(value: float, locale: str) -> str:
    """A number as a form shows it for editing: the locale's separators and every decimal it has.

    ``7.0`` is "7", ``1250.0`` is "1.250" in Danish and "1,250" in English, ``0.125`` keeps its three
    decimals; :func:`parse_number` reads the text back to the same value.
    """
    return format_decimal(value, locale=locale, decimal_quantization=False)


class UnreadableNumber(ValueError):
    """Text typed as a number that ``locale`` does not write that way, or that it could read two ways."""


#: Signs anyone may type, whatever the locale's own: the hyphen-minus, the minus sign and plus.
_TYPED_SIGNS = frozenset("-\u2212+")


def parse_number(text: str, locale: str) -> float:
    """The number ``text`` means when typed in ``locale``, or :class:`UnreadableNumber`.

    The rule is Babel's strict parsing (``parse_decimal(strict=True)``) after stripping surrounding
    spaces: digits, at most one decimal mark and group marks where the locale puts them. In Danish
    and German "1.250" is 1250 and "1,5" is 1.5; in English "1,250" is 1250 and "1.5" is 1.5. Text
    strict parsing refuses, because the marks are where the locale never puts them, is refused
    rather than guessed at: English "1,25", Danish "1.25" or "1.5". Anything but digits, the
    locale's two marks and a sign (letters, exponents, spaces inside) is refused too.
    """
    typed = text.strip()
    marks = {get_decimal_symbol(locale), get_group_symbol(locale), get_minus_sign_symbol(locale)}
    allowed = marks | {get_plus_sign_symbol(locale)} | _TYPED_SIGNS
    if not typed or not all((char.isascii() and char.isdigit()) or char in allowed for char in typed):
        raise UnreadableNumber(text)
    try:
        value = parse_decimal(typed.replace("\u2212", "-"), locale=locale, strict=True)
    except NumberFormatError as error:
        raise UnreadableNumber(text) from error
    if not value.is_finite():
        raise UnreadableNumber(text)
    return float(value)


def percent(whole_percent: int, locale: str) -> str:
    """A share given in whole percent (``42`` is 42 %), written as the locale writes percentages."""
    return format_percent(whole_percent / 100, locale=locale)


def money(amount: float, currency: str, locale: str) -> str:
    """An amount in its own currency: compact when large, in whole units from a thousand up."""
    if abs(amount) >= _COMPACT_FROM:
        return str(format_compact_currency(amount, currency, locale=locale, fraction_digits=1))
    if abs(amount) >= _WHOLE_UNITS_FROM:
        pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
        return str(format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False))
    return str(format_currency(amount, currency, locale=locale))


def quantity(value: float, unit: str, locale: str) -> str:
    """``value`` in ``unit`` (a catalogue unit or a currency code), formatted for ``locale``."""
    if unit == "percent":
        return format_percent(round(value, 1) / 100, locale=locale, decimal_quantization=False)
    if unit == "count":
        return number(value, locale)
    if unit in _CLDR_UNITS:
        measure = _CLDR_UNITS[unit]
        if unit == "year":
            # Years read better spelled out ("5 years", "5 Jahre") where the locale has the long form.
            spelled = format_unit(round(value, 2), measure, length="long", locale=locale)
            if measure not in spelled:
                return spelled
        return format_unit(round(value, 2), measure, length="short", locale=locale)
    if unit in _SYMBOLS:
        return f"{number(value, locale)}{_NBSP}{_SYMBOLS[unit]}"
    return money(value, unit, locale)


def quantity_range(low: float, high: float | None, unit: str, locale: str) -> str:
    """A figure or a range of two, such as "60-80 %"."""
    if high is None or high == low:
        return quantity(low, unit, locale)
    return f"{quantity(low, unit, locale)}–{quantity(high, unit, locale)}"


def date(value: dt.date, locale: str) -> str:
    return format_date(value, format="medium", locale=locale)


#: The catalogue's staff work in Denmark: times of day are shown in Danish time.
STAFF_TIME_ZONE = ZoneInfo("Europe/Copenhagen")


def datetime(value: dt.datetime, locale: str) -> str:
    """A moment as its date and time of day in Denmark."""
    return format_datetime(value, format="short", tzinfo=STAFF_TIME_ZONE, locale=locale)


def years(start: int | None, end: int | None) -> str:
    """A span of years, such as "2007–2022"; an open span shows only its start."""
    if start is None:
        return str(end) if end is not None else ""
    if end is None or end == start:
        return str(start)
    return f"{start}–{end}"


def country(code: str, locale: str) -> str:
    """The name of a country in ``locale``."""
    return str(Locale.parse(locale).territories.get(code.upper(), code))


def language(code: str, locale: str) -> str:
    """The name of a language in ``locale``, cased as it is written mid-sentence ("engelsk", "Englisch")."""
    return str(Locale.parse(locale).languages.get(code, code))


def listing(items: list[str], locale: str) -> str:
    """Items joined as the locale writes a list ("a, b og c")."""
    return format_list(items, locale=locale) if items else ""


def direction(locale: str) -> str:
    """``rtl`` for scripts written right to left, else ``ltr``."""
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def countries(codes: list[str], locale: str) -> str:
    """Country names as a list in the locale's style."""
    return listing([country(code, locale) for code in codes], locale)


def languages(codes: list[str], locale: str) -> str:
    """Language names as a list in the locale's style."""
    return listing([language(code, locale) for code in codes], locale)


def numbers(values: list[float], locale: str) -> str:
    """Numbers as a list in the locale's style."""
    return listing([number(value, locale) for value in values], locale)


def coordinates(latitude: float, longitude: float, locale: str) -> str:
    """A position in decimal degrees to five places (about a metre), such as "55.67594° N, 12.56553° E"."""
    north = format_decimal(abs(latitude), format="0.00000", locale=locale)
    east = format_decimal(abs(longitude), format="0.00000", locale=locale)
    return f"{north}°\u00a0{'N' if latitude >= 0 else 'S'}, {east}°\u00a0{'E' if longitude >= 0 else 'W'}"
