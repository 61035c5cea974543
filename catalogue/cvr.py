"""Danish CVR numbers: eight digits whose weighted sum is divisible by eleven."""

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def is_valid_cvr(number: str) -> bool:
    """Whether ``number`` is a well-formed CVR number (eight digits, modulus-11 check, no leading zero)."""
    if len(number) != 8 or not number.isascii() or not number.isdigit() or number[0] == "0":
        return False
    return sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=True)) % 11 == 0
