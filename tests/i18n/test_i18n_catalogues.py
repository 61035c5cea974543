"""The gettext catalogues: current with the sources, complete in every locale of their domain."""

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from i18n.catalogues import DOMAINS, po_path
from services.settings import PROJECT_ROOT

PLACEHOLDER = re.compile(r"%\(\w+\)s")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
MAPPINGS = {"messages": "babel-interface.cfg", "documents": "babel-documents.cfg"}


def _source_messages(domain: str) -> set[str]:
    with (PROJECT_ROOT / "i18n" / MAPPINGS[domain]).open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    return {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS
        )
    }


def _read(path: str, locale: str | None = None) -> Catalog:
    with open(path, "rb") as handle:  # noqa: PTH123 - read_po wants a binary file
        return read_po(handle, locale=locale)


def _template(domain: str) -> Catalog:
    return _read(str(PROJECT_ROOT / "i18n" / f"{domain}.pot"))


@pytest.mark.parametrize("domain", DOMAINS)
def test_template_lists_every_message_in_the_sources(domain: str) -> None:
    template = {
        message.id if isinstance(message.id, str) else message.id[0] for message in _template(domain) if message.id
    }
    assert _source_messages(domain) == template, "run `make i18n-extract` and translate the new messages"


CASES = [(domain, locale) for domain, locales in DOMAINS.items() for locale in locales]


@pytest.mark.parametrize(("domain", "locale"), CASES)
def test_catalogue_is_complete(domain: str, locale: str) -> None:
    catalogue = _read(str(po_path(locale, domain)), locale)
    problems = []
    for expected in _template(domain):
        if not expected.id:
            continue
        message = catalogue.get(expected.id)
        if message is None:
            problems.append(f"missing: {expected.id!r}")
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if len(ids) > 1 and len(strings) != catalogue.num_plurals:
            problems.append(f"wrong number of plural forms: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        problems += [
            f"placeholders differ: {message.id!r}" for text in strings if sorted(PLACEHOLDER.findall(text)) != wanted
        ]
    assert problems == []


@pytest.mark.parametrize(("domain", "locale"), CASES)
def test_plural_forms_follow_the_language(domain: str, locale: str) -> None:
    catalogue = _read(str(po_path(locale, domain)), locale)
    expected = Catalog(locale=locale).num_plurals
    assert catalogue.num_plurals == expected
