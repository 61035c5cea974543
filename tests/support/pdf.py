"""Reading PDFs back: metadata, structure, fonts, text, and glyphs that were never drawn.

Text extraction alone cannot prove a glyph was drawn: a character missing from every font is
shown as the .notdef glyph while the text layer still holds the character. The check reads the
content streams and, for every glyph shown with a CID font (also inside form XObjects such as
embedded SVG charts), looks it up in the embedded font program: glyph 0, a glyph the subset does
not contain, and a glyph named .notdef all count as missing.
"""

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

_SHOW_TEXT = {b"Tj", b"'", b'"'}


@dataclass
class PdfFacts:
    title: str | None
    author: str | None
    subject: str | None
    keywords: str | None
    language: str | None
    tagged: bool
    has_structure: bool
    pages: int
    text: str
    fonts: dict[str, bool] = field(default_factory=dict)
    notdef: int = 0
    outline: list[str] = field(default_factory=list)
    embedded_files: bool = False


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _glyph_ids(data: bytes) -> Iterator[int]:
    for index in range(0, len(data) - 1, 2):
        yield data[index] << 8 | data[index + 1]


def _present_glyphs(font: Any) -> set[int] | None:
    """CIDs the font's embedded program draws (``None`` when it is not a CID font)."""
    if font.get("/Subtype") != "/Type0":
        return None
    descendant = _resolve(font["/DescendantFonts"][0])
    descriptor = _resolve(descendant["/FontDescriptor"])
    program = next(_resolve(descriptor[key]) for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor)
    order = TTFont(io.BytesIO(program.get_data())).getGlyphOrder()
    if order and all(name.startswith("cid") for name in order[1:]):
        return {int(name[3:]) for name in order[1:]}
    return {cid for cid, name in enumerate(order) if cid and name != ".notdef"}


def _count_notdef(content: Any, resources: Any, reader: Any, seen: set[int], glyphs: dict[int, set[int] | None]) -> int:
    fonts = _resolve(resources.get("/Font", DictionaryObject())) or DictionaryObject()
    xobjects = _resolve(resources.get("/XObject", DictionaryObject())) or DictionaryObject()
    stream = ContentStream(content, reader)
    present: set[int] | None = None
    count = 0
    for operands, operator in stream.operations:
        if operator == b"Tf":
            reference = fonts.get(operands[0])
            key = reference.idnum if isinstance(reference, IndirectObject) else id(reference)
            if key not in glyphs:
                glyphs[key] = _present_glyphs(_resolve(reference))
            present = glyphs[key]
        elif present is not None and operator in _SHOW_TEXT:
            count += sum(cid not in present for cid in _glyph_ids(bytes(operands[-1].original_bytes)))
        elif present is not None and operator == b"TJ":
            for item in operands[0]:
                if hasattr(item, "original_bytes"):
                    count += sum(cid not in present for cid in _glyph_ids(bytes(item.original_bytes)))
        elif operator == b"Do":
            xobject = xobjects.get(operands[0])
            target = _resolve(xobject)
            if target is not None and target.get("/Subtype") == "/Form":
                key = xobject.idnum if isinstance(xobject, IndirectObject) else id(target)
                if key not in seen:
                    seen.add(key)
                    inner = _resolve(target.get("/Resources")) or resources
                    count += _count_notdef(target, inner, reader, seen, glyphs)
    return count


def _fonts(resources: Any, found: dict[str, bool], seen: set[int]) -> None:
    """Every font used under ``resources`` (forms included), and whether its program is embedded."""
    fonts = _resolve(resources.get("/Font")) or DictionaryObject()
    for reference in fonts.values():
        font = _resolve(reference)
        descendants = _resolve(font.get("/DescendantFonts"))
        for descendant in [_resolve(item) for item in descendants or []] or [font]:
            descriptor = _resolve(descendant.get("/FontDescriptor")) or DictionaryObject()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded or font.get("/Subtype") == "/Type3"
    xobjects = _resolve(resources.get("/XObject")) or DictionaryObject()
    for reference in xobjects.values():
        target = _resolve(reference)
        key = reference.idnum if isinstance(reference, IndirectObject) else id(target)
        if key not in seen and target.get("/Subtype") == "/Form" and target.get("/Resources"):
            seen.add(key)
            _fonts(_resolve(target.get("/Resources")), found, seen)


def read_pdf(pdf: bytes) -> PdfFacts:
    """What a reader of ``pdf`` can find out about it."""
    reader: Any = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    metadata = reader.metadata or {}
    glyphs: dict[int, set[int] | None] = {}
    notdef: int = sum(
        _count_notdef(page.get_contents(), page["/Resources"], reader, set(), glyphs)
        for page in reader.pages
        if page.get_contents() is not None
    )
    names = _resolve(root.get("/Names")) or {}
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        _fonts(page["/Resources"], fonts, set())
    return PdfFacts(
        title=metadata.get("/Title"),
        author=metadata.get("/Author"),
        subject=metadata.get("/Subject"),
        keywords=metadata.get("/Keywords"),
        language=str(root.get("/Lang")) if root.get("/Lang") else None,
        tagged=bool((_resolve(root.get("/MarkInfo")) or {}).get("/Marked")),
        has_structure="/StructTreeRoot" in root,
        pages=len(reader.pages),
        text="\n".join(page.extract_text() or "" for page in reader.pages),
        fonts=fonts,
        notdef=notdef,
        outline=[item.title for item in reader.outline if hasattr(item, "title")],
        embedded_files="/EmbeddedFiles" in names,
    )


def pdf_bytes_contain(pdf: bytes, needle: bytes) -> bool:
    """Whether ``needle`` occurs in ``pdf``, raw or inside any decompressed stream."""
    if needle in pdf:
        return True
    reader: Any = PdfReader(io.BytesIO(pdf))
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            item = reader.get_object(number)
        except Exception:  # noqa: BLE001 - object numbers are sparse
            continue
        data = getattr(item, "get_data", None)
        if data is not None:
            try:
                if needle in data():
                    return True
            except (ValueError, zlib.error):
                continue
    return False


def figure_alternatives(pdf: bytes) -> list[str]:
    """The alternative texts of every Figure in the PDF's structure tree."""
    reader: Any = PdfReader(io.BytesIO(pdf))
    found: list[str] = []

    def walk(node: Any) -> None:
        node = _resolve(node)
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, DictionaryObject):
            return
        if node.get("/S") == "/Figure" and "/Alt" in node:
            found.append(str(node["/Alt"]))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def text_positions(pdf: bytes, page_number: int) -> list[tuple[str, float]]:
    """Each text run on a page (from 1) with its horizontal position in points."""
    reader: Any = PdfReader(io.BytesIO(pdf))
    runs: list[tuple[str, float]] = []

    def visit(text: str, _cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip():
            runs.append((text, float(tm[4])))

    reader.pages[page_number - 1].extract_text(visitor_text=visit)
    return runs
