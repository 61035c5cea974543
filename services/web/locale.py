"""Choosing the locale a request is answered in."""

from i18n.locales import FALLBACK_LOCALE, is_well_formed, negotiate, parse_accept_language
from services.errors import InvalidQuery


def choose_locale(
    lang: str | None, cookie: str | None, accept_language: str | None, available: tuple[str, ...]
) -> tuple[str, str]:
    """``(served, requested)``: the locale to answer in and the one the request asked for.

    ``lang`` wins, then the cookie, then ``Accept-Language``, then English. A well-formed but
    unsupported ``lang`` is answered in its closest supported locale (or English); a malformed
    one is refused, since it cannot be a language tag at all.
    """
    if lang is not None:
        if not is_well_formed(lang):
            raise InvalidQuery("lang", f"{lang!r} is not a language tag such as 'da', 'de' or 'pt-BR'")
        return negotiate([lang], available) or FALLBACK_LOCALE, lang
    if cookie and cookie in available:
        return cookie, cookie
    if accept_language:
        preferred = parse_accept_language(accept_language)
        chosen = negotiate(preferred, available)
        if chosen:
            return chosen, chosen
    return FALLBACK_LOCALE, FALLBACK_LOCALE
