"""Public reading: lists, search, single entries and the solution brochure, in the reader's locale."""
