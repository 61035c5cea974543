"""The document pipeline: one template environment, bounded loading, one way from a document to its stored file."""

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import anyio.to_thread
import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import richtext
from i18n.catalogues import translations
from i18n.locales import Locale
from services.documents.assets import Variant
from services.documents.cache import DocumentCache, document_key
from services.documents.worker import FAILURE_MEMORY_SECONDS, FailedRecently, render_here
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


def lay_out_document(template: str, document: Any, locale: Locale, link: Callable[[str], str] | None = None) -> str:
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


class Renderer(Protocol):
    """What turns HTML into PDF bytes: the render processes of :class:`RenderPool`, or this process."""

    async def render(
        self,
        html: str,
        images: Mapping[str, bytes],
        variant: Variant,
        *,
        key: str | None = None,
        retry: bool = True,
        bounded: bool = False,
    ) -> bytes: ...


class InProcess:
    """Renders in this process, on a thread: for the command line, which renders one document and ends."""

    async def render(
        self,
        html: str,
        images: Mapping[str, bytes],
        variant: Variant,
        *,
        key: str | None = None,
        retry: bool = True,
        bounded: bool = False,
    ) -> bytes:
        return await anyio.to_thread.run_sync(render_here, html, dict(images), variant)


class Press(msgspec.Struct, frozen=True):
    """Where documents are made: the cache that keeps them, the renderer that makes them, the site's address."""

    cache: DocumentCache
    renderer: Renderer
    #: The address documents link back to (``PUBLIC_URL``).
    base_url: str


Subject = TypeVar("Subject")


class DocumentKind(msgspec.Struct, Generic[Subject], frozen=True):
    """One kind of document, as the feature that owns it makes its content.

    ``source`` loads the subject in a locale and lays it out; it is called only for a subject the
    caller was allowed to see.
    """

    #: How an error message names one, with ``{subject}`` in it: "the brochure of {subject!r}".
    named: str
    source: Callable[[AsyncSession, Subject, Locale, str], Awaitable[DocumentSource]]


async def document(
    session: AsyncSession,
    kind: DocumentKind[Subject],
    subject: Subject,
    locale: Locale,
    variant: Variant,
    press: Press,
    *,
    reader: bool = True,
    laid_out: Callable[[], Awaitable[None]] | None = None,
) -> RenderedDocument:
    """The ``kind`` document of ``subject`` in ``locale`` as a stored PDF, rendered first when the cache lacks it.

    The one way every document is made: the routes, the background jobs and the command line
    all come here. The session's connection goes back to the pool once the content is laid out:
    a render takes seconds, and renders holding connections would soon leave none for anyone else.

    A ``reader`` waits for the file: the render is refused with :class:`RenderBusy` when too
    many wait, and a document that failed moments ago is answered with
    :class:`RenderFailedError` at once. Otherwise (a background job, with attempts of its own)
    the render waits its turn and a failure is not remembered. ``laid_out`` is told when the
    content is ready and rendering begins.
    """
    source = await kind.source(session, subject, locale, press.base_url)
    await session.close()
    key = document_key(source.html, source.images, variant)
    if laid_out is not None:
        await laid_out()
    path = press.cache.get(key)
    DOCUMENT_CACHE.labels("miss" if path is None else "hit").inc()
    if path is None:

        async def render() -> bytes:
            if reader:
                return await press.renderer.render(source.html, source.images, variant, key=key, bounded=True)
            return await press.renderer.render(source.html, source.images, variant, retry=False)

        try:
            path = await press.cache.get_or_make(key, render)
        except (RenderBusy, OperationalError, InterfaceError):
            # Busy, or the database holding the stored documents cannot be reached: not a failed render.
            raise
        except FailedRecently as error:
            raise RenderFailedError(kind.named.format(subject=subject), locale, error.retry_after) from error
        except Exception as error:
            raise RenderFailedError(kind.named.format(subject=subject), locale, FAILURE_MEMORY_SECONDS) from error
    return RenderedDocument(path=path, key=key, title=source.title)
