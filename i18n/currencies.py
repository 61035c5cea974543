"""The currency a reader of each locale thinks in, for showing converted amounts."""

#: Where a locale is spoken in one currency area; English and Arabic readers get US dollars.
READER_CURRENCIES = {
    "da": "DKK", "en": "USD", "de": "EUR", "sv": "SEK", "nb": "NOK", "fi": "EUR", "nl": "EUR", "fr": "EUR",
    "es": "EUR", "pt": "EUR", "it": "EUR", "pl": "PLN", "uk": "UAH", "zh": "CNY", "ja": "JPY", "ko": "KRW",
    "ar": "USD",
}  # fmt: skip


def reader_currency(locale: str) -> str:
    return READER_CURRENCIES.get(locale, "USD")
