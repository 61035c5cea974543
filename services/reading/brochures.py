"""A solution's brochure as a kind of document: load the views, build the document, lay it out as HTML."""

from collections.abc import Callable

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from i18n.catalogues import translations
from i18n.locales import Locale
from services.documents.pipeline import DocumentKind, DocumentSource, lay_out_document, loading
from services.reading import browsing
from services.reading.brochure import Brochure, build_brochure
from services.view_cache import cached_view


async def brochure_for(session: AsyncSession, slug: str, locale: Locale, base_url: str) -> Brochure:
    """The brochure of the published solution ``slug`` in ``locale``; :class:`NotFound` otherwise."""
    solution = await browsing.get_solution(session, slug, locale)
    cases = [await browsing.get_case(session, case.slug, locale) for case in solution.cases]
    provider = await browsing.get_organisation(session, solution.provider.slug, locale)
    themes = {theme.slug: theme for theme in await browsing.list_themes(session, locale)}
    live_url = f"{base_url}/solutions/{slug}?lang={locale}"
    rates = await browsing.list_exchange_rates(session)
    gettext = translations(locale, "documents").gettext
    # Charts and the QR code take a few milliseconds: off the event loop.
    return await anyio.to_thread.run_sync(
        build_brochure, solution, cases, provider, themes, locale, live_url, rates, gettext
    )


def lay_out(brochure: Brochure, link: Callable[[str], str] | None = None) -> DocumentSource:
    """The brochure's HTML, with its wording in the brochure's locale; ``link`` as :func:`lay_out_document` takes it."""
    html = lay_out_document("brochure.html", brochure, brochure.locale, link)
    return DocumentSource(html=html, images=brochure.images, title=brochure.title.text)


@cached_view
async def brochure_source(session: AsyncSession, slug: str, locale: Locale, base_url: str) -> DocumentSource:
    """The laid-out brochure, kept while the catalogue is unchanged so repeated downloads skip the layout."""
    async with loading():
        brochure = await brochure_for(session, slug, locale, base_url)
        return await anyio.to_thread.run_sync(lay_out, brochure)


#: A published solution's brochure; its subject is the solution's slug.
BROCHURE = DocumentKind[str](named="the brochure of {subject!r}", source=brochure_source)
