"""The interface catalogues: current with the sources, complete for da, en and de."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18n.catalogues import po_path
from i18n.locales import INTERFACE_LOCALES
from services.settings import PROJECT_ROOT

PLACEHOLDER = re.compile(r"%\(\w+\)s")
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("catalogue", "i18n", "services"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, METHODS, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_template_lists_every_message_in_the_sources() -> None:
    template = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in _catalogue(PROJECT_ROOT / "i18n" / "messages.pot")
        if message.id
    }
    assert _source_messages() == template, "run `make i18n-extract` and translate the new messages"


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_catalogue_is_complete(locale: str) -> None:
    template = _catalogue(PROJECT_ROOT / "i18n" / "messages.pot")
    catalogue = _catalogue(po_path(locale), locale)
    assert catalogue.num_plurals == 2
    problems = []
    for expected in template:
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
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        problems += [
            f"placeholders differ: {message.id!r}" for text in strings if set(PLACEHOLDER.findall(text)) != wanted
        ]
    assert problems == []
