"""Routes of translation: the translation and translation-request APIs."""
