"""One language policy on every surface: what ``de-AT``, ``DE``, ``zz``, a tag with a script and no value give.

Each row of :data:`POLICY` is a row of the README's table "Which language you get"; a surface
answers a reader (negotiated, English when nothing matches) or reads a language it is told to make
something in (refused when it names no supported locale). The language served is read from what
the surface gives back: ``Content-Language``, the page's ``lang``, the file's name.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.cli import _parser
from services.settings import PROJECT_ROOT
from tests.support.databases import Client, TemplateDatabases, make_client
from tests.support.delegations import BUSAN, ROOT
from tests.support.editing import Desk

pytestmark = pytest.mark.slow

SOLUTION = "cloudburst-management-plan"
VALUES = ["de-AT", "DE", "zz", "zh-Hans", "sr-Latn", None]
#: For every surface, what each of :data:`VALUES` gives: a locale served, or the status of a refusal.
POLICY: dict[str, list[str | int]] = {
    "api": ["de", "de", "en", "zh", "en", "en"],
    "page": ["de", "de", "en", "en", "en", "en"],
    "page content": ["de", "de", "en", "zh", "en", "en"],
    "brochure": ["de", "de", "en", "zh", "en", "en"],
    "staff interface": ["de", "de", "en", "en", "en", "en"],
    "pack": ["de", "de", 400, "zh", 400, 400],
    "shared pack": ["de", "de", 400, "zh", 400, 400],
    "generation": ["de", "de", 400, "zh", 400, 400],
    "export": ["de", "de", 400, "zh", 400, 400],
    "command line": ["de", "de", 2, "zh", 2, "en"],
}


class Surfaces:
    """One seeded SQLite catalogue, an adviser's delegation in German and Chinese, and its share link."""

    def __init__(self, client: Client, url: str) -> None:
        self.desk = Desk(client, url)
        self.client = client
        made = self.desk("adviser", "POST", f"{ROOT}/", {**BUSAN, "languages": ["de", "zh"]})
        assert made.status_code == 201, made.text
        self.delegation = made.json()["id"]
        link = self.desk("adviser", "POST", f"{ROOT}/{self.delegation}/share-links", {"days": 7})
        assert link.status_code == 201, link.text
        self.secret = link.json()["url"].rsplit("/", 1)[1]

    def get(self, path: str, value: str | None, name: str = "lang", actor: str | None = None) -> Any:
        params = {} if value is None else {name: value}
        headers = {"Authorization": f"Bearer {self.desk.tokens[actor]}"} if actor else {}
        return self.client.get(path, params=params, headers=headers)


def _served(answer: Any) -> str | int:
    """The locale an answer is in, or the status it was refused with."""
    if answer.status_code >= 400:
        return int(answer.status_code)
    return str(answer.headers["content-language"])


def _api(surfaces: Surfaces, value: str | None) -> str | int:
    return _served(surfaces.get(f"/api/v1/solutions/{SOLUTION}", value))


def _page(surfaces: Surfaces, value: str | None) -> str | int:
    page = surfaces.get(f"/solutions/{SOLUTION}", value)
    found = re.search(r'<html lang="([^"]+)"', page.text)
    return found.group(1) if found else int(page.status_code)


def _page_content(surfaces: Surfaces, value: str | None) -> str | int:
    page = surfaces.get(f"/solutions/{SOLUTION}", value)
    found = re.search(r'<h1><span lang="([^"]+)"', page.text)
    return found.group(1) if found else int(page.status_code)


def _brochure(surfaces: Surfaces, value: str | None) -> str | int:
    preview = _served(surfaces.get(f"/solutions/{SOLUTION}/brochure", value))
    if value == "DE":
        # The PDF is chosen by the same rule as its preview: one render proves it.
        assert _served(surfaces.get(f"/solutions/{SOLUTION}/brochure.pdf", value)) == preview
    return preview


def _staff_interface(surfaces: Surfaces, value: str | None) -> str | int:
    answer = surfaces.get(f"{ROOT}/{surfaces.delegation}/suggestions", value, actor="adviser")
    if answer.status_code >= 400:
        return int(answer.status_code)
    reasons = [reason["text"] for found in answer.json()["solutions"] for reason in found["reasons"]]
    by_wording = {"Thema: ": "de", "tema: ": "da", "theme: ": "en"}
    return next(locale for start, locale in by_wording.items() if any(text.startswith(start) for text in reasons))


def put_pack(surfaces: Surfaces, value: str | None) -> str | int:
    return _served(surfaces.get(f"{ROOT}/{surfaces.delegation}/pack.pdf", value, actor="adviser"))


def _shared_pack(surfaces: Surfaces, value: str | None) -> str | int:
    return _served(surfaces.get(f"/shared/{surfaces.secret}/pack.pdf", value))


def _generation(surfaces: Surfaces, value: str | None) -> str | int:
    body = {"languages": [] if value is None else [value]}
    answer = surfaces.desk("adviser", "POST", f"{ROOT}/{surfaces.delegation}/renders", body)
    if answer.status_code >= 400:
        return 400 if answer.status_code in (400, 422) else int(answer.status_code)
    return str(answer.json()[0]["language"])


def _export(surfaces: Surfaces, value: str | None) -> str | int:
    answer = surfaces.get("/api/v1/translations/export", value, name="target", actor="admin")
    if answer.status_code >= 400:
        return int(answer.status_code)
    found = re.search(r"catalogue-[a-z]+-([a-z]+)\.", answer.headers["content-disposition"])
    assert found, answer.headers["content-disposition"]
    return found.group(1)


def _command_line(_surfaces: Surfaces, value: str | None) -> str | int:
    arguments = ["brochure", SOLUTION] + ([] if value is None else ["--lang", value])
    try:
        return str(_parser().parse_args(arguments).lang)
    except SystemExit as refused:
        return int(refused.code or 0)


SURFACES: dict[str, Callable[[Surfaces, str | None], str | int]] = {
    "api": _api,
    "page": _page,
    "page content": _page_content,
    "brochure": _brochure,
    "staff interface": _staff_interface,
    "pack": put_pack,
    "shared pack": _shared_pack,
    "generation": _generation,
    "export": _export,
    "command line": _command_line,
}


@pytest.fixture(scope="module")
def surfaces(template_databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Surfaces]:
    folder = tmp_path_factory.mktemp("language-policy")
    url = template_databases.clone("sqlite", folder)
    with make_client(url, Path(folder) / "data") as client:
        yield Surfaces(client, url)


def test_the_table_covers_every_surface_and_value() -> None:
    assert set(POLICY) == set(SURFACES)
    assert all(len(row) == len(VALUES) for row in POLICY.values())


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_reads_a_language_by_the_one_policy(surfaces: Surfaces, surface: str) -> None:
    got = [SURFACES[surface](surfaces, value) for value in VALUES]
    assert got == POLICY[surface], dict(zip(map(str, VALUES), got, strict=True))


def test_the_readme_table_says_what_the_policy_does() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme[readme.index("| surface | `de-AT` |") :].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table.splitlines()[2:]]
    # Each cell starts with what the surface gives; the rows are in the order of POLICY.
    shown = [[re.match(r"\W*(\w+)", cell).group(1) for cell in row[1:]] for row in rows]  # type: ignore[union-attr]
    assert shown == [[str(value) for value in row] for row in POLICY.values()]
