"""Localised content: one value per locale, each with a state and the source it was made from."""

import hashlib
import unicodedata

import msgspec

from catalogue.vocabulary import TranslationState
from i18n.locales import CONTENT_LOCALES, fallback_chain

#: States whose text may be shown to the public.
PUBLIC_STATES = frozenset({TranslationState.APPROVED, TranslationState.OUTDATED})


def fingerprint(text: str) -> str:
    """A short, stable digest of a source text, insensitive to Unicode normalisation form."""
    normalised = unicodedata.normalize("NFC", text.strip())
    return hashlib.sha256(normalised.encode()).hexdigest()[:16]


class LocalisedValue(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    text: str
    state: TranslationState
    #: Fingerprint of the source text this value was translated from; ``None`` for the source.
    source_fingerprint: str | None = None


class Resolved(msgspec.Struct, frozen=True):
    """A text as shown to a reader, and the locale it really came from."""

    text: str
    locale: str
    requested_locale: str
    outdated: bool = False

    @property
    def is_fallback(self) -> bool:
        return self.locale != self.requested_locale


class LocalisedText(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One translatable field: a value per locale and the locale it was written in."""

    source_locale: str
    values: dict[str, LocalisedValue]

    @classmethod
    def from_source(
        cls, source_locale: str, texts: dict[str, str], state: TranslationState = TranslationState.APPROVED
    ) -> "LocalisedText":
        """Build a field from plain texts; the non-source texts are translations of the current source."""
        source = texts[source_locale]
        source_print = fingerprint(source)
        values = {
            locale: LocalisedValue(
                text=text,
                state=TranslationState.APPROVED if locale == source_locale else state,
                source_fingerprint=None if locale == source_locale else source_print,
            )
            for locale, text in texts.items()
        }
        return cls(source_locale=source_locale, values=values)

    @property
    def source_text(self) -> str:
        return self.values[self.source_locale].text

    def state(self, locale: str) -> TranslationState:
        value = self.values.get(locale)
        return value.state if value else TranslationState.MISSING

    def public_locales(self) -> list[str]:
        """Locales with a value the public may see, in the order of :data:`CONTENT_LOCALES`."""
        public = {locale for locale, value in self.values.items() if value.state in PUBLIC_STATES}
        return [locale for locale in CONTENT_LOCALES if locale in public]


def resolve(text: LocalisedText, locale: str) -> Resolved:
    """The value a reader of ``locale`` sees, following the fallback chain to the source.

    Drafts and missing values are skipped; the source value always resolves.
    """
    for candidate in fallback_chain(locale, text.source_locale):
        value = text.values.get(candidate)
        if value is not None and value.state in PUBLIC_STATES:
            return Resolved(
                text=value.text,
                locale=candidate,
                requested_locale=locale,
                outdated=value.state is TranslationState.OUTDATED,
            )
    source = text.values[text.source_locale]
    return Resolved(text=source.text, locale=text.source_locale, requested_locale=locale)


def replace_source(text: LocalisedText, new_source: str) -> LocalisedText:
    """The field with a new source text; translations made from an older source become outdated."""
    new_print = fingerprint(new_source)
    values: dict[str, LocalisedValue] = {}
    for locale, value in text.values.items():
        if locale == text.source_locale:
            values[locale] = LocalisedValue(text=new_source, state=TranslationState.APPROVED)
        elif value.source_fingerprint != new_print and value.state is not TranslationState.MISSING:
            values[locale] = msgspec.structs.replace(value, state=TranslationState.OUTDATED)
        else:
            values[locale] = value
    return LocalisedText(source_locale=text.source_locale, values=values)
