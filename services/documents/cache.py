"""Rendered documents kept on disk, keyed by everything that shapes them, written atomically."""

import asyncio
import hashlib
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from importlib import metadata
from pathlib import Path

import anyio

from services.documents import rendering
from services.documents.rendering import ASSET_DIR


def _assets_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSET_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(ASSET_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


#: Packages whose version changes how a document is laid out or written.
_RENDERING_PACKAGES = ("weasyprint", "pydyf", "pyphen", "tinycss2", "cssselect2", "fonttools", "tinyhtml5", "pillow")
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
    parts += [_assets_fingerprint(), _installed_fonts(), Path(rendering.__file__).read_text()]
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


#: A partial file older than this was left by a writer that died.
STALE_AFTER_SECONDS = 3600


#: How much the cache keeps before the least recently used documents go.
DEFAULT_MAX_BYTES = 2_000_000_000


class DocumentCache:
    """PDF files in one folder, at most ``max_bytes`` of them; a reader sees a whole file or none."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._in_flight: dict[str, asyncio.Future[Path]] = {}
        self.remove_stale_partials()

    def remove_stale_partials(self, now: float | None = None) -> None:
        """Delete temporary files that writers which died left behind."""
        cutoff = (now if now is not None else time.time()) - STALE_AFTER_SECONDS
        for partial in self.folder.glob(".partial-*") if self.folder.is_dir() else ():
            if partial.stat().st_mtime < cutoff:
                partial.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def get(self, key: str) -> Path | None:
        """The cached document, marked as just used; ``None`` if there is none."""
        path = self.path(key)
        try:
            os.utime(path)
        except FileNotFoundError:
            return None
        return path

    async def get_or_make(self, key: str, make: Callable[[], Awaitable[bytes]]) -> Path:
        """The document under ``key``, made and stored first if missing; one making per key at a time."""
        cached = self.get(key)
        if cached is not None:
            return cached
        running = self._in_flight.get(key)
        if running is None:
            running = asyncio.ensure_future(self._make(key, make))
            self._in_flight[key] = running
            running.add_done_callback(lambda _done: self._in_flight.pop(key, None))
        return await asyncio.shield(running)

    async def _make(self, key: str, make: Callable[[], Awaitable[bytes]]) -> Path:
        pdf = await make()
        return await anyio.to_thread.run_sync(self.put, key, pdf)

    def prune(self, keep: Path | None = None) -> None:
        """Delete the least recently used documents until the cache fits ``max_bytes``."""
        files = []
        for path in self.folder.glob("[!.]*.pdf"):  # never a partial file being written
            try:
                files.append((path.stat().st_mtime, path.stat().st_size, path))
            except FileNotFoundError:
                continue
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            if path != keep:
                total -= size
                path.unlink(missing_ok=True)

    def put(self, key: str, pdf: bytes) -> Path:
        """Store ``pdf`` under ``key``: written to a temporary file, flushed, then renamed into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-", suffix=".pdf")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pdf)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(self.path(key))
            # The rename itself is durable only once the folder is synced.
            folder = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.prune(keep=self.path(key))
        return self.path(key)
