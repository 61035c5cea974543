"""Which typeface sets each locale's text, so every script has a font that covers it."""

#: Font families by locale; Chinese, Japanese and Korean each get their own regional face.
_FAMILIES = {
    "zh": "Noto Sans CJK SC",
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "ar": "Noto Naskh Arabic",
}
#: Latin, Cyrillic and Greek.
DEFAULT_FAMILY = "Noto Sans"


def font_family(locale: str) -> str:
    """The font family for text in ``locale``."""
    return _FAMILIES.get(locale, DEFAULT_FAMILY)
