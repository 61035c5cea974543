"""Supported locales and how a request's locale is chosen."""

import re
from collections.abc import Iterable

from babel import Locale, UnknownLocaleError

#: Every locale content and documents can be written in, in display order.
CONTENT_LOCALES: tuple[str, ...] = (
    "da", "en", "de", "sv", "nb", "fi", "nl", "fr", "es", "pt", "it", "pl", "uk", "zh", "ja", "ko", "ar",
)  # fmt: skip
#: Locales the web interface is translated into.
INTERFACE_LOCALES: tuple[str, ...] = ("da", "en", "de")
#: The lingua franca every chain falls back to before the source text.
FALLBACK_LOCALE = "en"

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
#: Language codes that stand for a supported locale under another name.
_ALIASES = {"no": "nb", "nn": "nb", "zh_hans": "zh", "zh_cn": "zh", "zh_sg": "zh"}


def is_well_formed(tag: str) -> bool:
    """Whether ``tag`` has the shape of a BCP 47 language tag (``de``, ``pt-BR``, ``zh_Hans``)."""
    return bool(_TAG.match(tag))


def negotiate(preferred: Iterable[str], available: tuple[str, ...]) -> str | None:
    """The first of ``available`` that matches one of ``preferred``, by tag or by its language."""
    wanted = [tag.replace("-", "_") for tag in preferred if is_well_formed(tag)]
    for tag in wanted:
        if tag.lower() in available:
            return tag.lower()
        alias = _ALIASES.get(tag.lower()) or _ALIASES.get(tag.lower().split("_")[0])
        if alias in available:
            return alias
        try:
            language = Locale.parse(tag).language
        except (UnknownLocaleError, ValueError):
            continue
        if language in available:
            return language
    return None


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
    name = Locale.parse(locale).get_display_name(in_locale or locale) or locale
    return name[:1].upper() + name[1:]
