"""Locales, negotiation, fallback chains, formatting and the gettext catalogues."""
