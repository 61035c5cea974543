"""Rendering pages: one template environment, the reader's locale, the page frame and error pages."""

import contextlib
import functools
import inspect
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie

from catalogue import richtext
from i18n import formatting, labels, workflow_labels
from i18n.catalogues import translations
from i18n.locales import (
    INTERFACE_LOCALES,
    Locale,
    NotALanguageTag,
    UnsupportedLocale,
    display_name,
    is_well_formed,
    parse_locale,
)
from services.web.auth import page_csrf
from services.web.locale import LOCALE_COOKIE, reader_locale

WEB_DIR = Path(__file__).resolve().parent
#: Pages load nothing but the catalogue's own stylesheet, run no script and are never framed.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
logger = logging.getLogger(__name__)

_environment = Environment(
    loader=FileSystemLoader(WEB_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["rich"] = richtext.to_html


#: Every public formatting function, and whether it takes the reader's locale.
_FORMATTERS = {
    name: (function, "locale" in inspect.signature(function).parameters)
    for name, function in vars(formatting).items()
    if inspect.isfunction(function) and function.__module__ == formatting.__name__ and not name.startswith("_")
}


class Formatter:
    """Babel formatting bound to one locale, for templates: ``fmt.quantity(value, unit)``."""

    def __init__(self, locale: str) -> None:
        for name, (function, localised) in _FORMATTERS.items():
            setattr(self, name, functools.partial(function, locale=locale) if localised else function)


def page_locale(request: Request[Any, Any, Any]) -> tuple[Locale, bool]:
    """The interface locale of a page request, and whether it came from ``?lang=``.

    Unlike the API, a page ignores a malformed ``?lang=``: the reader still gets a page.
    """
    if "page_locale" in request.state:
        return request.state.page_locale  # type: ignore[no-any-return]
    request.state.page_locale = _choose_page_locale(request)
    return request.state.page_locale  # type: ignore[no-any-return]


def content_locale(request: Request[Any, Any, Any]) -> Locale:
    """The locale of a page's content: ``?lang=`` when it names a content locale, else the interface's.

    A reader arriving from an Arabic brochure's QR code reads the Arabic content around an
    interface in the closest interface language.
    """
    lang = last_value(request, "lang")
    if lang is not None:
        with contextlib.suppress(NotALanguageTag, UnsupportedLocale):
            return parse_locale(lang)
    return page_locale(request)[0]


def _choose_page_locale(request: Request[Any, Any, Any]) -> tuple[Locale, bool]:
    lang = last_value(request, "lang")
    if lang is not None and not is_well_formed(lang):
        lang = None  # a garbled link still opens the page, in the reader's usual language
    locale, _ = reader_locale(lang, request, INTERFACE_LOCALES)
    return locale, lang is not None


def last_value(request: Request[Any, Any, Any], name: str) -> str | None:
    """The last value of a repeated query parameter, as the API reads it too."""
    values = request.query_params.getall(name, [])
    return values[-1] if values else None


def _url(path: str, params: dict[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{path}?{query}" if query else path


def render(request: Request[Any, Any, Any], template: str, status: int = 200, **context: Any) -> Response[str]:
    """``template`` rendered in the request's locale, with the language switch and alternates."""
    locale, from_query = page_locale(request)
    gettext = translations(locale)
    params = {key: value for key, value in request.query_params.items() if key != "lang"}
    path = request.url.path
    # Absolute links come from the configured address, never from the request's Host header.
    base = request.app.state.settings.base_url
    html = _environment.get_template(template).render(
        locale=locale,
        direction=formatting.direction(locale),
        _=gettext.gettext,
        ngettext=gettext.ngettext,
        fmt=Formatter(locale),
        text_direction=formatting.direction,
        labels=labels,
        workflow=workflow_labels,
        languages=[(code, display_name(code)) for code in INTERFACE_LOCALES],
        alternates={code: base + _url(path, {**params, "lang": code}) for code in INTERFACE_LOCALES},
        canonical=base + _url(path, params),
        url=_url,
        path=path,
        params=params,
        session_csrf=page_csrf(request),
        **context,
    )
    cookies = (
        [Cookie(key=LOCALE_COOKIE, value=locale, max_age=365 * 24 * 3600, samesite="lax", httponly=True)]
        if from_query
        else []
    )
    return Response(
        html,
        status_code=status,
        media_type=MediaType.HTML,
        cookies=cookies,
        headers={"Content-Language": locale, "Vary": "Accept-Language, Cookie", "Content-Security-Policy": PAGE_POLICY},
    )


def signed_in_page(request: Request[Any, Any, Any], template: str, status: int = 200, **context: Any) -> Response[str]:
    """``template`` for a signed-in reader: its forms carry the CSRF token, and no cache keeps it."""
    response = render(request, template, status=status, csrf=page_csrf(request), **context)
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request[Any, Any, Any], status: int, error: Exception) -> Response[str]:
    """An error answered as a page in the reader's language."""
    if status >= 500:
        logger.exception("unhandled error on %s", request.url.path, exc_info=error)
    return render(request, "error.html", status=status, status_code=status)
