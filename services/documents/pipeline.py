"""The document pipeline's shared steps: one template environment, bounded loading, render once and store."""

import asyncio
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import richtext
from i18n.catalogues import translations
from services.documents.cache import DocumentCache, document_key
from services.documents.rendering import Variant
from services.documents.worker import FAILURE_MEMORY_SECONDS, FailedRecently, RenderPool
from services.errors import RenderBusy, RenderFailedError
from services.monitoring import DOCUMENT_CACHE

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "pdf_templates"

TEMPLATES = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["rich"] = richtext.to_html


def _as_is(reference: str) -> str:
    return reference


def lay_out_document(template: str, document: Any, locale: str, link: Callable[[str], str] | None = None) -> str:
    """``document`` laid out as HTML by ``template`` of ``pdf_templates/``, its wording in ``locale``.

    ``link`` turns the document's references (``asset:NAME``, ``generated:NAME``) into URLs;
    the renderer resolves them as they are, a browser preview needs real addresses.
    """
    gettext = translations(locale, "documents")
    return TEMPLATES.get_template(template).render(
        doc=document, _=gettext.gettext, ngettext=gettext.ngettext, link=link or _as_is
    )


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


class DocumentSource(msgspec.Struct, frozen=True):
    """A brochure ready to render: its HTML and the images the HTML refers to."""

    html: str
    images: dict[str, bytes]
    title: str


class RenderedDocument(msgspec.Struct, frozen=True):
    """A PDF in the document cache."""

    path: Path
    key: str
    title: str


async def stored_pdf(
    session: AsyncSession,
    source: DocumentSource,
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
