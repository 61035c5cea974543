"""What a delegation sees through a share link: a small page with its pack in each language."""

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import File

from i18n import formatting
from services.delegations import packs, sharing
from services.web.auth import now
from services.web.dependencies import Session
from services.web.locale import named_locale
from services.web.page_rendering import page_locale, render

#: A share link's address must not travel on to other sites, and is not for search engines.
PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "private, no-store"}


@get("/shared/{secret:str}", include_in_schema=False)
async def shared_page(request: Request[Any, Any, Any], db_session: Session, secret: FromPath[str]) -> Response[str]:
    delegation, link = await sharing.opened(db_session, secret, now())
    languages = [(code, formatting.language(code, code)) for code in delegation.languages]
    locale = page_locale(request)[0]
    contents = await packs.view_of(db_session, delegation, locale)
    response = render(
        request,
        "shared.html",
        delegation=delegation,
        link=link,
        secret=secret,
        pack_languages=languages,
        solutions=[item for item in contents.items if item.kind == "solution"],
        programme=contents.programme,
        sites=dict(await packs.visit_site_names(db_session, locale)),
        contacts=contents.contacts,
    )
    response.headers.update(PRIVATE)
    return response


@get("/shared/{secret:str}/pack.pdf", include_in_schema=False)
async def shared_pack(
    request: Request[Any, Any, Any],
    db_session: Session,
    secret: FromPath[str],
    lang: Annotated[str, QueryParameter(max_length=35)],
) -> File:
    lang = named_locale(lang)
    state = request.app.state
    path, download = await sharing.shared_pack(db_session, secret, lang, state.press, state.download_counts, now())
    disposition = "attachment" if download else "inline"
    return File(
        path=path,
        media_type="application/pdf",
        headers={
            **PRIVATE,
            "Content-Disposition": f'{disposition}; filename="pack-{lang}.pdf"',
            "Content-Language": lang,
        },
    )


SHARED_PAGES = [shared_page, shared_pack]
