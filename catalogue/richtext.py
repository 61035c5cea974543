"""The small, safe rich-text subset editors may use in long catalogue texts.

Texts are stored sanitised by :func:`sanitise` and rendered as they are in HTML pages and PDF brochures;
:func:`plain_text` gives their visible text and :func:`is_rich` tells them from legacy plain text.
"""

import re
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

#: The only elements rich text may contain.
ALLOWED_TAGS: frozenset[str] = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"})
#: The only attribute rich text may carry; ``rel`` is set on every link by the sanitiser itself. The empty ``"*"``
#: entry matters: without it nh3 keeps its default generic attributes (``title``, ``lang``) on every tag.
_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href"}), "*": frozenset()}
#: Links must be absolute and use one of these schemes; anything else (relative ones included) loses its ``href``.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"https", "http", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
#: Elements dropped together with their content: scripts, styles and raw-text containers never meant as prose.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "noembed", "noframes", "noscript", "template", "title"})
#: The long texts of each kind of entry that may use the subset; they are stored sanitised.
RICH_FIELDS: dict[str, tuple[str, ...]] = {"solution": ("description",), "case": ("challenge", "approach")}
#: Elements that stand on a line of their own in the plain text.
_BLOCK_TAGS = frozenset({"p", "li", "h3", "h4", "blockquote", "ul", "ol"})
#: Deepest nesting of elements rich text may have: a list item in a list in a list item in a list is four levels,
#: a link in emphasis in that item six. Deeper text is refused when it is saved. The document renderer recurses
#: per level and fails somewhere past two hundred, so text stored before this limit is flattened to it for layout.
MAX_NESTING = 16
_SPACES = re.compile(r"[ \t\r\f\v]+")


def sanitise(html: str) -> str:
    """Reduce ``html`` to the allowed subset, ready to be stored and rendered without further escaping.

    Only :data:`ALLOWED_TAGS` survive (other tags are dropped, their text kept, except for
    :data:`CLEAN_CONTENT_TAGS` which go with their content); the only attribute kept is an absolute ``http``,
    ``https`` or ``mailto`` ``href`` on ``a``, and every link gets ``rel="noopener noreferrer nofollow"``.
    Comments are removed, a bare ``<`` or ``&`` in text is escaped, line endings become ``\\n`` and surrounding
    whitespace is stripped. Markup without any visible text gives ``""``. Sanitising is idempotent:
    ``sanitise(sanitise(x)) == sanitise(x)``.
    """
    normalised = html.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = nh3.clean(
        normalised,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()
    return cleaned if plain_text(cleaned) else ""


def plain_text(html: str) -> str:
    """The visible text of sanitised rich text, for search and length checks.

    Entities are decoded and tags dropped; each block element (``p``, ``li``, ``h3``, ``h4``, ``blockquote``,
    lists) stands on lines of its own and ``br`` breaks the line. Within rich text, whitespace collapses to single
    spaces as a browser shows it; text without any allowed tag (plain text from before rich text) keeps its own
    line breaks. Lines are stripped, runs of blank lines collapse to one and the result is stripped.
    """
    collector = _TextCollector(keep_newlines=not is_rich(html))
    collector.feed(html)
    collector.close()
    lines: list[str] = []
    for raw in collector.lines:
        line = _SPACES.sub(" ", raw).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def is_rich(text: str) -> bool:
    """Whether ``text`` contains any tag of :data:`ALLOWED_TAGS` (opening or closing, any letter case).

    Plain text that merely uses ``<`` (``"CO2 < 5 %"``) or mentions other tags is not rich; such legacy text is
    rendered as paragraphs split on blank lines instead.
    """
    finder = _TagFinder()
    finder.feed(text)
    finder.close()
    return finder.found


class _TagFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = self.found or tag in ALLOWED_TAGS

    def handle_endtag(self, tag: str) -> None:
        self.found = self.found or tag in ALLOWED_TAGS


class _TextCollector(HTMLParser):
    def __init__(self, *, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.lines: list[str] = [""]

    def _end_block(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")
        else:
            self.lines[-1] = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.lines.append("")
        elif tag in _BLOCK_TAGS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        first, *rest = data.split("\n") if self.keep_newlines else [data.replace("\n", " ")]
        self.lines[-1] += first
        self.lines.extend(rest)


def nesting(html: str) -> int:
    """How deeply the elements of sanitised rich text nest: ``"<p>a</p>"`` is 1, ``"<ul><li>a</li></ul>"`` 2.

    Line breaks hold nothing and do not count; plain text is 0.
    """
    measure = _Nesting()
    measure.feed(html)
    measure.close()
    return measure.deepest


def nesting_problem(text: str) -> str | None:
    """Why ``text`` may not be stored as rich text (it nests deeper than :data:`MAX_NESTING`), or ``None``.

    The allowed subset is what counts: tags the sanitiser drops do not add to the depth.
    """
    if not is_rich(text):
        return None
    depth = nesting(sanitise(text))
    if depth <= MAX_NESTING:
        return None
    return f"lists, quotes and emphasis are nested {depth} levels deep; at most {MAX_NESTING} are allowed"


def flattened(html: str, limit: int = MAX_NESTING) -> str:
    """Sanitised rich text with no element deeper than ``limit``: deeper elements lose their tags, not their text.

    A deeper paragraph, heading, quote or list item starts on a line of its own (a ``br``) within the deepest
    element kept, so the items of a flattened list stay apart. Text within the limit comes back unchanged.
    """
    flattener = _Flattener(limit)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


class _Nesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "br":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag != "br":
            self.depth = max(self.depth - 1, 0)


class _Flattener(HTMLParser):
    """Copies sanitised markup as it is written, leaving out the tags of elements past the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.kept: list[bool] = []
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.out.append("<br>")
            return
        self.kept.append(len(self.kept) < self.limit)
        if self.kept[-1]:
            self.out.append(self.get_starttag_text() or f"<{tag}>")
        elif tag in _BLOCK_TAGS - {"ul", "ol"}:
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag != "br" and self.kept and self.kept.pop():
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def to_html(text: str) -> Markup:
    """Text ready to place in a page or document: rich text cleaned again, plain text as paragraphs.

    Rich text is also flattened to :data:`MAX_NESTING`, so that whatever was stored, a document can lay it out.
    """
    if is_rich(text):
        return Markup(flattened(sanitise(text)))  # noqa: S704 - sanitised to the allowed subset just now
    paragraphs = (part.strip() for part in text.replace("\r\n", "\n").split("\n\n"))
    return Markup("").join(Markup("<p>{}</p>").format(part) for part in paragraphs if part)
