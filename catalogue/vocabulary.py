"""Closed vocabularies of the catalogue. Their labels live in the gettext catalogues."""

from enum import StrEnum


class OrganisationKind(StrEnum):
    COMPANY = "company"
    MUNICIPALITY = "municipality"
    UTILITY = "utility"
    KNOWLEDGE_INSTITUTION = "knowledge_institution"
    LIVING_LAB = "living_lab"
    NETWORK = "network"


class HelixRole(StrEnum):
    """Position in the triple helix of companies, public bodies and knowledge institutions."""

    INDUSTRY = "industry"
    PUBLIC = "public"
    KNOWLEDGE = "knowledge"


class Maturity(StrEnum):
    PILOT = "pilot"
    DEMONSTRATED = "demonstrated"
    COMMERCIAL = "commercial"
    SCALED = "scaled"


class PartnerRole(StrEnum):
    OWNER = "owner"
    SUPPLIER = "supplier"
    OPERATOR = "operator"
    RESEARCH = "research"
    FUNDER = "funder"
    FACILITATOR = "facilitator"


class OutcomeMethod(StrEnum):
    """How an outcome figure came about."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    MODELLED = "modelled"
    TARGET = "target"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    SELF_REPORTED = "self_reported"
    PUBLISHED = "published"
    INDEPENDENTLY_VERIFIED = "independently_verified"


class FundingModel(StrEnum):
    PUBLIC_BUDGET = "public_budget"
    ENERGY_SAVINGS = "energy_savings"
    UTILITY_TARIFF = "utility_tariff"
    PUBLIC_PRIVATE_PARTNERSHIP = "public_private_partnership"
    GRANT = "grant"
    MIXED = "mixed"


class VisitSiteKind(StrEnum):
    LIVING_LAB = "living_lab"
    REFERENCE_SITE = "reference_site"


class TranslationState(StrEnum):
    MISSING = "missing"
    DRAFT = "draft"
    APPROVED = "approved"
    OUTDATED = "outdated"


class Role(StrEnum):
    """What an account may do; editors are bound to one organisation, translators to their locales."""

    ADMINISTRATOR = "administrator"
    ADVISER = "adviser"
    EDITOR = "editor"
    TRANSLATOR = "translator"


class VersionStatus(StrEnum):
    """Where a version of an entry stands in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


#: Statuses of the one version per entry that is still being worked on.
OPEN_STATUSES = frozenset({VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.RETURNED})


#: Units an outcome may be measured in, besides ISO 4217 currency codes.
UNITS = frozenset({
    "percent", "count", "kwh", "mwh", "gwh", "tj", "mm", "m", "km", "minute", "hour", "year", "tonne", "tonne-co2",
})  # fmt: skip
