"""Routes of public reading: pages, the catalogue API and brochure downloads."""
