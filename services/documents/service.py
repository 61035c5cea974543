"""Making a solution's brochure: load the views, build the document, lay it out as HTML."""

import asyncio
import weakref
from collections.abc import Callable
from pathlib import Path

import anyio
import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from i18n.catalogues import translations
from services import browsing, richtext
from services.documents.brochure import Brochure, build_brochure
from services.documents.cache import DocumentCache, document_key
from services.documents.rendering import Variant
from services.documents.worker import FAILURE_MEMORY_SECONDS, FailedRecently, RenderPool
from services.errors import RenderBusy, RenderFailedError
from services.monitoring import DOCUMENT_CACHE
from services.view_cache import cached_view

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "pdf_templates"

TEMPLATES = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["rich"] = richtext.to_html


#: Documents whose content one process loads at once. Loading one is tens of milliseconds of work
#: on the event loop; a burst of downloads loading all at once would hold up every other request.
CONCURRENT_LOADS = 2
_loads: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def loading() -> asyncio.Semaphore:
    """What a document's content is loaded under, so that at most :data:`CONCURRENT_LOADS` load at once."""
    loop = asyncio.get_running_loop()
    slots = _loads.get(loop)
    if slots is None:
        slots = _loads[loop] = asyncio.Semaphore(CONCURRENT_LOADS)
    return slots


class BrochureSource(msgspec.Struct, frozen=True):
    """A brochure ready to render: its HTML and the images the HTML refers to."""

    html: str
    images: dict[str, bytes]
    title: str


async def brochure_for(session: AsyncSession, slug: str, locale: str, base_url: str) -> Brochure:
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


def _as_is(reference: str) -> str:
    return reference


def lay_out(brochure: Brochure, link: Callable[[str], str] = _as_is) -> BrochureSource:
    """The brochure's HTML, with its wording in the brochure's locale.

    ``link`` turns the document's references (``asset:NAME``, ``generated:NAME``) into URLs;
    the renderer resolves them as they are, a browser preview needs real addresses.
    """
    gettext = translations(brochure.locale, "documents")
    html = TEMPLATES.get_template("brochure.html").render(
        doc=brochure, _=gettext.gettext, ngettext=gettext.ngettext, link=link
    )
    return BrochureSource(html=html, images=brochure.images, title=brochure.title.text)


@cached_view
async def brochure_source(session: AsyncSession, slug: str, locale: str, base_url: str) -> BrochureSource:
    """The laid-out brochure, kept while the catalogue is unchanged so repeated downloads skip the layout."""
    async with loading():
        brochure = await brochure_for(session, slug, locale, base_url)
        return await anyio.to_thread.run_sync(lay_out, brochure)


class RenderedDocument(msgspec.Struct, frozen=True):
    """A PDF in the document cache."""

    path: Path
    key: str
    title: str


async def stored_pdf(
    session: AsyncSession,
    source: BrochureSource,
    variant: Variant,
    subject: str,
    locale: str,
    cache: DocumentCache,
    pool: RenderPool,
) -> RenderedDocument:
    """``source`` as a PDF from the document cache, rendered first when the cache lacks it.

    The session's connection goes back to the pool first: a render takes seconds, and renders
    holding connections would soon leave none for anyone else. Raises :class:`RenderBusy` when
    too many documents wait for rendering, :class:`RenderFailedError` when this one failed
    (now or moments ago) to render.
    """
    await session.close()
    key = document_key(source.html, source.images, variant)
    path = cache.get(key)
    DOCUMENT_CACHE.labels("miss" if path is None else "hit").inc()
    if path is None:

        async def render() -> bytes:
            return await pool.render(source.html, source.images, variant, key=key, bounded=True)

        try:
            path = await cache.get_or_make(key, render)
        except (RenderBusy, OperationalError, InterfaceError):
            # Busy, or the database holding the stored documents cannot be reached: not a failed render.
            raise
        except FailedRecently as error:
            raise RenderFailedError(subject, locale, error.retry_after) from error
        except Exception as error:
            raise RenderFailedError(subject, locale, FAILURE_MEMORY_SECONDS) from error
    return RenderedDocument(path=path, key=key, title=source.title)


async def brochure_pdf(
    session: AsyncSession,
    slug: str,
    locale: str,
    variant: Variant,
    base_url: str,
    cache: DocumentCache,
    pool: RenderPool,
) -> RenderedDocument:
    """The brochure of ``slug`` as a PDF from the cache, rendered first if the cache lacks it."""
    source = await brochure_source(session, slug, locale, base_url)
    return await stored_pdf(session, source, variant, slug, locale, cache, pool)
