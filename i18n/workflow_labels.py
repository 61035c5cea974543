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
#: Names of the parts of an entry that can change between versions, as the pack builder lists them.
CHANGED_PARTS = {
    **FIELDS,
    "themes": N_("Themes"),
    "sdgs": N_("Sustainable Development Goals"),
    "maturity": N_("Maturity"),
    "markets": N_("Markets"),
    "images": N_("Images"),
    "city": N_("City"),
    "country": N_("Country"),
    "from_year": N_("Years"),
    "to_year": N_("Years"),
    "solutions": N_("Solutions used"),
    "partners": N_("Partners"),
    "outcomes": N_("Measured results"),
    "cost": N_("Cost and financing"),
    "sources": N_("Sources"),
}
#: What a pack generation is doing.
RENDER_STAGES = {
    "waiting": N_("Waiting for a worker"),
    "loading": N_("Collecting the entries"),
    "rendering": N_("Rendering the PDF"),
    "finished": N_("Finished"),
}
