"""Loading catalogue records (data files, imports) into the database."""

from collections.abc import Iterable
from pathlib import Path

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import richtext
from catalogue import tables as t
from catalogue.content import OutcomeContent
from catalogue.folding import fold
from catalogue.localised import LocalisedText
from catalogue.records import (
    CaseRecord,
    CatalogueFile,
    OrganisationRecord,
    SolutionRecord,
    Texts,
    ThemeRecord,
    VisitSiteRecord,
)
from catalogue.records import Outcome as OutcomeRecord
from catalogue.texts import EditableTexts, store_field
from catalogue.validation import catalogue_problems
from catalogue.vocabulary import PartnerRole
from services.errors import InvalidCatalogueData


def read_catalogue_files(paths: Iterable[Path]) -> CatalogueFile:
    """All records of the TOML files at ``paths``, as one set; a malformed file names itself and the field."""
    merged = CatalogueFile()
    for path in sorted(paths):
        try:
            part = msgspec.toml.decode(path.read_bytes(), type=CatalogueFile)
        except msgspec.ValidationError as error:
            raise InvalidCatalogueData([f"{path.name}: {error}"]) from error
        merged = CatalogueFile(
            themes=[*merged.themes, *part.themes],
            organisations=[*merged.organisations, *part.organisations],
            solutions=[*merged.solutions, *part.solutions],
            cases=[*merged.cases, *part.cases],
            visit_sites=[*merged.visit_sites, *part.visit_sites],
            exchange_rates=[*merged.exchange_rates, *part.exchange_rates],
        )
    return merged


def _store_texts(
    owner: EditableTexts, row_class: type[t.TextRow], source_locale: str, fields: dict[str, Texts]
) -> None:
    for field, texts in fields.items():
        if texts:
            store_field(owner, row_class, field, LocalisedText.from_source(source_locale, texts))


def organisation_row(record: OrganisationRecord) -> t.Organisation:
    """A new organisation row, with its localised description, for ``record``."""
    contact = record.contact
    org = t.Organisation(
        slug=record.slug,
        name=record.name,
        name_folded=fold(record.name),
        kind=record.kind.value,
        helix_role=record.helix_role.value,
        country=record.country,
        cvr=record.cvr,
        address=record.address,
        postcode=record.postcode,
        city=record.city,
        website=record.website,
        contact_name=contact.name if contact else None,
        contact_email=contact.email if contact else None,
        contact_phone=contact.phone if contact else None,
        sources=list(record.sources),
        is_demo=record.demo,
        texts=[],
    )
    _store_texts(org, t.OrganisationText, record.source_locale, {"description": record.description})
    return org


def _solution(record: SolutionRecord, orgs: dict[str, t.Organisation], themes: dict[str, t.Theme]) -> t.Solution:
    solution = t.Solution(
        slug=record.slug,
        provider=orgs[record.provider],
        maturity=record.maturity.value,
        sdgs=sorted(set(record.sdgs)),
        markets=list(dict.fromkeys(record.markets)),
        is_demo=record.demo,
        themes=[themes[slug] for slug in record.themes],
        texts=[],
    )
    fields = {
        "title": record.title,
        "summary": record.summary,
        "description": record.description,
        "benefits": record.benefits,
    }
    _store_texts(solution, t.SolutionText, record.source_locale, fields)
    return solution


#: Which partner keeps a case current, most likely first.
_MAINTAINER_ROLES = (PartnerRole.SUPPLIER, PartnerRole.OWNER)


def maintainer_of(record: CaseRecord) -> str:
    """The slug of the organisation whose editors keep the case current: its supplier, else its owner."""
    for role in _MAINTAINER_ROLES:
        for partner in record.partners:
            if partner.role is role:
                return partner.organisation
    return record.partners[0].organisation


def _case(record: CaseRecord, orgs: dict[str, t.Organisation], solutions: dict[str, t.Solution]) -> t.CaseResult:
    cost = record.cost
    investment = cost.investment if cost else None
    case = t.CaseResult(
        slug=record.slug,
        city=record.city,
        country=record.country,
        from_year=record.from_year,
        to_year=record.to_year,
        investment_amount=investment.amount if investment else None,
        investment_currency=investment.currency if investment else None,
        funding_model=cost.funding_model.value if cost and cost.funding_model else None,
        payback_years=cost.payback_years if cost else None,
        cost_source=cost.source if cost else None,
        cost_as_of=cost.as_of if cost else None,
        is_demo=record.demo,
        maintainer=orgs[maintainer_of(record)],
        sources=list(record.sources),
        solutions=[solutions[slug] for slug in record.solutions],
        partners=[
            t.CasePartner(organisation=orgs[p.organisation], role=p.role.value, position=n)
            for n, p in enumerate(record.partners)
        ],
        outcomes=[],
        texts=[],
    )
    fields = {
        "title": record.title,
        "summary": record.summary,
        "challenge": record.challenge,
        "approach": record.approach,
        "site": record.site,
    }
    _store_texts(case, t.CaseText, record.source_locale, fields)
    for position, item in enumerate(record.outcomes):
        outcome = outcome_row(item, position, item.verification.value)
        _store_texts(outcome, t.OutcomeText, record.source_locale, {"label": item.label, "note": item.note})
        case.outcomes.append(outcome)
    return case


OutcomeFigures = OutcomeRecord | OutcomeContent


def outcome_row(item: OutcomeFigures, position: int, verification: str) -> t.Outcome:
    """A new outcome row holding ``item``'s figures, without its texts."""
    return t.Outcome(
        position=position,
        metric=item.metric,
        unit=item.unit,
        baseline=item.baseline,
        result=item.result,
        result_max=item.result_max,
        annual=item.annual,
        from_year=item.from_year,
        to_year=item.to_year,
        method=item.method.value,
        verification=verification,
        source=item.source,
        source_url=item.source_url,
        as_of=item.as_of,
        texts=[],
    )


def _visit_site(
    record: VisitSiteRecord, orgs: dict[str, t.Organisation], cases: dict[str, t.CaseResult]
) -> t.VisitSite:
    site = t.VisitSite(
        slug=record.slug,
        kind=record.kind.value,
        host=orgs[record.host],
        address=record.address,
        postcode=record.postcode,
        city=record.city,
        country=record.country,
        latitude=record.latitude,
        longitude=record.longitude,
        tour_languages=list(dict.fromkeys(record.tour_languages)),
        capacity=record.capacity,
        is_demo=record.demo,
        sources=list(record.sources),
        cases=[cases[slug] for slug in record.cases],
        texts=[],
    )
    fields = {"name": record.name, "description": record.description, "how_to_visit": record.how_to_visit}
    _store_texts(site, t.VisitSiteText, record.source_locale, fields)
    return site


def theme_row(record: ThemeRecord) -> t.Theme:
    """A new theme row, with its localised label and description, for ``record``."""
    theme = t.Theme(slug=record.slug, position=record.position, texts=[])
    _store_texts(theme, t.ThemeText, record.source_locale, {"label": record.label, "description": record.description})
    return theme


async def is_empty(session: AsyncSession) -> bool:
    """Whether the catalogue holds no entries yet."""
    return (await session.scalar(select(func.count()).select_from(t.Organisation))) == 0


async def holds(session: AsyncSession, data: CatalogueFile) -> bool:
    """Whether the stored catalogue is ``data``: every organisation it names is there."""
    slugs = {record.slug for record in data.organisations}
    stored = await session.scalar(select(func.count()).where(t.Organisation.slug.in_(slugs)))
    return bool(slugs) and stored == len(slugs)


def rich_text_problems(data: CatalogueFile) -> list[str]:
    """The rich texts of ``data`` nested deeper than :data:`richtext.MAX_NESTING`, named by entry, field and locale."""
    problems = []
    for kind, records in (("solution", data.solutions), ("case", data.cases)):
        for record in records:
            for field in richtext.RICH_FIELDS[kind]:
                for locale, text in getattr(record, field).items():
                    if problem := richtext.nesting_problem(text):
                        problems.append(f"{kind} {record.slug!r}: {field}.{locale}: {problem}")
    return problems


def data_problems(data: CatalogueFile) -> list[str]:
    """Everything that keeps ``data`` from being imported, besides a catalogue that is not empty."""
    return catalogue_problems(data) + rich_text_problems(data)


async def import_catalogue(session: AsyncSession, data: CatalogueFile) -> None:
    """Add ``data`` to an empty catalogue in the session's transaction; the caller commits. Invalid data raises
    and adds nothing."""
    problems = data_problems(data)
    if not await is_empty(session):
        problems.append("the catalogue is not empty")
    if problems:
        raise InvalidCatalogueData(problems)
    themes = {record.slug: theme_row(record) for record in data.themes}
    orgs = {record.slug: organisation_row(record) for record in data.organisations}
    solutions = {record.slug: _solution(record, orgs, themes) for record in data.solutions}
    cases = {record.slug: _case(record, orgs, solutions) for record in data.cases}
    sites = [_visit_site(record, orgs, cases) for record in data.visit_sites]
    rates = [
        t.ExchangeRate(base=rate.base, quote=rate.quote, rate=rate.rate, as_of=rate.as_of, source=rate.source)
        for rate in data.exchange_rates
    ]
    session.add_all([*themes.values(), *orgs.values(), *solutions.values(), *cases.values(), *sites, *rates])
    await session.flush()
