"""What documents are made from and as: the project's own assets, and the PDF variants.

Kept apart from the renderer, so that a web process that hands documents to rendering processes
never loads WeasyPrint.
"""

from pathlib import Path
from typing import Literal

ASSET_DIR = Path(__file__).resolve().parent.parent.parent / "pdf_templates" / "assets"
Variant = Literal["pdfua", "pdfa"]
