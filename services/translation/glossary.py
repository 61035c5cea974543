"""The glossary of domain terms per locale, and the check that flags translations which ignore it."""

import functools
from pathlib import Path

import msgspec

from catalogue.folding import fold
from services.settings import PROJECT_ROOT

GLOSSARY_FILE = PROJECT_ROOT / "data" / "glossary.toml"


class Glossary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    #: Each term as a mapping from locale to its rendering there.
    terms: list[dict[str, str]]


class TermUse(msgspec.Struct, frozen=True, kw_only=True):
    """A glossary term a source text uses, and how the target language renders it."""

    source_term: str
    target_term: str


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """A translated field that leaves out the rendering of a term its source uses."""

    field: str
    source_term: str
    expected: str


@functools.cache
def load(path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary kept in ``path``."""
    return msgspec.toml.decode(path.read_bytes(), type=Glossary)


def terms_in(source_text: str, source_locale: str, target_locale: str, glossary: Glossary) -> list[TermUse]:
    """The glossary terms ``source_text`` uses that have a rendering in ``target_locale``."""
    folded = fold(source_text)
    return [
        TermUse(source_term=term[source_locale], target_term=term[target_locale])
        for term in glossary.terms
        if source_locale in term and target_locale in term and fold(term[source_locale]) in folded
    ]


def check(
    texts: dict[str, tuple[str, str | None]], source_locale: str, target_locale: str, glossary: Glossary
) -> list[Finding]:
    """Fields whose translation lacks a term's rendering; ``texts`` maps a field to (source, translation)."""
    findings = []
    for field, (source, translation) in texts.items():
        if not translation:
            continue
        folded = fold(translation)
        findings += [
            Finding(field=field, source_term=use.source_term, expected=use.target_term)
            for use in terms_in(source, source_locale, target_locale, glossary)
            if fold(use.target_term) not in folded
        ]
    return findings
