"""The gettext catalogues of the interface, read from the ``.po`` files in this folder."""

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from i18n.locales import CONTENT_LOCALES, INTERFACE_LOCALES

CATALOGUE_DIR = Path(__file__).resolve().parent / "locales"
#: Gettext domains: the web interface, and the wording of PDF documents.
DOMAINS = {"messages": INTERFACE_LOCALES, "documents": CONTENT_LOCALES}


def po_path(locale: str, domain: str = "messages") -> Path:
    return CATALOGUE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


@functools.cache
def translations(locale: str, domain: str = "messages") -> NullTranslations:
    """The translations of ``domain`` into ``locale``; untranslated locales get the source strings."""
    path = po_path(locale, domain)
    if locale not in DOMAINS[domain] or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=domain)
