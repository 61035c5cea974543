"""Documents made from the catalogue: brochures (and later delegation packs) as PDF."""
