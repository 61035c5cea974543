"""The demo catalogue: enough of everything, honest about what is real, and visibly multilingual."""

from collections import Counter

import pytest

from catalogue.records import CatalogueFile, Texts
from catalogue.validation import catalogue_problems
from catalogue.vocabulary import HelixRole, OrganisationKind
from services.editing.importing import read_catalogue_files
from tests.support.databases import DEMO_DATA

FICTIONAL_SOURCE = "Demo data (fictional)"


@pytest.fixture(scope="module")
def demo() -> CatalogueFile:
    return read_catalogue_files(DEMO_DATA.glob("*.toml"))


def _fields(entry: object, names: tuple[str, ...]) -> list[Texts]:
    return [getattr(entry, name) for name in names]


SOLUTION_FIELDS = ("title", "summary", "description", "benefits")
CASE_FIELDS = ("title", "summary", "challenge", "approach")
SITE_FIELDS = ("name", "description", "how_to_visit")


def _complete_in(entry: object, names: tuple[str, ...], locale: str) -> bool:
    return all(texts.get(locale, "").strip() for texts in _fields(entry, names))


def test_demo_catalogue_is_valid(demo: CatalogueFile) -> None:
    assert catalogue_problems(demo) == []


def test_volumes(demo: CatalogueFile) -> None:
    assert len(demo.solutions) >= 30
    assert len([case for case in demo.cases if case.outcomes]) >= 20
    assert len(demo.organisations) >= 15
    assert len(demo.visit_sites) >= 6
    assert {theme.slug for theme in demo.themes} == {
        theme for solution in demo.solutions for theme in solution.themes
    }, "every theme has solutions"


def test_organisations_cover_the_triple_helix(demo: CatalogueFile) -> None:
    assert {org.kind for org in demo.organisations} == set(OrganisationKind)
    assert {org.helix_role for org in demo.organisations} == set(HelixRole)


def test_every_entry_is_complete_in_danish_and_english(demo: CatalogueFile) -> None:
    incomplete = [
        (kind, entry.slug, locale)
        for kind, entries, names in (
            ("solution", demo.solutions, SOLUTION_FIELDS),
            ("case", demo.cases, CASE_FIELDS),
            ("visit site", demo.visit_sites, SITE_FIELDS),
            ("organisation", demo.organisations, ("description",)),
        )
        for entry in entries
        for locale in ("da", "en")
        if not _complete_in(entry, names, locale)
    ]
    incomplete += [
        ("outcome", case.slug, locale)
        for case in demo.cases
        for outcome in case.outcomes
        for locale in ("da", "en")
        if not outcome.label.get(locale)
    ]
    assert incomplete == []


def test_a_third_in_german_and_a_few_in_other_scripts(demo: CatalogueFile) -> None:
    entries = [(s, SOLUTION_FIELDS) for s in demo.solutions] + [(c, CASE_FIELDS) for c in demo.cases]
    german = sum(_complete_in(entry, names, "de") for entry, names in entries)
    assert german * 3 >= len(entries)
    titles = Counter(locale for entry, _ in entries for locale in entry.title)
    for locale in ("sv", "zh", "ja", "ar"):
        assert 2 <= titles[locale] < len(entries) / 2, locale


def test_real_cases_carry_sources_and_no_demo_partners(demo: CatalogueFile) -> None:
    demo_orgs = {org.slug for org in demo.organisations if org.demo}
    demo_solutions = {solution.slug for solution in demo.solutions if solution.demo}
    for case in demo.cases:
        sources = {outcome.source for outcome in case.outcomes}
        if case.demo:
            assert sources == {FICTIONAL_SOURCE}, case.slug
            continue
        assert case.outcomes and FICTIONAL_SOURCE not in sources, case.slug
        assert not {partner.organisation for partner in case.partners} & demo_orgs, case.slug
        assert not set(case.solutions) & demo_solutions, case.slug
        if case.cost:
            assert case.cost.source != FICTIONAL_SOURCE


def test_companies_offering_solutions_are_fictional_and_marked(demo: CatalogueFile) -> None:
    companies = {org.slug: org for org in demo.organisations if org.kind is OrganisationKind.COMPANY}
    assert companies and all(org.demo for org in companies.values())
    for solution in demo.solutions:
        if solution.provider in companies:
            assert solution.demo, solution.slug
