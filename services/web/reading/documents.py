"""Brochures for download (PDF) and for preview in the browser (HTML)."""

import base64
import mimetypes
from typing import Annotated, Any
from urllib.parse import quote

from litestar import MediaType, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from litestar.response import File

from i18n.locales import CONTENT_LOCALES
from services.documents.assets import Variant
from services.documents.pipeline import document
from services.reading.brochures import BROCHURE, brochure_for, lay_out
from services.web.answers import keep_file, kept
from services.web.dependencies import Session
from services.web.locale import reader_locale
from services.web.problems import PROBLEM_JSON, ProblemDetails

DocumentLang = Annotated[
    str | None,
    QueryParameter(
        description=f"Locale of the brochure, one of {', '.join(CONTENT_LOCALES)}; by default from Accept-Language.",
        max_length=35,
    ),
]
VariantParameter = Annotated[
    Variant, QueryParameter(description="`pdfua` (tagged PDF/UA-1, the default) or `pdfa` (PDF/A-3b).")
]
#: The preview runs no script and loads only the catalogue's own stylesheet and inline images.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_PROBLEMS = {
    status: ResponseSpec(ProblemDetails, description=description, media_type=PROBLEM_JSON, generate_examples=False)
    for status, description in (
        (400, "The locale or variant is not supported."),
        (404, "No published solution has this slug."),
        (500, "The brochure could not be rendered; nothing was stored."),
    )
}


def _disposition(slug: str, locale: str, title: str) -> str:
    """``attachment`` with an ASCII file name and the title as an RFC 6266 UTF-8 file name."""
    readable = "".join(char for char in title if char.isprintable() and char not in '\\/:*?"<>|')[:120].strip()
    return f"attachment; filename=\"{slug}-{locale}.pdf\"; filename*=UTF-8''{quote(readable or slug)}.pdf"


@get("/solutions/{slug:str}/brochure.pdf", tags=["documents"], responses=_PROBLEMS, middleware=[kept])
async def brochure_download(
    request: Request[Any, Any, Any],
    db_session: Session,
    slug: FromPath[str],
    lang: DocumentLang = None,
    variant: VariantParameter = "pdfua",
) -> File:
    """The solution's brochure as a PDF in the reader's language, rendered once and then served from the cache."""
    locale, _ = reader_locale(lang, request)
    stored = await document(db_session, BROCHURE, slug, locale, variant, request.app.state.press)
    keep_file(request, stored.path)
    return File(
        path=stored.path,
        media_type="application/pdf",
        headers={
            "Content-Disposition": _disposition(slug, locale, stored.title),
            "ETag": f'"{stored.key}"',
            "Content-Language": locale,
            "Vary": "Accept-Language, Cookie",
        },
    )


@get("/solutions/{slug:str}/brochure", tags=["documents"], responses=_PROBLEMS, middleware=[kept])
async def brochure_preview(
    request: Request[Any, Any, Any], db_session: Session, slug: FromPath[str], lang: DocumentLang = None
) -> Response[str]:
    """The brochure as an HTML page, for a look before downloading."""
    locale, _ = reader_locale(lang, request)
    brochure = await brochure_for(db_session, slug, locale, request.app.state.settings.base_url)

    def link(reference: str) -> str:
        scheme, _, name = reference.partition(":")
        if scheme == "generated":
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return f"data:{mime};base64,{base64.b64encode(brochure.images[name]).decode()}"
        return f"/documents/assets/{quote(name)}"

    source = lay_out(brochure, link)
    return Response(
        source.html,
        media_type=MediaType.HTML,
        headers={"Content-Language": locale, "Content-Security-Policy": PREVIEW_POLICY},
    )
