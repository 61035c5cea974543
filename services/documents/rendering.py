"""PDF rendering with WeasyPrint, fetching nothing but the project's own assets.

The URL fetcher is the only way WeasyPrint reaches anything outside the HTML it is given. It
serves ``asset:NAME`` from :data:`ASSET_DIR` and ``generated:NAME`` from the images made for the
document (charts, QR code), and refuses everything else: other schemes, ``file:`` paths, any
network address, and so any redirect. A document that asked for anything refused is not
delivered.
"""

import mimetypes
from collections.abc import Mapping
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from services.documents.assets import ASSET_DIR, Variant

_PDF_VARIANTS: dict[Variant, str] = {"pdfua": "pdf/ua-1", "pdfa": "pdf/a-3b"}


class RefusedFetchError(ValueError):
    """A document asked for something outside its own assets."""


class OwnAssetsFetcher(URLFetcher):  # type: ignore[misc]
    """Serves project assets and the document's generated images; refuses everything else."""

    def __init__(self, generated: Mapping[str, bytes]) -> None:
        super().__init__(allowed_protocols=("asset", "generated"), allow_redirects=False)
        self.generated = generated
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme, _, name = url.partition(":")
        body: bytes | None = None
        if scheme == "generated":
            body = self.generated.get(name)
        elif scheme == "asset":
            path = (ASSET_DIR / name).resolve()
            if path.is_relative_to(ASSET_DIR) and path.is_file():
                body = path.read_bytes()
        if body is None:
            self.refused.append(url)
            msg = f"documents may only use their own assets, not {url!r}"
            raise RefusedFetchError(msg)
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


def render_with_fetcher(html: str, fetcher: OwnAssetsFetcher, variant: Variant = "pdfua") -> bytes:
    """``html`` as a PDF without attachments, whatever ``fetcher`` refused (which it records)."""
    document = HTML(string=html, base_url="asset:", url_fetcher=fetcher).render()
    # Documents carry no files: attachments (<link rel=attachment>, <a rel=attachment>) are
    # dropped before writing, which is when they would be fetched.
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    # PDF/A documents are tagged too, so that every variant is accessible.
    pdf: bytes = document.write_pdf(pdf_variant=_PDF_VARIANTS[variant], pdf_tags=True)
    return pdf


def render_pdf(html: str, generated: Mapping[str, bytes], variant: Variant = "pdfua") -> bytes:
    """``html`` as a tagged PDF (PDF/UA-1), or as PDF/A-3b for ``variant="pdfa"``.

    Raises :class:`RefusedFetchError` when the document asked for anything but its own assets.
    """
    fetcher = OwnAssetsFetcher(generated)
    pdf = render_with_fetcher(html, fetcher, variant)
    if fetcher.refused:
        msg = f"the document asked for {', '.join(fetcher.refused)}"
        raise RefusedFetchError(msg)
    return pdf
