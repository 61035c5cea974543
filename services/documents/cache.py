"""Rendered documents, keyed by everything that shapes them: on disk on each machine, in the database when shared."""

import functools
import hashlib
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import aliased

from catalogue.database import for_reading
from catalogue.packs import PackRender
from services.documents.assets import ASSET_DIR
from services.file_store import FileStore, Promised
from services.shared_files import DatabaseFiles, database_files


def _assets_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSET_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(ASSET_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


#: Packages whose version changes how a document is laid out or written.
_RENDERING_PACKAGES = ("weasyprint", "pydyf", "pyphen", "tinycss2", "cssselect2", "fonttools", "tinyhtml5", "pillow")
#: The code that drives the renderer, read rather than imported: the web process never loads WeasyPrint.
_RENDER_CODE = Path(__file__).with_name("rendering.py")
#: Where the typefaces documents use come from.
_FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))


def _installed_fonts() -> str:
    """Name, size and modification time of every installed Noto font file."""
    return ";".join(
        f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}"
        for folder in _FONT_DIRECTORIES
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if (stat := path.stat())
    )


def _renderer_fingerprint() -> str:
    parts = [f"{name} {metadata.version(name)}" for name in _RENDERING_PACKAGES]
    parts += [_assets_fingerprint(), _installed_fonts(), _RENDER_CODE.read_text()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


#: Everything besides the HTML that shapes a document: the renderer, its packages, the render
#: code, the document assets and the installed fonts. Computed once per process.
RENDERER_FINGERPRINT = _renderer_fingerprint()


def document_key(html: str, images: Mapping[str, bytes], variant: str) -> str:
    """A key that changes whenever anything that shapes the PDF changes.

    The HTML already holds the data, the locale and the translated wording laid out by the
    template; the images, the variant, the assets and the renderer's version make up the rest.
    """
    digest = hashlib.sha256()
    for part in (RENDERER_FINGERPRINT, variant, html):
        digest.update(part.encode())
        digest.update(b"\0")
    for name in sorted(images):
        digest.update(name.encode())
        digest.update(images[name])
    return digest.hexdigest()[:32]


#: How much the cache keeps before the least recently used documents go.
DEFAULT_MAX_BYTES = 2_000_000_000


class DocumentCache(FileStore):
    """PDF files named by their document key, at most ``max_bytes`` of them per machine (and in the database).

    A reader sees a whole file or none; one making per key at a time per process; a document the
    database holds is fetched, never rendered again. Bounding: documents can be made again from
    the data, so the least recently used go first, except the file a finished generation points
    to while it is its pack's newest in its language (a share link promises that file).
    """

    def __init__(
        self,
        folder: Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        shared: DatabaseFiles | None = None,
        promised: Promised | None = None,
    ) -> None:
        super().__init__(folder, suffix=".pdf", max_bytes=max_bytes, shared=shared, promised=promised)


async def promised_documents(engine: AsyncEngine) -> set[str]:
    """The keys of the files share links promise: each pack's newest finished generation per language."""
    newer = aliased(PackRender)
    superseded = exists().where(
        newer.delegation_id == PackRender.delegation_id,
        newer.language == PackRender.language,
        newer.status == "done",
        newer.id > PackRender.id,
    )
    async with for_reading(engine).connect() as connection:
        keys = await connection.scalars(
            select(PackRender.document_key).where(
                PackRender.status == "done", PackRender.document_key.is_not(None), ~superseded
            )
        )
        return {key for key in keys if key is not None}


def document_cache_for(engine: AsyncEngine, folder: Path, max_bytes: int) -> DocumentCache:
    """The documents of an app or a render worker: in ``folder``, and in the database when machines share it."""
    return DocumentCache(
        folder,
        max_bytes,
        shared=database_files(engine, "document", max_bytes),
        promised=functools.partial(promised_documents, engine),
    )
