"""Every entry of the demo catalogue has a working page in every interface language."""

import pytest

from catalogue.records import CatalogueFile
from i18n.locales import INTERFACE_LOCALES
from services.editing.importing import read_catalogue_files
from tests.support.databases import DEMO_DATA, Client

pytestmark = pytest.mark.slow

DEMO = read_catalogue_files(DEMO_DATA.glob("*.toml"))


def _paths(data: CatalogueFile) -> list[str]:
    return [
        *(f"/solutions/{entry.slug}" for entry in data.solutions),
        *(f"/cases/{entry.slug}" for entry in data.cases),
        *(f"/organisations/{entry.slug}" for entry in data.organisations),
        *(f"/visit-sites/{entry.slug}" for entry in data.visit_sites),
        *(f"/?theme={theme.slug}" for theme in data.themes),
    ]


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_every_demo_page_answers(client: Client, locale: str) -> None:
    failures = []
    for path in _paths(DEMO):
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}lang={locale}")
        if response.status_code != 200 or f'<html lang="{locale}"' not in response.text:
            failures.append((path, response.status_code))
    assert failures == []


def test_every_demo_entry_answers_in_the_api(client: Client) -> None:
    failures = [
        path
        for path in _paths(DEMO)
        if not path.startswith("/?") and client.get(f"/api/v1{path}?lang=ja").status_code != 200
    ]
    assert failures == []
