"""Translation files for translators: content translations exported and imported as XLIFF 2.0 and gettext PO.

Pure functions over :class:`TranslationFile`. Both formats round-trip exactly, whitespace, line breaks and
Unicode normalisation form included: ``from_xliff(to_xliff(f)) == f`` and ``from_po(to_po(f)) == f``.
"""

import io
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import unquote
from xml.etree import ElementTree

import msgspec
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, PoFileParser, write_po
from babel.util import TextWrapper
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from catalogue.localised import fingerprint
from i18n.locales import is_well_formed
from services.errors import CatalogueError

STATES = ("missing", "draft", "approved", "outdated")
_ID = re.compile(r"[a-z0-9_-]+(?:/[a-z0-9_-]+)*")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_REVISION = re.compile(r"[!-~]{1,100}")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
_SD = "urn:smart-denmark:catalogue"
_X, _IN_SD = f"{{{_XLIFF}}}", f"{{{_SD}}}"  # qualified names as ElementTree reads them
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SEGMENT_STATE = {"missing": "initial", "draft": "translated", "approved": "final", "outdated": "initial"}
_SEGMENT_STATES = ("initial", "translated", "reviewed", "final")
_NOTE_CATEGORY = "context"

_PO_HEADERS = ("X-Source-Language", "Language", "X-Catalogue-Revision")
_PO_MARKS = ("sd:state", "sd:fingerprint", "sd:note")
# The wrapping write_po applies to every comment, whatever its width argument.
_COMMENT_WRAPPER = TextWrapper(width=76, break_long_words=False)


class InvalidTranslationFile(CatalogueError):
    """A translation file that cannot be imported; ``problems`` say what is wrong and where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the translation file: " + "; ".join(problems[:5]))
        self.problems = problems


class TranslationUnit(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One field of one entry: its source text and its translation into the file's target locale."""

    id: str
    source_text: str
    target_text: str | None
    source_fingerprint: str
    state: str
    note: str | None = None

    def __post_init__(self) -> None:
        # Only units both formats carry exactly can exist, so every valid file round-trips.
        if not _ID.fullmatch(self.id):
            problem = "illegal characters in the unit id (only a-z, 0-9, _ and - between slashes)"
        elif not self.source_text.strip():
            problem = "empty source"
        elif not _FINGERPRINT.fullmatch(self.source_fingerprint):
            problem = f"fingerprint {self.source_fingerprint!r} is not 16 hex digits"
        elif self.state not in STATES:
            problem = f"unknown state {self.state!r}"
        elif self.target_text is not None and not self.target_text.strip():
            problem = "blank target; no translation is None"
        elif (self.state == "missing") != (self.target_text is None):
            problem = f"state {self.state!r} does not fit {'no' if self.target_text is None else 'a'} target"
        else:
            return
        raise ValueError(f"{self.id}: {problem}")


class TranslationFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The units of one translation job from ``source_locale`` into ``target_locale`` at a catalogue revision."""

    source_locale: str
    target_locale: str
    units: list[TranslationUnit]
    revision: str

    def __post_init__(self) -> None:
        names = ("source_locale", "target_locale", "revision")
        problems = _file_problems(names, self.source_locale, self.target_locale, self.revision, self.units)
        if problems:
            raise ValueError("; ".join(problems))


def stale_units(file: TranslationFile, current_fingerprints: dict[str, str]) -> list[str]:
    """Ids of units whose source changed in the catalogue since export, or which no longer exist, in file order."""
    return [unit.id for unit in file.units if current_fingerprints.get(unit.id) != unit.source_fingerprint]


def check_sources(file: TranslationFile) -> list[str]:
    """Ids of units whose source text does not match its recorded fingerprint: edited by the translator."""
    return [unit.id for unit in file.units if fingerprint(unit.source_text) != unit.source_fingerprint]


def to_xliff(file: TranslationFile) -> bytes:
    """The file as an XLIFF 2.0 document in UTF-8; raises ValueError for a character XML cannot carry (NUL…)."""
    # Namespaces go in as plain attributes: ElementTree's default_namespace refuses unprefixed attributes.
    languages = {"srcLang": file.source_locale, "trgLang": file.target_locale}
    root = ElementTree.Element("xliff", {"xmlns": _XLIFF, "xmlns:sd": _SD, "version": "2.0", **languages})
    body = ElementTree.SubElement(root, "file", {"id": "catalogue", "sd:revision": file.revision})
    for unit in file.units:
        for text in (unit.source_text, unit.target_text, unit.note):
            if text is not None and (bad := _NOT_XML.search(text)):
                raise ValueError(f"{unit.id}: XML cannot carry the character U+{ord(bad.group()):04X}")
        # Unit ids are NMTOKENs, which have no "/"; "." never occurs in ours.
        marks = {"sd:fingerprint": unit.source_fingerprint, "sd:state": unit.state}
        element = ElementTree.SubElement(body, "unit", {"id": unit.id.replace("/", "."), **marks})
        if unit.note is not None:
            notes = ElementTree.SubElement(element, "notes")
            ElementTree.SubElement(notes, "note", {"category": _NOTE_CATEGORY}).text = unit.note
        segment = ElementTree.SubElement(element, "segment", {"state": _SEGMENT_STATE[unit.state]})
        ElementTree.SubElement(segment, "source", {_XML_SPACE: "preserve"}).text = unit.source_text
        if unit.target_text is not None:
            ElementTree.SubElement(segment, "target", {_XML_SPACE: "preserve"}).text = unit.target_text
    ElementTree.indent(root)  # indents only elements with children, never source, target or note text
    document: bytes = ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)
    # Parsers turn a literal carriage return into a line feed; only a character reference survives.
    return document.replace(b"\r", b"&#13;")


def from_xliff(data: bytes) -> TranslationFile:
    """The file an XLIFF 2.0 document holds; raises InvalidTranslationFile naming every problem and its unit.

    DTDs and entities are refused before anything expands; inline codes are refused. A blank target is no
    translation. The state recorded in sd:state holds while the segment state is still the exported one;
    otherwise "final" means approved and any other segment state with a target means draft.
    """
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, LookupError) as error:  # LookupError: unknown encoding
        raise InvalidTranslationFile([f"not a well-formed XML document without DTD or entities: {error}"]) from None
    if root.tag != _X + "xliff" or root.get("version") != "2.0":
        raise InvalidTranslationFile([f"not an XLIFF 2.0 document: root {root.tag}, version {root.get('version')}"])
    files = root.findall(_X + "file")
    if len(files) != 1:
        raise InvalidTranslationFile([f"expected one <file>, found {len(files)}"])
    problems: list[str] = []
    units = [_xliff_unit(element, position, problems) for position, element in enumerate(files[0].iter(_X + "unit"))]
    values = root.get("srcLang", ""), root.get("trgLang", ""), files[0].get(_IN_SD + "revision", "")
    return _checked_file(("srcLang", "trgLang", "sd:revision on <file>"), values, units, problems)


def to_po(file: TranslationFile) -> bytes:
    """The file as a gettext PO catalogue in UTF-8: msgctxt is the unit id, drafts and outdated are fuzzy."""
    catalog = _Catalog(dict(zip(_PO_HEADERS, (file.source_locale, file.target_locale, file.revision), strict=True)))
    catalog.header_comment = (
        f"# Smart Denmark catalogue: translations from {file.source_locale} into {file.target_locale}.\n"
        "# Translate msgstr only; keep msgctxt, msgid and the #. sd: lines as they are."
    )
    for unit in file.units:
        lines = [] if unit.note is None else unit.note.split("\n")
        # PO has no place for state and fingerprint, and write_po rewraps comments: the sd: line keeps them.
        marks = [f"sd:state={unit.state} sd:fingerprint={unit.source_fingerprint}"]
        if not all(line == line.strip() and _COMMENT_WRAPPER.wrap(line) == [line] for line in lines):
            marks.append(f"sd:note={_quote(unit.note or '')}")
        flags = ["fuzzy"] if unit.state in {"draft", "outdated"} else []
        message = catalog.add(
            unit.source_text, unit.target_text or "", [], flags, marks, lines if unit.note else [], context=unit.id
        )
        # Babel guesses format flags from the text; ours is prose, and tools would check it as code.
        message.flags -= {"python-format", "python-brace-format"}
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, no_location=True)
    return buffer.getvalue()


def from_po(data: bytes) -> TranslationFile:
    """The file a UTF-8 PO catalogue holds; raises InvalidTranslationFile naming every problem and its unit.

    A blank msgstr is no translation. A translation without the fuzzy flag is approved, as in gettext; a
    fuzzy one keeps the recorded draft or outdated state, or else is a draft. Obsolete entries are ignored.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidTranslationFile([f"not UTF-8 text: {error}"]) from None
    catalog = _Catalog()
    try:
        # Not read_po: it builds a plain Catalog, which drops the X- headers.
        PoFileParser(catalog, ignore_obsolete=True, abort_invalid=True).parse(text.split("\n"))
    except (PoFileError, ValueError) as error:
        raise InvalidTranslationFile([f"unreadable PO file: {error}"]) from None
    problems = [f"{key}: entry repeated" for key in catalog.repeated]
    units = [_po_unit(message, problems) for message in catalog if message.id]
    headers = {name.lower(): value.strip() for name, value in catalog.headers.items()}
    values = tuple(headers.get(name.lower(), "") for name in _PO_HEADERS)
    return _checked_file(tuple(f"header {name}" for name in _PO_HEADERS), values, units, problems)


class _Catalog(Catalog):
    """Babel's catalogue, also writing and keeping the headers Babel does not know, and noting repeated entries."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        self.headers = headers or {}
        self.repeated: list[str] = []
        super().__init__(project="smart-denmark-catalogue", charset="utf-8", fuzzy=False)

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        babel = super()._get_mime_headers()
        # Babel's last field ends the header with a newline; a field after it would be read as body.
        return [*babel[:-1], *self.headers.items(), *babel[-1:]]

    def _set_mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        self.headers = dict(headers)

    mime_headers = property(_get_mime_headers, _set_mime_headers)

    def __setitem__(self, msgid: str | tuple[str, ...] | list[str], message: Message) -> None:
        if message.id and self.get(msgid, message.context) is not None:
            self.repeated.append(message.context or str(message.id))
        super().__setitem__(msgid, message)


def _file_problems(
    names: tuple[str, ...], source: str, target: str, revision: str, units: Iterable[TranslationUnit]
) -> list[str]:
    problems = [f"{name} missing" for name, value in zip(names, (source, target, revision), strict=True) if not value]
    for name, tag in ((names[0], source), (names[1], target)):
        if tag and not is_well_formed(tag):
            problems.append(f"{name} {tag!r} is not a language tag")
    if source and source == target:
        problems.append(f"{names[0]} and {names[1]} are both {source!r}")
    if revision and not _REVISION.fullmatch(revision):
        problems.append(f"{names[2]} {revision!r} is not 1-100 visible ASCII characters")
    repeated = Counter(unit.id for unit in units)
    return problems + [f"{unit_id}: duplicate unit id" for unit_id, count in repeated.items() if count > 1]


def _checked_file(
    names: tuple[str, ...], values: tuple[str, ...], units: list[TranslationUnit | None], problems: list[str]
) -> TranslationFile:
    (source, target, revision), kept = values, [unit for unit in units if unit]
    problems += _file_problems(names, source, target, revision, kept)
    if problems:
        raise InvalidTranslationFile(problems)
    return TranslationFile(source_locale=source, target_locale=target, units=kept, revision=revision)


def _unit(
    problems: list[str],
    unit_id: str,
    texts: tuple[str, str | None, str | None],
    recorded_print: str,
    recorded: str,
    as_exported: bool,
    final: bool,
) -> TranslationUnit | None:
    source, target, note = texts
    target = target if target and target.strip() else None
    if target is None:
        state = "missing"
    elif as_exported and recorded in {"draft", "approved", "outdated"}:
        state = recorded  # the format alone cannot tell outdated from draft, nor draft from missing
    else:
        state = "approved" if final else "draft"
    try:
        return TranslationUnit(
            id=unit_id,
            source_text=source,
            target_text=target,
            source_fingerprint=recorded_print,
            state=state,
            note=note,
        )
    except ValueError as error:
        problems.append(str(error))
        return None


def _xliff_unit(element: ElementTree.Element, position: int, problems: list[str]) -> TranslationUnit | None:
    xliff_id, before = element.get("id"), len(problems)
    unit_id = (xliff_id or "").replace(".", "/")
    if not xliff_id or "/" in xliff_id or not _ID.fullmatch(unit_id):
        problems.append(
            f"{xliff_id}: illegal characters in the unit id" if xliff_id else f"unit #{position + 1} has no id"
        )
        return None
    recorded, source_fingerprint = element.get(_IN_SD + "state", ""), element.get(_IN_SD + "fingerprint")
    if source_fingerprint is None:
        problems.append(f"{unit_id}: fingerprint missing (sd:fingerprint)")
    if recorded and recorded not in STATES:
        problems.append(f"{unit_id}: unknown sd:state {recorded!r}")
    segments = element.findall(_X + "segment")
    if len(segments) != 1 or element.find(_X + "ignorable") is not None:
        problems.append(f"{unit_id}: expected one <segment> and no <ignorable>, found {len(segments)} segments")
        return None
    segment_state = segments[0].get("state", "initial")
    if segment_state not in _SEGMENT_STATES:
        problems.append(f"{unit_id}: unknown segment state {segment_state!r}")
    if (source_element := segments[0].find(_X + "source")) is None:
        problems.append(f"{unit_id}: missing <source>")
    source = _plain_text(source_element, unit_id, problems)
    target = _plain_text(segments[0].find(_X + "target"), unit_id, problems)
    if len(problems) > before or source is None or source_fingerprint is None:
        return None
    notes = element.iterfind(f"{_X}notes/{_X}note[@category='{_NOTE_CATEGORY}']")
    note = next((note.text or "" for note in notes), None)
    texts, as_exported = (source, target, note), segment_state == _SEGMENT_STATE.get(recorded)
    return _unit(problems, unit_id, texts, source_fingerprint, recorded, as_exported, final=segment_state == "final")


def _plain_text(element: ElementTree.Element | None, unit_id: str, problems: list[str]) -> str | None:
    if element is None:
        return None
    if len(element):
        inline = ", ".join(sorted({f"<{child.tag.rpartition('}')[2]}>" for child in element}))
        where = element.tag.rpartition("}")[2]
        problems.append(f"{unit_id}: inline codes {inline} in <{where}>; only plain text is supported")
        return None
    return element.text or ""


def _po_unit(message: Message, problems: list[str]) -> TranslationUnit | None:
    unit_id, before = message.context, len(problems)
    if unit_id is None or not isinstance(message.id, str) or not isinstance(message.string, str):
        problems.append(f"msgid {message.id!r}: plural, or no msgctxt (the unit id)")
        return None
    marks: dict[str, str] = {}
    for token in " ".join(message.auto_comments).split():
        key, equals, value = token.partition("=")
        if key.startswith("sd:") and (not equals or key in marks or key not in _PO_MARKS):
            problems.append(f"{unit_id}: unreadable or repeated sd: comment {token!r}")
        elif key.startswith("sd:"):
            marks[key] = value
    problems += [f"{unit_id}: {key} comment missing" for key in _PO_MARKS[:2] if key not in marks]
    recorded = marks.get("sd:state", "missing")
    if recorded not in STATES:
        problems.append(f"{unit_id}: unknown sd:state {recorded!r}")
    note = "\n".join(message.user_comments) or None
    if "sd:note" in marks:
        try:
            note = unquote(marks["sd:note"], errors="strict")
        except UnicodeDecodeError:
            problems.append(f"{unit_id}: sd:note is not percent-encoded UTF-8")
    if len(problems) > before:
        return None
    texts, as_exported = (message.id, message.string, note), message.fuzzy == (recorded in {"draft", "outdated"})
    return _unit(problems, unit_id, texts, marks["sd:fingerprint"], recorded, as_exported, final=not message.fuzzy)


def _quote(text: str) -> str:
    # Comments are wrapped at whitespace and "--" and stripped on reading: percent-encode what that touches.
    return re.sub(r"[%\s-]", lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()), text)
