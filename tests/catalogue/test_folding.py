"""Search folding: case, accents and Danish letters."""

import pytest

from catalogue.folding import fold
from services.reading.search import search_terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("København", "Kobenhavn"),
        ("KØBENHAVN", "københavn"),
        ("Århus", "Aarhus"),
        ("Sønderborg", "SONDERBORG"),
        ("Ærø", "aero"),
        ("Straße", "STRASSE"),
        ("Café", "cafe"),
        ("ＬＥＤ", "led"),
    ],
)
def test_spellings_fold_together(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_chinese_and_japanese_pass_through() -> None:
    assert fold("哥本哈根 智慧城市") == "哥本哈根 智慧城市"
    assert fold("コペンハーゲン") == "コペンハーゲン"


def test_query_terms_are_folded_deduplicated_and_capped() -> None:
    assert search_terms("  København  kobenhavn LED ") == ["kobenhavn", "led"]
    assert len(search_terms(" ".join(f"w{n}" for n in range(20)))) == 8
    assert search_terms("   ") == []
