"""Localised text: resolution along the fallback chain and outdated marking."""

import pytest

from catalogue.localised import LocalisedText, LocalisedValue, fingerprint, replace_source, resolve
from catalogue.vocabulary import TranslationState

APPROVED, DRAFT, OUTDATED = TranslationState.APPROVED, TranslationState.DRAFT, TranslationState.OUTDATED


def text(**values: tuple[str, TranslationState]) -> LocalisedText:
    source = fingerprint(values["da"][0])
    return LocalisedText(
        source_locale="da",
        values={
            locale: LocalisedValue(text=value, state=state, source_fingerprint=None if locale == "da" else source)
            for locale, (value, state) in values.items()
        },
    )


def test_exact_locale_wins() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), en=("Cloudburst", APPROVED), de=("Wolkenbruch", APPROVED)), "de")
    assert (resolved.text, resolved.locale, resolved.is_fallback) == ("Wolkenbruch", "de", False)


def test_missing_locale_falls_back_to_english_first() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), en=("Cloudburst", APPROVED)), "ja")
    assert (resolved.text, resolved.locale, resolved.requested_locale) == ("Cloudburst", "en", "ja")
    assert resolved.is_fallback


def test_without_english_falls_back_to_the_source() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), sv=("Skyfall", APPROVED)), "de")
    assert (resolved.text, resolved.locale) == ("Skybrud", "da")


def test_drafts_are_never_shown() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), en=("Cloudburst", APPROVED), de=("Entwurf", DRAFT)), "de")
    assert resolved.locale == "en"


def test_outdated_translation_is_shown_and_flagged() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), de=("Wolkenbruch", OUTDATED)), "de")
    assert (resolved.locale, resolved.outdated, resolved.is_fallback) == ("de", True, False)


def test_source_locale_request_is_not_a_fallback() -> None:
    resolved = resolve(text(da=("Skybrud", APPROVED), en=("Cloudburst", APPROVED)), "da")
    assert (resolved.text, resolved.is_fallback) == ("Skybrud", False)


def test_new_source_marks_other_locales_outdated() -> None:
    original = LocalisedText.from_source("da", {"da": "Skybrud", "en": "Cloudburst", "de": "Wolkenbruch"})
    changed = replace_source(original, "Skybrud over København")
    assert changed.source_text == "Skybrud over København"
    assert changed.state("da") is APPROVED
    assert changed.state("en") is OUTDATED
    assert changed.state("de") is OUTDATED
    assert changed.state("ja") is TranslationState.MISSING
    assert changed.values["en"].text == "Cloudburst"


def test_unchanged_source_keeps_translations_approved() -> None:
    original = LocalisedText.from_source("da", {"da": "Skybrud", "en": "Cloudburst"})
    assert replace_source(original, "Skybrud ").state("en") is APPROVED


def test_translation_made_from_the_new_source_stays_current() -> None:
    new_source = "Skybrud over København"
    original = LocalisedText(
        source_locale="da",
        values={
            "da": LocalisedValue(text="Skybrud", state=APPROVED),
            "en": LocalisedValue(text="Cloudburst", state=APPROVED, source_fingerprint=fingerprint("Skybrud")),
            "de": LocalisedValue(text="Wolkenbruch", state=DRAFT, source_fingerprint=fingerprint(new_source)),
        },
    )
    changed = replace_source(original, new_source)
    assert changed.state("en") is OUTDATED
    assert changed.state("de") is DRAFT


@pytest.mark.parametrize(("a", "b"), [("Åkande", "A\u030akande"), ("  Skybrud\n", "Skybrud")])
def test_fingerprint_ignores_normalisation_and_surrounding_space(a: str, b: str) -> None:
    assert fingerprint(a) == fingerprint(b)
