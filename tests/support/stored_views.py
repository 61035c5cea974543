"""Views built from stored entries loaded as ORM objects with their relationships: the reference that
the catalogue's views, built from plain rows, are compared with."""

from typing import Any

from sqlalchemy.orm import joinedload, selectinload

from catalogue import tables as t
from catalogue import views as v
from catalogue.texts import fields_of
from i18n.locales import Locale
from services.reading import presenting

CASE_SUMMARY = (
    selectinload(t.CaseResult.texts),
    selectinload(t.CaseResult.solutions).selectinload(t.Solution.themes),
)
ORGANISATION = (selectinload(t.Organisation.texts),)
VISIT_SITE = (
    selectinload(t.VisitSite.texts),
    joinedload(t.VisitSite.host),
    selectinload(t.VisitSite.cases).selectinload(t.CaseResult.texts),
)


def case_summary(case: t.CaseResult, locale: Locale) -> v.CaseSummary:
    published = (solution for solution in case.solutions if solution.is_published)
    themes = {theme.slug: theme for solution in published for theme in solution.themes}
    ordered = sorted(themes, key=lambda slug: (themes[slug].position, slug))
    return presenting.summary_of_case(case, ordered, fields_of(case.texts), locale)


def organisation_summary(org: t.Organisation, locale: Locale) -> v.OrganisationSummary:
    return presenting.summary_of_organisation(org, fields_of(org.texts), locale)


def visit_site_view(site: t.VisitSite, locale: Locale) -> v.VisitSiteView:
    cases = [
        v.CaseRef(
            slug=case.slug,
            title=presenting.text_of(fields_of(case.texts), "title", locale),
            city=case.city,
            country=case.country,
        )
        for case in site.cases
        if case.is_published
    ]
    host = v.OrganisationRef(slug=site.host.slug, name=site.host.name, kind=site.host.kind)
    return presenting.view_of_visit_site(site, host, cases, fields_of(site.texts), locale)


#: The reference view of each list's entries, by kind.
REFERENCES: dict[str, Any] = {
    "cases": (CASE_SUMMARY, case_summary),
    "organisations": (ORGANISATION, organisation_summary),
    "visit sites": (VISIT_SITE, visit_site_view),
}
