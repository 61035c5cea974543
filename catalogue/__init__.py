"""The catalogue domain: entities, localised text, validation and persistence."""
