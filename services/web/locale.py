"""The language policy at the web edge: a reader's locale, or the locale a parameter names.

Every route takes the language as a plain string and reads it here, so that ``de-AT``, ``DE`` and
``zz`` mean the same on every route (see :mod:`i18n.locales` and the table in the README).
"""

from typing import Any

from litestar import Request

from i18n.locales import (
    CONTENT_LOCALES,
    Locale,
    NotALanguageTag,
    UnsupportedLocale,
    negotiate,
    parse_locale,
)
from services.errors import InvalidQuery

#: The cookie that keeps a reader's language from page to page.
LOCALE_COOKIE = "lang"


def reader_locale(
    asked: str | None,
    request: Request[Any, Any, Any] | None,
    available: tuple[Locale, ...] = CONTENT_LOCALES,
    *,
    cookie: bool = True,
) -> tuple[Locale, str]:
    """``(served, requested)`` for a reader: ``asked``, else the cookie, else ``Accept-Language``, else English.

    A tag naming no locale of ``available`` is answered in English; a value that is no language tag is refused.
    """
    remembered = request.cookies.get(LOCALE_COOKIE) if request is not None and cookie else None
    accept_language = request.headers.get("accept-language") if request is not None else None
    try:
        return negotiate(asked, remembered, accept_language, available)
    except NotALanguageTag as error:
        raise InvalidQuery("lang", str(error)) from error


def named_locale(asked: str, available: tuple[Locale, ...] = CONTENT_LOCALES, *, parameter: str = "lang") -> Locale:
    """The locale of ``available`` that the parameter ``asked`` names; refused when it names none."""
    try:
        return parse_locale(asked, available)
    except (NotALanguageTag, UnsupportedLocale) as error:
        raise InvalidQuery(parameter, str(error)) from error
