"""Interface labels of the catalogue's vocabularies, marked for translation."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


ORGANISATION_KINDS = {
    "company": N_("Company"),
    "municipality": N_("Municipality"),
    "utility": N_("Utility"),
    "knowledge_institution": N_("Knowledge institution"),
    "living_lab": N_("Living lab"),
    "network": N_("Network or cluster"),
}
HELIX_ROLES = {
    "industry": N_("Industry"),
    "public": N_("Public sector"),
    "knowledge": N_("Knowledge institution"),
}
MATURITIES = {
    "pilot": N_("Pilot"),
    "demonstrated": N_("Demonstrated"),
    "commercial": N_("Commercially available"),
    "scaled": N_("Deployed at scale"),
}
PARTNER_ROLES = {
    "owner": N_("Owner"),
    "supplier": N_("Supplier"),
    "operator": N_("Operator"),
    "research": N_("Research partner"),
    "funder": N_("Funder"),
    "facilitator": N_("Facilitator"),
}
OUTCOME_METHODS = {
    "measured": N_("Measured"),
    "estimated": N_("Estimated"),
    "modelled": N_("Modelled"),
    "target": N_("Target"),
}
VERIFICATIONS = {
    "unverified": N_("Unverified"),
    "self_reported": N_("Self-reported"),
    "published": N_("Published source"),
    "independently_verified": N_("Independently verified"),
}
FUNDING_MODELS = {
    "public_budget": N_("Public budget"),
    "energy_savings": N_("Financed by energy savings"),
    "utility_tariff": N_("Utility tariffs"),
    "public_private_partnership": N_("Public-private partnership"),
    "grant": N_("Grant"),
    "mixed": N_("Mixed funding"),
}
VISIT_SITE_KINDS = {
    "living_lab": N_("Living lab"),
    "reference_site": N_("Reference site"),
}
