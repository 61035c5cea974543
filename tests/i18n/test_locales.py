"""Locale negotiation and fallback chains."""

import pytest

from i18n.locales import (
    CONTENT_LOCALES,
    INTERFACE_LOCALES,
    NotALanguageTag,
    UnsupportedLocale,
    closest,
    fallback_chain,
    negotiate,
    parse_accept_language,
    parse_locale,
)


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
def test_the_closest_locale_by_tag_then_language(preferred: list[str], expected: str | None) -> None:
    assert closest(preferred, CONTENT_LOCALES) == expected


@pytest.mark.parametrize(
    ("tag", "expected"), [("de-AT", "de"), ("DE", "de"), ("zh-Hans", "zh"), ("pt_BR", "pt"), ("nn", "nb")]
)
def test_a_tag_names_its_locale_whatever_its_case_region_or_script(tag: str, expected: str) -> None:
    assert parse_locale(tag) == expected


@pytest.mark.parametrize("tag", ["zz", "sr-Latn", "tlh"])
def test_a_tag_naming_no_supported_locale_is_refused_when_named(tag: str) -> None:
    with pytest.raises(UnsupportedLocale):
        parse_locale(tag)
    with pytest.raises(UnsupportedLocale):
        parse_locale("sv", INTERFACE_LOCALES)


@pytest.mark.parametrize("tag", ["<script>", "12", "de--AT", "", "d"])
def test_what_is_no_language_tag_is_refused_by_both_rules(tag: str) -> None:
    with pytest.raises(NotALanguageTag):
        parse_locale(tag)
    with pytest.raises(NotALanguageTag):
        negotiate(tag, None, None, CONTENT_LOCALES)


def test_accept_language_is_ordered_by_quality() -> None:
    assert parse_accept_language("da;q=0.5, de-DE, en;q=0.8, *;q=0.1, fr;q=0") == ["de-DE", "en", "da"]


def test_fallback_chain_is_locale_english_source() -> None:
    assert fallback_chain("ja", "da") == ("ja", "en", "da")
    assert fallback_chain("en", "da") == ("en", "da")
    assert fallback_chain("da", "da") == ("da", "en")


def test_query_beats_cookie_beats_header() -> None:
    assert negotiate("de", "da", "en", INTERFACE_LOCALES) == ("de", "de")
    assert negotiate(None, "da", "de", INTERFACE_LOCALES) == ("da", "da")
    assert negotiate(None, None, "de-CH, en;q=0.5", INTERFACE_LOCALES) == ("de", "de")
    assert negotiate(None, "xx", None, INTERFACE_LOCALES) == ("en", "en")


def test_unsupported_query_locale_is_served_in_english_and_says_so() -> None:
    assert negotiate("tlh", None, "da", INTERFACE_LOCALES) == ("en", "tlh")
