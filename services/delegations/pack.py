"""A delegation's pack as one localised document: a pure function from views to what the template lays out.

Sections are numbered by their place in the pack, so every language's pack has the same order
and numbering. Solutions and cases are shown with the brochure's own parts.
"""

import datetime as dt

import msgspec
from markupsafe import Markup

from catalogue import views as v
from catalogue.delegations import Delegation
from catalogue.packs import PackContact, PackRecord, item_key
from i18n import formatting
from i18n.locales import Locale
from services.reading.brochure import (
    Brochure,
    CaseSection,
    Gettext,
    Shown,
    build_case_section,
    page_numbers_css,
    shown,
    with_image_prefix,
)


class SiteShown(msgspec.Struct, frozen=True):
    name: Shown
    description: Shown
    how_to_visit: Shown
    address: str
    tours: str
    capacity: str


class PackSection(msgspec.Struct, frozen=True):
    number: int
    anchor: str
    kind: str
    title: Shown
    brochure: Brochure | None = None
    case: CaseSection | None = None
    site: SiteShown | None = None


class ShownVisit(msgspec.Struct, frozen=True):
    time: str
    title: str
    place: str
    host: str | None
    anchor: str | None


class ShownDay(msgspec.Struct, frozen=True):
    date: str
    visits: list[ShownVisit]


class PackDocument(msgspec.Struct, frozen=True):
    locale: Locale
    direction: str
    title: str
    subtitle: str
    prepared_by: str
    letter: Shown
    sections: list[PackSection]
    programme: list[ShownDay]
    contacts: list[PackContact]
    page_number_css: str
    keywords: list[str]
    images: dict[str, bytes]


class PackContent(msgspec.Struct, frozen=True):
    """The views a pack is made of, loaded in the pack's language."""

    brochures: dict[str, Brochure]
    cases: dict[str, v.CaseDetail]
    sites: dict[str, v.VisitSiteView]
    rates: list[v.ExchangeRateView]


def _site(site: v.VisitSiteView, locale: Locale, _: Gettext) -> SiteShown:
    address = ", ".join(part for part in (site.address, site.postcode, site.city) if part)
    return SiteShown(
        name=shown(site.name),
        description=shown(site.description),
        how_to_visit=shown(site.how_to_visit),
        address=f"{address}, {formatting.country(site.country, locale)}",
        tours=formatting.languages(list(site.tour_languages), locale) if site.tour_languages else "",
        capacity=_("up to %(num)s people") % {"num": formatting.number(site.capacity, locale)} if site.capacity else "",
    )


def _dates(start: dt.date, end: dt.date, locale: Locale) -> str:
    if start == end:
        return formatting.date(start, locale)
    return f"{formatting.date(start, locale)} – {formatting.date(end, locale)}"


def build_pack(
    delegation: Delegation,
    record: PackRecord,
    content: PackContent,
    prepared_by: str,
    locale: Locale,
    _: Gettext,
) -> PackDocument:
    """The pack of ``delegation`` for readers of ``locale``; ``_`` translates the document's own wording."""
    sections: list[PackSection] = []
    images: dict[str, bytes] = {}
    anchors: dict[str, str] = {}
    left_out = set(record.left_out.get(locale, []))
    for number, item in enumerate(record.items, start=1):
        if item_key(item) in left_out:
            continue
        anchor = f"s{number}-"
        if item.kind == "solution":
            brochure = with_image_prefix(content.brochures[item.slug], anchor)
            images |= brochure.images
            sections.append(
                PackSection(number=number, anchor=anchor, kind="solution", title=brochure.title, brochure=brochure)
            )
        elif item.kind == "case":
            case = build_case_section(content.cases[item.slug], locale, content.rates, _, anchor)
            images |= case.images
            sections.append(PackSection(number=number, anchor=anchor, kind="case", title=case.case.title, case=case))
        else:
            site = _site(content.sites[item.slug], locale, _)
            anchors[item.slug] = anchor
            sections.append(PackSection(number=number, anchor=anchor, kind="visit_site", title=site.name, site=site))
    programme = [
        ShownDay(
            date=formatting.date(day.date, locale),
            visits=[
                ShownVisit(
                    time=visit.starts_at + (f"–{visit.ends_at}" if visit.ends_at else ""),
                    title=visit.title
                    or (content.sites[visit.visit_site].name.text if visit.visit_site in content.sites else ""),
                    place=content.sites[visit.visit_site].city if visit.visit_site in content.sites else "",
                    host=visit.host,
                    anchor=anchors.get(visit.visit_site or ""),
                )
                for visit in day.visits
            ],
        )
        for day in record.programme
    ]
    count = sum(section.kind != "visit_site" for section in sections)
    default_letter = _(
        "Welcome to Denmark. This pack was prepared for your visit: it presents %(count)s Danish solutions and "
        "results chosen for your interests, with their measured outcomes and sources, and the programme of your days."
    ) % {"count": formatting.number(count, locale)}
    letter = record.letter.get(locale)
    place = f"{delegation.city}, " if delegation.city else ""
    return PackDocument(
        locale=locale,
        direction=formatting.direction(locale),
        title=delegation.name,
        subtitle=_("Prepared for your visit to Denmark, %(dates)s")
        % {"dates": _dates(delegation.starts_on, delegation.ends_on, locale)},
        prepared_by=_("Prepared by %(name)s for %(place)s%(country)s")
        % {"name": prepared_by, "place": place, "country": formatting.country(delegation.country, locale)},
        letter=Shown(text=letter or default_letter, locale=locale, direction=formatting.direction(locale)),
        sections=sections,
        programme=programme,
        contacts=list(record.contacts),
        page_number_css=Markup(page_numbers_css(_)),  # noqa: S704 - built from CSS-escaped strings only
        keywords=[section.title.text for section in sections],
        images=images,
    )
