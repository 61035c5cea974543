"""Translation: states, completeness, files for translators, requests and the glossary."""
