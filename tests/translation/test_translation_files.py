"""Translation files: exact XLIFF 2.0 and PO round trips, safe parsing, and the problems an import reports."""

import random
import re
import unicodedata
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from babel.messages.pofile import read_po
from defusedxml.ElementTree import fromstring

from catalogue.localised import fingerprint
from services.errors import CatalogueError
from services.translation.translation_files import (
    STATES,
    InvalidTranslationFile,
    TranslationFile,
    TranslationUnit,
    check_sources,
    from_po,
    from_xliff,
    stale_units,
    to_po,
    to_xliff,
)

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
SD = "urn:smart-denmark:catalogue"
X = f"{{{XLIFF}}}"
NFD = unicodedata.normalize("NFD", "Tårnby Kommune: Skybrudsplan for Køge Å")

TRICKY = [
    "Skybrudsplan\n\nTo afsnit med en tom linje imellem.\n\n",
    "  leading and trailing spaces  ",
    "\ttabs\tinside\tand at the ends\t",
    "<b>no markup</b> & &amp; \"double\" 'single' \\backslash\\ \\n \\t literal backslash escapes",
    "%s %d %(name)s {name} {0} {{braces}} %% 100%",
    "城市暴雨管理计划：哥本哈根",
    "都市の豪雨対策計画、コペンハーゲン",
    "도시 폭우 관리 계획 — 코펜하겐",
    "\u200fخطة إدارة الأمطار الغزيرة في كوبنهاغن\u200f \u202bRTL\u202c",
    "Regn 🌧️, familie 👩\u200d👩\u200d👧 og flag 🇩🇰",
    NFD,
    "carriage\r\nreturns\rkept",
    "line\u2028separator, paragraph\u2029separator and next-line\x85",
    "-- dashes -- and -- % signs --",
    "]]> <![CDATA[ not a section ]]>",
    '#, fuzzy\nmsgid "not an entry"\nsd:state=approved',
    "x" * 500 + " a long line that must not be wrapped " + "y" * 300,
]
NOTES = [
    None,
    "Solution: Skybrudsplan\nField: summary\nGlossary: skybrud = cloudburst",
    "",
    "  indented\n\nblank line above, tab\there, trailing space ",
    "A long note " + "that keeps going " * 10 + "and has -- dashes and 50% of everything.",
    "Kort note",
]


def unit(unit_id: str, source: str, target: str | None, state: str, note: str | None = None) -> TranslationUnit:
    return TranslationUnit(
        id=unit_id,
        source_text=source,
        target_text=target,
        source_fingerprint=fingerprint(source),
        state=state,
        note=note,
    )


def tricky_file() -> TranslationFile:
    units = []
    for index, source in enumerate(TRICKY):
        state = STATES[index % len(STATES)]
        target = None if state == "missing" else TRICKY[-1 - index]
        units.append(unit(f"solution/tricky-{index}/summary", source, target, state, NOTES[index % len(NOTES)]))
    # The same source text in two fields stays two units.
    units.append(unit("case/copenhagen/outcome/2/label", "Skybrud", "Cloudburst", "approved", "Outcome label"))
    units.append(unit("case/copenhagen/outcome/3/label", "Skybrud", None, "missing"))
    return TranslationFile(source_locale="da", target_locale="en", units=units, revision="1234")


def simple_file() -> TranslationFile:
    return TranslationFile(
        source_locale="da",
        target_locale="de",
        revision="7",
        units=[
            unit("solution/a/summary", "Skybrud", None, "missing", "Solution A"),
            unit("solution/b/summary", "Regnvand", "Regenwasser", "draft"),
            unit("solution/c/summary", "Grønne tage", "Gründächer", "approved"),
            unit("solution/d/summary", "Vandhåndtering", "Wasser", "outdated"),
        ],
    )


@pytest.mark.parametrize(("write", "read"), [(to_xliff, from_xliff), (to_po, from_po)], ids=["xliff", "po"])
def test_tricky_content_round_trips_exactly(
    write: Callable[[TranslationFile], bytes], read: Callable[[bytes], TranslationFile]
) -> None:
    original = tricky_file()
    restored = read(write(original))
    for before, after in zip(original.units, restored.units, strict=True):
        assert after == before
    assert restored == original
    assert unicodedata.is_normalized("NFD", restored.units[TRICKY.index(NFD)].source_text)
    assert not unicodedata.is_normalized("NFC", restored.units[TRICKY.index(NFD)].source_text)


HAZARDS = [
    *"abcxyzæøåÆØÅ0123456789 .,;:!?()[]",
    *["  ", "\t", "\n", "\n\n", "\r", "\r\n", "<", ">", "&", "&amp;", "&#13;", '"', "'", "\\", "\\n", "\\\\"],
    *["%s", "%(name)s", "{name}", "{0}", "%", "%20", "--", "-", "#", "#.", "msgid ", 'msgstr ""', "sd:note="],
    *["]]>", "<!--", "城", "市", "の", "雨", "한", "국", "خطة", "\u200f", "\u200e", "\u202b", "\u202c"],
    *["🌧", "👩\u200d👩\u200d👧", "🇩🇰", "e\u0301", "a\u030a", "o\u0308", "\u00a0", "\u2028", "\u2029", "\x85"],
    *["\u3000", "\ufeff", "\x0b", "\x0c", "\x1c"],
]


def random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(HAZARDS) for _ in range(rng.randint(0, longest)))


def random_file(seed: int, size: int = 200) -> TranslationFile:
    rng = random.Random(seed)
    units = []
    for index in range(size):
        source = random_text(rng, 40)
        source = source if source.strip() else source + "Skybrud"
        state = rng.choice(STATES)
        target = None
        if state != "missing":
            target = random_text(rng, 40)
            target = target if target.strip() else "Cloudburst" + target
        note = rng.choice([None, "", random_text(rng, 60)])
        units.append(unit(f"solution/s-{index}/field_{rng.randint(0, 3)}", source, target, state, note))
    return TranslationFile(
        source_locale="da", target_locale=rng.choice(["en", "zh", "ar"]), units=units, revision=str(seed)
    )


def xml_safe(file: TranslationFile) -> TranslationFile:
    """The file without the characters XML 1.0 cannot carry (PO can)."""

    def clean(text: str) -> str:
        return re.sub("[\x0b\x0c\x1c]", "?", text)

    units = [
        unit(
            item.id,
            clean(item.source_text),
            item.target_text and clean(item.target_text),
            item.state,
            item.note and clean(item.note),
        )
        for item in file.units
    ]
    return TranslationFile(
        source_locale=file.source_locale, target_locale=file.target_locale, units=units, revision=file.revision
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_hazardous_units_round_trip_in_both_formats(seed: int) -> None:
    original = random_file(seed)
    assert from_po(to_po(original)) == original
    safe = xml_safe(original)
    assert from_xliff(to_xliff(safe)) == safe
    assert len(original.units) == 200


def test_xliff_output_is_structurally_valid_xliff_2() -> None:
    data = to_xliff(simple_file())
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = fromstring(data)
    assert root.tag == f"{X}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "da", "de")
    (file,) = root.findall(f"{X}file")
    assert (file.get("id"), file.get(f"{{{SD}}}revision")) == ("catalogue", "7")
    units = file.findall(f"{X}unit")
    assert [element.get("id") for element in units] == [f"solution.{name}.summary" for name in "abcd"]
    for element in units:
        assert re.fullmatch(r"[\w.:-]+", element.get("id", "")), "unit ids are NMTOKENs"
        assert [child.tag for child in element][-1] == f"{X}segment", "notes come before the segment"
        (segment,) = element.findall(f"{X}segment")
        source = segment.find(f"{X}source")
        assert source is not None
        assert source.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    summary = {
        element.get("id"): (
            element.get(f"{{{SD}}}state"),
            segment_of(root, element.get("id", "")).get("state"),
            element.find(f"{X}segment/{X}target") is not None,
            element.get(f"{{{SD}}}fingerprint"),
        )
        for element in units
    }
    assert summary == {
        "solution.a.summary": ("missing", "initial", False, fingerprint("Skybrud")),
        "solution.b.summary": ("draft", "translated", True, fingerprint("Regnvand")),
        "solution.c.summary": ("approved", "final", True, fingerprint("Grønne tage")),
        "solution.d.summary": ("outdated", "initial", True, fingerprint("Vandhåndtering")),
    }
    note = units[0].find(f"{X}notes/{X}note")
    assert note is not None
    assert (note.get("category"), note.text) == ("context", "Solution A")


def test_po_output_has_context_flags_headers_and_no_format_flags() -> None:
    data = to_po(tricky_file())
    text = data.decode()
    assert "python-format" not in text
    assert "python-brace-format" not in text
    assert '"Language: en\\n"' in text
    assert '"X-Source-Language: da\\n"' in text
    assert '"X-Catalogue-Revision: 1234\\n"' in text
    assert 'msgctxt "solution/tricky-4/summary"\nmsgid "%s %d %(name)s {name} {0} {{braces}} %% 100%"' in text
    assert f"#. sd:state=draft sd:fingerprint={fingerprint(TRICKY[1])}\n#, fuzzy\n" in text
    assert f'msgid "{TRICKY[-1]}"' in text, "long lines are not wrapped"
    catalog = read_po(text.splitlines())  # plain Babel reads it too
    fuzzy = {message.context for message in catalog if message.fuzzy}
    drafts_and_outdated = {item.id for item in tricky_file().units if item.state in {"draft", "outdated"}}
    assert fuzzy == drafts_and_outdated
    assert catalog.get("Skybrud", context="case/copenhagen/outcome/2/label").string == "Cloudburst"  # type: ignore[union-attr]


def test_simple_notes_are_plain_translator_comments() -> None:
    text = to_po(tricky_file()).decode()
    assert "# Solution: Skybrudsplan\n# Field: summary\n# Glossary: skybrud = cloudburst\n#. sd:state=draft" in text
    assert "#. sd:note=%20%20indented%0A%0Ablank%20line%20above" in text


LOL = "".join(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)).replace("&lol0;", "lol")
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE xliff [{LOL}]>
<xliff xmlns="{XLIFF}" xmlns:sd="{SD}" version="2.0" srcLang="da" trgLang="en"><file id="catalogue" sd:revision="1">
<unit id="solution.a.summary" sd:fingerprint="{fingerprint("lol")}"><segment><source>&lol9;</source></segment></unit>
</file></xliff>""".encode()
EXTERNAL_ENTITY = f"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<xliff xmlns="{XLIFF}" xmlns:sd="{SD}" version="2.0" srcLang="da" trgLang="en"><file id="catalogue" sd:revision="1">
<unit id="solution.a.summary" sd:fingerprint="{fingerprint("x")}"><segment><source>&x;</source></segment></unit>
</file></xliff>""".encode()
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]><xliff/>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY], ids=["laughs", "xxe", "pe"])
def test_entity_attacks_are_refused_without_expanding(document: bytes) -> None:
    with pytest.raises(InvalidTranslationFile) as caught:
        from_xliff(document)
    (problem,) = caught.value.problems
    assert "Forbidden" in problem, "defusedxml refused it, not a parser limit"
    assert "lollol" not in problem
    assert "root:" not in problem


def test_an_undeclared_entity_is_refused() -> None:
    with pytest.raises(InvalidTranslationFile, match="not a well-formed XML"):
        from_xliff(BILLION_LAUGHS.replace(f"<!DOCTYPE xliff [{LOL}]>".encode(), b""))


def xliff_document(units: str, root: str = 'version="2.0" srcLang="da" trgLang="en"', revision: str = "7") -> bytes:
    file_attributes = f'sd:revision="{revision}"' if revision else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><xliff xmlns="{XLIFF}" xmlns:sd="{SD}" {root}>'
        f'<file id="catalogue" {file_attributes}>{units}</file></xliff>'
    ).encode()


def xliff_unit(unit_id: str = "solution.a.summary", segment: str = "<source>Skybrud</source>", extra: str = "") -> str:
    identity = f'id="{unit_id}"' if unit_id else ""
    return f'<unit {identity} sd:fingerprint="{fingerprint("Skybrud")}" {extra}><segment>{segment}</segment></unit>'


MALFORMED_XLIFF = {
    "not xml": (b"this is not < xml", "not a well-formed XML document"),
    "xliff 1.2": (
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file/></xliff>',
        "not an XLIFF 2.0 document",
    ),
    "version": (xliff_document(xliff_unit(), 'version="2.1" srcLang="da" trgLang="en"'), "not an XLIFF 2.0 document"),
    "root": (f'<xliffs xmlns="{XLIFF}" version="2.0"/>'.encode(), "not an XLIFF 2.0 document"),
    "no srcLang": (xliff_document(xliff_unit(), 'version="2.0" trgLang="en"'), "srcLang missing"),
    "no trgLang": (xliff_document(xliff_unit(), 'version="2.0" srcLang="da"'), "trgLang missing"),
    "no revision": (xliff_document(xliff_unit(), revision=""), "sd:revision on <file> missing"),
    "no id": (xliff_document(xliff_unit("")), "unit #1 has no id"),
    "duplicate": (xliff_document(xliff_unit() + xliff_unit()), "solution/a/summary: duplicate unit id"),
    "capitals": (xliff_document(xliff_unit("Solution.A")), "Solution.A: illegal characters in the unit id"),
    "slash": (xliff_document(xliff_unit("solution/a")), "solution/a: illegal characters in the unit id"),
    "no source": (
        xliff_document(xliff_unit(segment="<target>Cloudburst</target>")),
        "solution/a/summary: missing <source>",
    ),
    "empty source": (xliff_document(xliff_unit(segment="<source>  </source>")), "solution/a/summary: empty source"),
    "inline source": (
        xliff_document(xliff_unit(segment='<source>Sky<pc id="1">brud</pc></source>')),
        "solution/a/summary: inline codes <pc> in <source>",
    ),
    "inline target": (
        xliff_document(xliff_unit(segment='<source>Skybrud</source><target>Cloud<ph id="1"/>burst</target>')),
        "solution/a/summary: inline codes <ph> in <target>",
    ),
    "no fingerprint": (
        xliff_document(xliff_unit().replace(f'sd:fingerprint="{fingerprint("Skybrud")}"', "")),
        "solution/a/summary: fingerprint missing",
    ),
    "bad fingerprint": (
        xliff_document(xliff_unit().replace(fingerprint("Skybrud"), "not-hex")),
        "solution/a/summary: fingerprint 'not-hex' is not 16 hex digits",
    ),
    "sd:state": (xliff_document(xliff_unit(extra='sd:state="done"')), "solution/a/summary: unknown sd:state 'done'"),
    "segment state": (
        xliff_document(xliff_unit().replace("<segment>", '<segment state="signed-off">')),
        "solution/a/summary: unknown segment state 'signed-off'",
    ),
    "two segments": (
        xliff_document(xliff_unit(segment="<source>Sky</source></segment><segment><source>brud</source>")),
        "solution/a/summary: expected one <segment>",
    ),
}


@pytest.mark.parametrize(("document", "expected"), MALFORMED_XLIFF.values(), ids=MALFORMED_XLIFF.keys())
def test_malformed_xliff_is_refused_naming_the_problem(document: bytes, expected: str) -> None:
    with pytest.raises(InvalidTranslationFile) as caught:
        from_xliff(document)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems
    assert isinstance(caught.value, CatalogueError)


def test_the_template_for_malformed_xliff_is_itself_valid() -> None:
    (read,) = from_xliff(xliff_document(xliff_unit())).units
    assert read == unit("solution/a/summary", "Skybrud", None, "missing")


def test_every_problem_of_an_xliff_file_is_reported_at_once() -> None:
    units = xliff_unit("solution.a.summary", "<source>a<pc/></source>") + xliff_unit("solution.b.summary", "")
    with pytest.raises(InvalidTranslationFile) as caught:
        from_xliff(xliff_document(units, 'version="2.0" srcLang="da"'))
    assert caught.value.problems == [
        "solution/a/summary: inline codes <pc> in <source>; only plain text is supported",
        "solution/b/summary: missing <source>",
        "trgLang missing",
    ]


def edited_xliff(edit: Callable[[ElementTree.Element], None]) -> bytes:
    root = ElementTree.fromstring(to_xliff(simple_file()))
    edit(root)
    data: bytes = ElementTree.tostring(root, encoding="UTF-8")
    return data  # other prefixes than ours, as a tool might write


def segment_of(root: ElementTree.Element, unit_id: str) -> ElementTree.Element:
    segment = root.find(f".//{X}unit[@id='{unit_id}']/{X}segment")
    assert segment is not None
    return segment


def test_xliff_states_follow_what_the_translator_did() -> None:
    def translate(root: ElementTree.Element) -> None:
        missing = segment_of(root, "solution.a.summary")
        ElementTree.SubElement(missing, f"{X}target").text = "Wolkenbruch"
        segment_of(root, "solution.b.summary").set("state", "final")
        segment_of(root, "solution.c.summary").set("state", "translated")

    states = {item.id: (item.state, item.target_text) for item in from_xliff(edited_xliff(translate)).units}
    assert states == {
        "solution/a/summary": ("draft", "Wolkenbruch"),
        "solution/b/summary": ("approved", "Regenwasser"),
        "solution/c/summary": ("draft", "Gründächer"),
        "solution/d/summary": ("outdated", "Wasser"),
    }

    def finalise(root: ElementTree.Element) -> None:
        ElementTree.SubElement(segment_of(root, "solution.a.summary"), f"{X}target").text = "Wolkenbruch"
        segment_of(root, "solution.a.summary").set("state", "final")
        segment_of(root, "solution.d.summary").set("state", "final")

    finals = {item.id: item.state for item in from_xliff(edited_xliff(finalise)).units}
    assert finals["solution/a/summary"] == finals["solution/d/summary"] == "approved"


def test_a_blank_xliff_target_is_no_translation() -> None:
    def blank(root: ElementTree.Element) -> None:
        target = segment_of(root, "solution.b.summary").find(f"{X}target")
        assert target is not None
        target.text = " \n\t "
        segment_of(root, "solution.c.summary").find(f"{X}target").text = None  # type: ignore[union-attr]

    units = {item.id: item for item in from_xliff(edited_xliff(blank)).units}
    assert (units["solution/b/summary"].target_text, units["solution/b/summary"].state) == (None, "missing")
    assert (units["solution/c/summary"].target_text, units["solution/c/summary"].state) == (None, "missing")


def po_edit(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    text = data.decode()
    assert text.count(old) >= count, f"{old!r} not in the PO file"
    return text.replace(old, new, count).encode()


def test_po_states_follow_what_the_translator_did() -> None:
    data = to_po(simple_file())
    data = po_edit(data, 'msgid "Skybrud"\nmsgstr ""', 'msgid "Skybrud"\nmsgstr "Wolkenbruch"')
    data = po_edit(data, '#, fuzzy\nmsgctxt "solution/b/summary"', 'msgctxt "solution/b/summary"')
    data = po_edit(data, 'msgctxt "solution/c/summary"', '#, fuzzy\nmsgctxt "solution/c/summary"')
    states = {item.id: (item.state, item.target_text) for item in from_po(data).units}
    assert states == {
        "solution/a/summary": ("approved", "Wolkenbruch"),
        "solution/b/summary": ("approved", "Regenwasser"),
        "solution/c/summary": ("draft", "Gründächer"),
        "solution/d/summary": ("outdated", "Wasser"),
    }
    blank = po_edit(to_po(simple_file()), 'msgstr "Gründächer"', 'msgstr "   "')
    assert [item.state for item in from_po(blank).units] == ["missing", "draft", "missing", "outdated"]


def test_po_tolerates_crlf_a_bom_and_obsolete_entries() -> None:
    data = to_po(simple_file()) + b'#~ msgctxt "solution/old/summary"\n#~ msgid "Gammel"\n#~ msgstr "Alt"\n'
    assert from_po(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")) == simple_file()


SD_A = f"#. sd:state=missing sd:fingerprint={fingerprint('Skybrud')}\n"
MALFORMED_PO: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "not utf-8": (lambda data: data.replace("Gründächer".encode(), "Gründächer".encode("latin-1")), "not UTF-8 text"),
    "unreadable": (lambda data: data + b'\nmsgid "x"\nnonsense here\n', "unreadable PO file"),
    "no Language": (lambda data: po_edit(data, '"Language: de\\n"\n', ""), "header Language missing"),
    "no X-Source-Language": (
        lambda data: po_edit(data, '"X-Source-Language: da\\n"\n', ""),
        "header X-Source-Language missing",
    ),
    "no X-Catalogue-Revision": (
        lambda data: po_edit(data, '"X-Catalogue-Revision: 7\\n"\n', ""),
        "header X-Catalogue-Revision missing",
    ),
    "no sd comment": (lambda data: po_edit(data, SD_A, ""), "solution/a/summary: sd:state comment missing"),
    "no fingerprint": (
        lambda data: po_edit(data, SD_A, "#. sd:state=missing\n"),
        "solution/a/summary: sd:fingerprint comment missing",
    ),
    "bad state": (
        lambda data: po_edit(data, "sd:state=missing", "sd:state=done"),
        "solution/a/summary: unknown sd:state 'done'",
    ),
    "bad fingerprint": (
        lambda data: po_edit(data, fingerprint("Skybrud"), "abc"),
        "solution/a/summary: fingerprint 'abc' is not 16 hex digits",
    ),
    "repeated mark": (
        lambda data: po_edit(data, SD_A, SD_A + "#. sd:state=draft\n"),
        "solution/a/summary: unreadable or repeated sd: comment 'sd:state=draft'",
    ),
    "bad note": (
        lambda data: po_edit(data, SD_A, SD_A + "#. sd:note=%FF\n"),
        "solution/a/summary: sd:note is not percent-encoded UTF-8",
    ),
    "duplicate context": (
        lambda data: po_edit(data, 'msgctxt "solution/b/summary"', 'msgctxt "solution/a/summary"'),
        "solution/a/summary: duplicate unit id",
    ),
    "repeated entry": (
        lambda data: data + data.decode().split("\n\n")[1].encode() + b"\n",
        "solution/a/summary: entry repeated",
    ),
    "no context": (lambda data: po_edit(data, 'msgctxt "solution/a/summary"\n', ""), "msgid 'Skybrud': plural, or no"),
    "plural": (
        lambda data: po_edit(
            data, 'msgid "Skybrud"\nmsgstr ""', 'msgid "Skybrud"\nmsgid_plural "Skybrud"\nmsgstr[0] ""'
        ),
        "plural, or no msgctxt",
    ),
    "illegal id": (
        lambda data: po_edit(data, 'msgctxt "solution/a/summary"', 'msgctxt "Solution A"'),
        "Solution A: illegal characters in the unit id",
    ),
}


@pytest.mark.parametrize(("damage", "expected"), MALFORMED_PO.values(), ids=MALFORMED_PO.keys())
def test_malformed_po_is_refused_naming_the_problem(damage: Callable[[bytes], bytes], expected: str) -> None:
    data = to_po(simple_file())
    assert from_po(data) == simple_file()
    with pytest.raises(InvalidTranslationFile) as caught:
        from_po(damage(data))
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_a_translator_edited_source_is_detected() -> None:
    original = simple_file()
    assert check_sources(original) == []
    xliff = to_xliff(original).replace(b">Regnvand<", b">Regnvand!<")
    assert check_sources(from_xliff(xliff)) == ["solution/b/summary"]
    po = po_edit(to_po(original), 'msgid "Grønne tage"', 'msgid "Grønne tag"')
    assert check_sources(from_po(po)) == ["solution/c/summary"]


def test_stale_units_are_those_changed_or_removed_since_export() -> None:
    file = simple_file()
    current = {item.id: item.source_fingerprint for item in file.units}
    assert stale_units(file, current) == []
    current["solution/b/summary"] = fingerprint("Regnvand og spildevand")
    del current["solution/d/summary"]
    current["solution/new/summary"] = fingerprint("Ny")
    assert stale_units(file, current) == ["solution/b/summary", "solution/d/summary"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"id": "Solution/A"}, "illegal characters"),
        ({"id": "solution//a"}, "illegal characters"),
        ({"source_text": " \n"}, "empty source"),
        ({"source_fingerprint": "ABC"}, "not 16 hex digits"),
        ({"state": "done"}, "unknown state"),
        ({"target_text": "  "}, "blank target"),
        ({"state": "missing"}, "does not fit a target"),
        ({"target_text": None}, "does not fit no target"),
    ],
)
def test_units_neither_format_could_carry_cannot_be_made(changes: dict[str, str | None], expected: str) -> None:
    fields: dict[str, str | None] = {
        "id": "solution/a/summary",
        "source_text": "Skybrud",
        "target_text": "Cloudburst",
        "source_fingerprint": fingerprint("Skybrud"),
        "state": "draft",
    }
    with pytest.raises(ValueError, match=expected):
        TranslationUnit(**(fields | changes))  # type: ignore[arg-type]


def test_files_with_duplicate_ids_or_bad_locales_cannot_be_made() -> None:
    item = unit("solution/a/summary", "Skybrud", None, "missing")
    with pytest.raises(ValueError, match="solution/a/summary: duplicate unit id"):
        TranslationFile(source_locale="da", target_locale="en", units=[item, item], revision="1")
    with pytest.raises(ValueError, match="is not a language tag"):
        TranslationFile(source_locale="da", target_locale="en gb", units=[item], revision="1")
    with pytest.raises(ValueError, match="revision missing"):
        TranslationFile(source_locale="da", target_locale="en", units=[item], revision="")


def test_xml_refuses_characters_it_cannot_carry_while_po_keeps_them() -> None:
    file = TranslationFile(
        source_locale="da",
        target_locale="en",
        revision="1",
        units=[unit("solution/a/summary", "Sky\x00brud\x1b", "Cloud\x07burst", "draft")],
    )
    with pytest.raises(ValueError, match="solution/a/summary: XML cannot carry the character U\\+0000"):
        to_xliff(file)
    assert from_po(to_po(file)) == file


def mutated(data: bytes, rng: random.Random) -> bytes:
    pieces = [
        b'"',
        b"\n",
        b"<",
        b">",
        b"#",
        b"\\",
        b"\xff",
        b"=",
        b".",
        b"/",
        b"msgid ",
        b'msgctxt "a"\n',
        b"#, fuzzy\n",
    ]
    pieces += [b'msgid_plural "x"\n', b'msgstr[1] ""\n', b'<pc id="1"/>', b"#~ ", b"&lol;", b"<!DOCTYPE x>"]
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(damaged))
        choice = rng.random()
        if choice < 0.4:
            del damaged[at : at + rng.randint(1, 20)]
        elif choice < 0.7:
            damaged[at:at] = rng.choice(pieces)
        else:
            start = rng.randrange(len(damaged))
            damaged[at:at] = damaged[start : start + rng.randint(1, 40)]
    return bytes(damaged)


@pytest.mark.parametrize(("write", "read"), [(to_xliff, from_xliff), (to_po, from_po)], ids=["xliff", "po"])
def test_damaged_files_are_read_or_refused_but_never_crash(
    write: Callable[[TranslationFile], bytes], read: Callable[[bytes], TranslationFile]
) -> None:
    rng, data, refused = random.Random(7), write(tricky_file()), 0
    for _ in range(400):
        try:
            read(mutated(data, rng))
        except InvalidTranslationFile:
            refused += 1
    assert refused > 100
