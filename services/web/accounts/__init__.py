"""Routes of the accounts feature: sign-in pages and the accounts API."""
