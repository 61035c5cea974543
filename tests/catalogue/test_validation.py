"""Catalogue records: strict decoding and the rules across records."""

from pathlib import Path

import msgspec
import pytest

from catalogue.records import CatalogueFile, Outcome
from catalogue.validation import catalogue_problems
from services.editing.importing import read_catalogue_files
from services.errors import InvalidCatalogueData
from tests.support.databases import TEST_DATA


@pytest.fixture
def data() -> CatalogueFile:
    return read_catalogue_files(TEST_DATA.glob("*.toml"))


def test_the_test_catalogue_is_valid(data: CatalogueFile) -> None:
    assert catalogue_problems(data) == []


def test_unknown_references_are_named(data: CatalogueFile) -> None:
    solution = msgspec.structs.replace(data.solutions[0], provider="nobody", themes=["no-theme"])
    problems = catalogue_problems(msgspec.structs.replace(data, solutions=[solution, *data.solutions[1:]]))
    assert "solution 'test-harbour-sensors': unknown provider 'nobody'" in problems
    assert "solution 'test-harbour-sensors': unknown theme 'no-theme'" in problems


def test_invalid_cvr_is_refused(data: CatalogueFile) -> None:
    org = msgspec.structs.replace(data.organisations[0], cvr="64942213")
    problems = catalogue_problems(msgspec.structs.replace(data, organisations=[org, *data.organisations[1:]]))
    assert problems == ["organisation 'test-fjordby-kommune': '64942213' is not a valid Danish CVR number"]


def test_missing_source_text_and_unsupported_locale(data: CatalogueFile) -> None:
    solution = msgspec.structs.replace(data.solutions[0], title={"en": "Only English", "xx": "?"})
    problems = catalogue_problems(msgspec.structs.replace(data, solutions=[solution, *data.solutions[1:]]))
    assert "solution 'test-harbour-sensors': title has unsupported locale 'xx'" in problems
    assert "solution 'test-harbour-sensors': title has no text in its source locale 'da'" in problems


def test_duplicate_slugs_and_unknown_units(data: CatalogueFile) -> None:
    case = data.cases[0]
    bad_outcome = msgspec.structs.replace(case.outcomes[0], unit="furlongs")
    broken = msgspec.structs.replace(case, outcomes=[bad_outcome], to_year=1990)
    problems = catalogue_problems(msgspec.structs.replace(data, cases=[broken, case]))
    assert "case 'test-harbour-bath' appears twice" in problems
    assert "case 'test-harbour-bath' outcome 1: unknown unit 'furlongs'" in problems
    assert "case 'test-harbour-bath': to_year 1990 is before from_year 2019" in problems


def test_outcome_without_source_does_not_decode() -> None:
    with pytest.raises(msgspec.ValidationError, match="missing required field `source`"):
        msgspec.json.decode(
            b'{"metric": "closed-days", "label": {"da": "x"}, "unit": "count", "result": 1, "method": "measured",'
            b' "verification": "published", "as_of": "2020-01-01"}',
            type=Outcome,
        )


def test_malformed_file_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text(
        '[[themes]]\nslug = "Not A Slug"\nposition = 1\nlabel = {}\ndescription = {}\n'
    )
    with pytest.raises(InvalidCatalogueData) as raised:
        read_catalogue_files([tmp_path / "broken.toml"])
    assert raised.value.problems[0].startswith("broken.toml: Expected `str` matching regex")
    assert "$.themes[0].slug" in raised.value.problems[0]


def test_unknown_fields_are_refused(tmp_path: Path) -> None:
    (tmp_path / "extra.toml").write_text(
        '[[themes]]\nslug = "x1"\nposition = 1\nlabel = {en = "X"}\ndescription = {en = "X"}\ncolour = "red"\n'
    )
    with pytest.raises(InvalidCatalogueData, match="Object contains unknown field `colour`"):
        read_catalogue_files([tmp_path / "extra.toml"])
