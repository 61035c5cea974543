"""Use cases of the catalogue and its delivery edges (web application, command line)."""
