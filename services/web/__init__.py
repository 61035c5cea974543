"""The web edge: the JSON API, the public pages and their shared plumbing."""
