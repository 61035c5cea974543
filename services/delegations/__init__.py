"""Delegations and their packs: suggestions, composition, generation jobs, freshness, sharing, reach."""
