"""Routes of editing and review: the edit and review pages, the editing, image and administration APIs."""
