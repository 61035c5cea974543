"""The rich-text subset: allowed markup survives, XSS vectors never do, plain text and detection."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from catalogue.richtext import ALLOWED_TAGS, is_rich, plain_text, sanitise

#: The agreed subset, spelt out here so that widening the module's set cannot widen what the tests accept.
EXPECTED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"})
LINK_REL = "noopener noreferrer nofollow"
SAFE_SCHEMES = ("https:", "http:", "mailto:")

#: Allowed markup that sanitising must leave exactly as it is.
ALLOWED_MARKUP = [
    "<p>Heat pumps cut the district's demand.</p>",
    "<p>First paragraph.</p>\n<p>Second paragraph.</p>",
    "<ul><li>Sensors</li><li>Dashboards</li></ul>",
    "<ol>\n<li>Survey</li>\n<li>Pilot</li>\n<li>Roll-out</li>\n</ol>",
    "<p><strong>Bold</strong>, <em>italic</em> and <strong><em>both</em></strong>.</p>",
    "<h3>Approach</h3><h4>Phase 1</h4><p>Line one<br>line two</p>",
    "<blockquote><p>It simply works.</p></blockquote>",
    f'<p>See <a href="https://example.dk/case?id=1&amp;lang=da" rel="{LINK_REL}">the case</a>.</p>',
    f'<p>Write to <a href="mailto:info@example.dk" rel="{LINK_REL}">us</a>.</p>',
    "CO2 &lt; 5 % &amp; rising",
]

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<p>before</p><script>alert(document.cookie)</script><p>after</p>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)//<</script>/script>",
    "<svg><script>alert(1)</script></svg>",
    "<img src=x onerror=alert(1)>",
    "<p>Photo <img src=x onerror=alert(1)> caption</p>",
    '<p>Map <img src="https://example.dk/m.png" onload="alert(1)"> here</p>',
    "<p>Chart <svg onload=alert(1)><circle r=5 /></svg> here</p>",
    '<img src="x` `<script>alert(1)</script>"` `>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>text",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<a href="//evil.example/">x</a>',
    '<a href="/relative/path">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"><img src=x onerror=alert(1)></iframe>',
    '<object data="javascript:alert(1)">fallback</object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<style>p { width: expression(alert(1)); }</style><p>x</p>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<math><a xlink:href="javascript:alert(1)">x</a></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//"><a href="x">x</a>',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p onclick="alert(1)">x</p>',
    '<strong onmouseover="alert(1)">x</strong>',
    '<em onmouseover=alert(1) style="color:red">x</em>',
    '<a href="https://example.dk" onclick="alert(1)" style="x" target="_blank">ok</a>',
    '<li title="t" lang="en" class="c" id="i">x</li>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<p>unclosed <strong>bold <em>both",
    "<img src=x onerror=alert(1)",
    '<a href="javascript:alert(1)"',
    "<!--<img src=x onerror=1>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<!-- unclosed comment <script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<p>x</p><plaintext><img src=x onerror=1>",
]

MISC_INPUTS = [
    "CO2 < 5 %",
    "a < b && c > d",
    "Line one\r\nLine two\rLine three",
    "   <p>padded</p>\n\n  ",
    "<p></p><br><ul><li> </li></ul>",
    "<P>Upper <STRONG>case</STRONG></P>",
    "<p><p>nested</p></p>",
    "&nbsp;",
    "",
]


@dataclass
class Structure:
    """What an HTML fragment is made of, as the standard library parser sees it."""

    tags: set[str] = field(default_factory=set)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)
    start_tags: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


class _StructureParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.structure = Structure()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.structure.tags.add(tag)
        self.structure.attributes.extend((tag, name, value) for name, value in attrs)
        self.structure.start_tags.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.structure.tags.add(tag)

    def handle_comment(self, data: str) -> None:
        self.structure.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.structure.other.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.structure.other.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.structure.other.append(f"unknown declaration {data!r}")


def structure(html: str) -> Structure:
    parser = _StructureParser()
    parser.feed(html)
    parser.close()
    return parser.structure


def assert_safe(html: str) -> None:
    """Fails unless ``html`` is made only of allowed tags, a safe ``href`` and the fixed ``rel`` on links."""
    lowered = html.lower()
    assert "<script" not in lowered
    assert re.search(r"(javascript|vbscript|data)\s*:", lowered) is None
    assert re.search(r"<[^>]*\bon\w+\s*=", lowered) is None
    found = structure(html)
    assert found.tags <= EXPECTED_TAGS, found.tags - EXPECTED_TAGS
    assert found.other == []
    for start_tag in found.start_tags:
        assert re.search(r"\bon\w+\s*=", start_tag.lower()) is None, start_tag
    for tag, name, value in found.attributes:
        assert (tag, name) in {("a", "href"), ("a", "rel")}, (tag, name, value)
        if name == "href":
            assert value is not None
            assert value.lower().startswith(SAFE_SCHEMES), value
        else:
            assert value == LINK_REL


def test_allowed_tags_are_the_agreed_subset() -> None:
    assert ALLOWED_TAGS == EXPECTED_TAGS


@pytest.mark.parametrize("markup", ALLOWED_MARKUP)
def test_allowed_markup_survives_unchanged(markup: str) -> None:
    assert sanitise(markup) == markup
    assert_safe(markup)


def test_a_link_gets_the_rel_attribute_and_loses_anything_else() -> None:
    given = '<a href="https://example.dk" rel="opener" target="_blank" title="t">Example</a>'
    assert sanitise(given) == f'<a href="https://example.dk" rel="{LINK_REL}">Example</a>'


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_never_survive(vector: str) -> None:
    assert_safe(sanitise(vector))


@pytest.mark.parametrize(
    ("vector", "expected"),
    [
        ("<p>before</p><script>alert(1)</script><p>after</p>", "<p>before</p><p>after</p>"),
        ("<style>p { color: red; }</style>Text", "Text"),
        ('<a href="javascript:alert(1)">x</a>', f'<a rel="{LINK_REL}">x</a>'),
        ('<p onclick="alert(1)" style="color:red" title="t">x</p>', "<p>x</p>"),
        ("<p>unclosed <strong>bold", "<p>unclosed <strong>bold</strong></p>"),
        ("<div><span>kept text</span></div>", "kept text"),
        ("<!--<img src=x onerror=1>-->", ""),
        ("<p>Photo <img src=x onerror=alert(1)> caption</p>", "<p>Photo  caption</p>"),
    ],
)
def test_sanitised_result_is_exactly(vector: str, expected: str) -> None:
    assert sanitise(vector) == expected


@pytest.mark.parametrize("given", ALLOWED_MARKUP + XSS_VECTORS + MISC_INPUTS)
def test_sanitising_is_idempotent(given: str) -> None:
    once = sanitise(given)
    assert sanitise(once) == once


@pytest.mark.parametrize("given", ["", "   \n", "<p></p>", "<p> </p><br>", "<ul><li></li></ul>", "<script>x</script>"])
def test_markup_without_text_sanitises_to_nothing(given: str) -> None:
    assert sanitise(given) == ""


def test_line_endings_are_normalised_and_the_ends_stripped() -> None:
    assert sanitise("  <p>one\r\ntwo\rthree</p>\r\n  ") == "<p>one\ntwo\nthree</p>"


def test_plain_text_with_a_less_than_sign_stays_readable() -> None:
    given = "CO2 < 5 %"
    assert not is_rich(given)
    stored = sanitise(given)
    assert stored == "CO2 &lt; 5 %"
    assert not is_rich(stored)
    assert plain_text(stored) == given


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<h3>Approach</h3><p>We measured <strong>before</strong> and after.</p>"
            "<ul><li>Sensors</li><li>Dash&shy;boards &amp; alerts</li></ul><p>Done.</p>",
            ["Approach", "We measured before and after.", "Sensors", "Dash\xadboards & alerts", "Done."],
        ),
        (
            "<ol>\n  <li>Survey\n    the site</li>\n  <li>Pilot</li>\n</ol>\n<blockquote><p>Quote</p></blockquote>",
            ["Survey the site", "Pilot", "Quote"],
        ),
        ("<p>one<br>two<br><br><br><br>three</p>", ["one", "two", "", "three"]),
        ("<p>a</p><br><br><p>b</p>", ["a", "", "b"]),
        ("CO2 &lt; 5 %\n\n\n\nSecond paragraph\nsame one", ["CO2 < 5 %", "", "Second paragraph", "same one"]),
        ('<p><a href="https://example.dk" rel="x">link</a> text</p>', ["link text"]),
        ("<p></p>", [""]),
    ],
)
def test_plain_text_gives_the_visible_lines(html: str, expected: list[str]) -> None:
    assert plain_text(html).split("\n") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CO2 < 5 %", False),
        ("a < b and c > d", False),
        ("Heat pumps.\n\nSecond paragraph.", False),
        ("Use <div> or <span> elements", False),
        ("CO2 &lt; 5 %", False),
        ("<p>Heat pumps.</p>", True),
        ("Some <strong>bold</strong> text", True),
        ("Line<br/>break", True),
        ("<UL><LI>upper</LI></UL>", True),
        ("closing only</em>", True),
    ],
)
def test_is_rich_tells_rich_text_from_plain_text(text: str, expected: bool) -> None:
    assert is_rich(text) is expected
