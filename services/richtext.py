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
#: Elements that stand on a line of their own in the plain text.
_BLOCK_TAGS = frozenset({"p", "li", "h3", "h4", "blockquote", "ul", "ol"})
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


def to_html(text: str) -> Markup:
    """Text ready to place in a page or document: rich text cleaned again, plain text as paragraphs."""
    if is_rich(text):
        return Markup(sanitise(text))  # noqa: S704 - sanitised to the allowed subset just now
    paragraphs = (part.strip() for part in text.replace("\r\n", "\n").split("\n\n"))
    return Markup("").join(Markup("<p>{}</p>").format(part) for part in paragraphs if part)
