"""Locale negotiation and fallback chains."""

import pytest

from i18n.locales import CONTENT_LOCALES, INTERFACE_LOCALES, fallback_chain, negotiate, parse_accept_language
from services.errors import InvalidQuery
from services.web.locale import choose_locale


def test_seventeen_content_locales() -> None:
    assert len(CONTENT_LOCALES) == 17
    assert set(INTERFACE_LOCALES) == {"da", "en", "de"}


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (["de-AT"], "de"),
        (["pt_BR"], "pt"),
        (["zh-Hans-CN"], "zh"),
        (["xx", "sv"], "sv"),
        (["tlh"], None),
        (["no"], "nb"),
        (["nn-NO"], "nb"),
        (["nb-NO"], "nb"),
    ],
)
def test_negotiate_by_tag_then_language(preferred: list[str], expected: str | None) -> None:
    assert negotiate(preferred, CONTENT_LOCALES) == expected


def test_accept_language_is_ordered_by_quality() -> None:
    assert parse_accept_language("da;q=0.5, de-DE, en;q=0.8, *;q=0.1, fr;q=0") == ["de-DE", "en", "da"]


def test_fallback_chain_is_locale_english_source() -> None:
    assert fallback_chain("ja", "da") == ("ja", "en", "da")
    assert fallback_chain("en", "da") == ("en", "da")
    assert fallback_chain("da", "da") == ("da", "en")


def test_query_beats_cookie_beats_header() -> None:
    assert choose_locale("de", "da", "en", INTERFACE_LOCALES) == ("de", "de")
    assert choose_locale(None, "da", "de", INTERFACE_LOCALES) == ("da", "da")
    assert choose_locale(None, None, "de-CH, en;q=0.5", INTERFACE_LOCALES) == ("de", "de")
    assert choose_locale(None, "xx", None, INTERFACE_LOCALES) == ("en", "en")


def test_unsupported_query_locale_is_served_in_english_and_says_so() -> None:
    assert choose_locale("tlh", None, "da", INTERFACE_LOCALES) == ("en", "tlh")


def test_malformed_query_locale_is_refused() -> None:
    with pytest.raises(InvalidQuery):
        choose_locale("<script>", None, None, INTERFACE_LOCALES)
