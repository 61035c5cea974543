"""Editing and review: drafts, approval, versions, images, imports and direct administration."""
