"""Text folding for search: case, accents and Danish letters compared loosely."""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "œ": "oe"})
_SPACE = re.compile(r"\s+")
# Kana voicing marks change the word (ペ is not ヘ): they are kept, unlike accents.
_KANA_MARKS = frozenset({"\u3099", "\u309a"})


def fold(text: str) -> str:
    """Lower-case ``text`` without accents, so that København, Kobenhavn and KØBENHAVN agree.

    The Danish spelling ``aa`` for ``å`` folds to ``a`` as well, so Århus finds Aarhus.
    CJK text passes through unchanged (width-normalised), to be matched by substring. Control
    characters become spaces.
    """
    visible = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    decomposed = unicodedata.normalize("NFKD", visible.casefold().translate(_LETTERS))
    stripped = "".join(char for char in decomposed if char in _KANA_MARKS or not unicodedata.combining(char))
    recomposed = unicodedata.normalize("NFC", stripped)
    return _SPACE.sub(" ", recomposed.translate(_LETTERS).replace("aa", "a")).strip()
