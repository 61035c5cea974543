"""The one language policy: supported locales, how a tag names one, and how a reader's is chosen.

Two rules, for every surface (API, pages, documents, packs, share pages, exports, command line):

- :func:`parse_locale` reads a tag that *names* a language to make or change something in (a pack's
  language, a translation's target, a new entry's source): case and ``-``/``_`` do not matter, a
  region or script is dropped (``de-AT`` is ``de``, ``zh-Hans`` is ``zh``), and a tag naming no
  supported locale is refused.
- :func:`negotiate` chooses the locale a *reader* is answered in: the asked tag read the same way,
  else the reader's cookie, else ``Accept-Language``, else English; an asked tag naming no supported
  locale is answered in English, and says so. Only a value that is not a language tag at all is
  refused by both.
"""

import re
from collections.abc import Iterable
from typing import NewType

from babel import Locale as BabelLocale
from babel import UnknownLocaleError

Locale = NewType("Locale", str)
"""A supported locale, by its code (``da``, ``zh``): made by :func:`parse_locale` or :func:`negotiate`."""

#: Every locale content and documents can be written in, in display order.
CONTENT_LOCALES: tuple[Locale, ...] = tuple(
    Locale(code)
    for code in ("da", "en", "de", "sv", "nb", "fi", "nl", "fr", "es", "pt", "it", "pl", "uk", "zh", "ja", "ko", "ar")
)
#: Locales the web interface is translated into.
INTERFACE_LOCALES: tuple[Locale, ...] = (Locale("da"), Locale("en"), Locale("de"))
#: The lingua franca every chain falls back to before the source text.
FALLBACK_LOCALE = Locale("en")


class NotALanguageTag(ValueError):
    """A value that cannot be a language tag at all (``<script>``, ``12``, ``de--AT``)."""

    def __init__(self, tag: str) -> None:
        super().__init__(f"{tag!r} is not a language tag such as 'da', 'de' or 'pt-BR'")
        self.tag = tag


class UnsupportedLocale(ValueError):
    """A language tag that names none of the locales something is available in."""

    def __init__(self, tag: str, available: tuple[Locale, ...]) -> None:
        super().__init__(f"{tag!r} is not one of {', '.join(available)}")
        self.tag = tag
        self.available = available


_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
#: Language codes that stand for a supported locale under another name.
_ALIASES = {"no": "nb", "nn": "nb", "zh_hans": "zh", "zh_cn": "zh", "zh_sg": "zh"}


def is_well_formed(tag: str) -> bool:
    """Whether ``tag`` has the shape of a BCP 47 language tag (``de``, ``pt-BR``, ``zh_Hans``)."""
    return bool(_TAG.match(tag))


def closest(preferred: Iterable[str], available: tuple[Locale, ...]) -> Locale | None:
    """The first of ``available`` that matches one of ``preferred``, by tag or by its language."""
    wanted = [tag.replace("-", "_") for tag in preferred if is_well_formed(tag)]
    for tag in wanted:
        for candidate in (tag.lower(), _ALIASES.get(tag.lower()), _ALIASES.get(tag.lower().split("_")[0])):
            if candidate in available:
                return Locale(candidate)
        try:
            language = BabelLocale.parse(tag).language
        except (UnknownLocaleError, ValueError):
            continue
        if language in available:
            return Locale(language)
    return None


def parse_locale(tag: str, available: tuple[Locale, ...] = CONTENT_LOCALES) -> Locale:
    """The locale of ``available`` that ``tag`` names; :class:`NotALanguageTag` or :class:`UnsupportedLocale`."""
    if not is_well_formed(tag):
        raise NotALanguageTag(tag)
    found = closest([tag], available)
    if found is None:
        raise UnsupportedLocale(tag, available)
    return found


def negotiate(
    asked: str | None, cookie: str | None, accept_language: str | None, available: tuple[Locale, ...]
) -> tuple[Locale, str]:
    """``(served, requested)``: the locale to answer a reader in, and the one the reader asked for.

    ``asked`` (a ``lang`` parameter) wins, then the cookie, then ``Accept-Language``, then English.
    An asked tag naming no locale of ``available`` is answered in English; one that is not a language
    tag at all raises :class:`NotALanguageTag`.
    """
    if asked is not None:
        if not is_well_formed(asked):
            raise NotALanguageTag(asked)
        return closest([asked], available) or FALLBACK_LOCALE, asked
    if cookie and (remembered := closest([cookie], available)):
        return remembered, remembered
    if accept_language and (preferred := closest(parse_accept_language(accept_language), available)):
        return preferred, preferred
    return FALLBACK_LOCALE, FALLBACK_LOCALE


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, most preferred first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def fallback_chain(locale: str, source_locale: str) -> tuple[str, ...]:
    """Locales to try for a text, in order: the locale itself, English, then the source."""
    chain: list[str] = []
    for candidate in (locale, FALLBACK_LOCALE, source_locale):
        if candidate not in chain:
            chain.append(candidate)
    return tuple(chain)


def display_name(locale: str, in_locale: str | None = None) -> str:
    """The name of ``locale`` in ``in_locale`` (its own name by default), capitalised."""
    name = BabelLocale.parse(locale).get_display_name(in_locale or locale) or locale
    return name[:1].upper() + name[1:]
