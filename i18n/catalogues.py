"""The gettext catalogues of the interface, read from the ``.po`` files in this folder."""

import functools
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from i18n.locales import INTERFACE_LOCALES

CATALOGUE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


def po_path(locale: str) -> Path:
    return CATALOGUE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The interface translations of ``locale``; untranslated locales get the source strings."""
    path = po_path(locale)
    if locale not in INTERFACE_LOCALES or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
