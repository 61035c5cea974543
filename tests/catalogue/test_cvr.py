"""CVR numbers: eight digits with a modulus-11 check."""

import pytest

from catalogue.cvr import is_valid_cvr


@pytest.mark.parametrize("number", ["64942212", "55133018", "30060946"])
def test_valid_numbers_pass(number: str) -> None:
    assert is_valid_cvr(number)


@pytest.mark.parametrize(
    "number",
    [
        "64942213",  # check digit wrong
        "12345678",
        "6494221",  # seven digits
        "649422120",  # nine digits
        "6494221a",
        "6494 2212",
        "06494221",  # leading zero
        "٦٤٩٤٢٢١٢",  # Arabic-Indic digits
        "",
    ],
)
def test_invalid_numbers_fail(number: str) -> None:
    assert not is_valid_cvr(number)
