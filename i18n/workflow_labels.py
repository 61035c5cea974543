"""Labels of the editing and review pages, which documents never show (interface domain only)."""

from i18n.labels import N_

ROLES = {
    "administrator": N_("Administrator"),
    "adviser": N_("Export adviser"),
    "editor": N_("Company editor"),
    "translator": N_("Translator"),
}
VERSION_STATUSES = {
    "draft": N_("Draft"),
    "submitted": N_("Waiting for review"),
    "returned": N_("Returned to the editors"),
    "published": N_("Published"),
    "superseded": N_("Earlier version"),
    "withdrawn": N_("Withdrawn"),
}
FIELDS = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "description": N_("Description"),
    "benefits": N_("Benefits, one per line"),
    "challenge": N_("The challenge"),
    "approach": N_("The approach"),
    "site": N_("Place"),
}
TEXT_STATES = {
    "missing": N_("Not translated"),
    "draft": N_("Changed in the draft"),
    "approved": N_("Approved"),
    "outdated": N_("Outdated: the source changed"),
}
