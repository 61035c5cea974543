"""Editable entries: loading them with the reader's permissions, reading and writing their content.

Every permission is part of the query that loads the entry: an entry an account may not edit is
never loaded for it, so it is answered as not found.
"""

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.content import CaseContent, Content, EntryKind, ImageRef, OutcomeContent, SolutionContent, revise
from catalogue.records import Cost, Money, Partner
from catalogue.texts import fields_of, store_field
from catalogue.vocabulary import (
    FundingModel,
    Maturity,
    OutcomeMethod,
    PartnerRole,
    TranslationState,
    Verification,
)
from services.accounts.accounts import Actor
from services.editing.importing import outcome_row
from services.editing.permissions import editable_by
from services.errors import InvalidInput, NotFound

Entry = t.Solution | t.CaseResult
MODELS: dict[str, type[t.Solution] | type[t.CaseResult]] = {"solution": t.Solution, "case": t.CaseResult}
_LOADS = {
    "solution": (
        selectinload(t.Solution.texts),
        selectinload(t.Solution.themes),
        selectinload(t.Solution.provider),
    ),
    "case": (
        selectinload(t.CaseResult.texts),
        selectinload(t.CaseResult.solutions),
        selectinload(t.CaseResult.partners).selectinload(t.CasePartner.organisation),
        selectinload(t.CaseResult.outcomes).selectinload(t.Outcome.texts),
        selectinload(t.CaseResult.maintainer),
    ),
}


async def load_entry(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> Entry:
    """The entry with everything its content needs, if ``actor`` may edit it; otherwise not found."""
    model = MODELS[kind]
    entry: Entry | None = await session.scalar(
        select(model).where(model.slug == slug, editable_by(kind, actor)).options(*_LOADS[kind])
    )
    if entry is None:
        raise NotFound(kind, slug)
    return entry


def source_locale_of(entry: Entry) -> str:
    """The language the entry was written in (its title's source locale)."""
    title = fields_of(entry.texts).get("title")
    return title.source_locale if title else "da"


def _texts(rows: Any, field: str) -> dict[str, str]:
    text = fields_of(row for row in rows if row.field == field).get(field)
    if text is None:
        return {}
    return {locale: value.text for locale, value in text.values.items() if value.state is not TranslationState.MISSING}


def content_of(entry: Entry) -> Content:
    """The entry's content as it is live in the catalogue."""
    if isinstance(entry, t.Solution):
        return SolutionContent(
            themes=[theme.slug for theme in entry.themes],
            sdgs=list(entry.sdgs),
            maturity=Maturity(entry.maturity),
            markets=list(entry.markets),
            title=_texts(entry.texts, "title"),
            summary=_texts(entry.texts, "summary"),
            description=_texts(entry.texts, "description"),
            benefits=_texts(entry.texts, "benefits"),
            images=msgspec.convert(entry.images, list[ImageRef]),
        )
    cost = None
    if entry.cost_source is not None and entry.cost_as_of is not None:
        investment = (
            Money(amount=entry.investment_amount, currency=entry.investment_currency)
            if entry.investment_amount is not None and entry.investment_currency
            else None
        )
        cost = Cost(
            investment=investment,
            funding_model=FundingModel(entry.funding_model) if entry.funding_model else None,
            payback_years=entry.payback_years,
            source=entry.cost_source,
            as_of=entry.cost_as_of,
        )
    return CaseContent(
        title=_texts(entry.texts, "title"),
        summary=_texts(entry.texts, "summary"),
        challenge=_texts(entry.texts, "challenge"),
        approach=_texts(entry.texts, "approach"),
        site=_texts(entry.texts, "site"),
        city=entry.city,
        country=entry.country,
        from_year=entry.from_year,
        to_year=entry.to_year,
        solutions=[solution.slug for solution in entry.solutions],
        partners=[
            Partner(organisation=partner.organisation.slug, role=PartnerRole(partner.role))
            for partner in entry.partners
        ],
        outcomes=[
            OutcomeContent(
                metric=outcome.metric,
                label=_texts(outcome.texts, "label"),
                unit=outcome.unit,
                baseline=outcome.baseline,
                result=outcome.result,
                result_max=outcome.result_max,
                annual=outcome.annual,
                from_year=outcome.from_year,
                to_year=outcome.to_year,
                method=OutcomeMethod(outcome.method),
                source=outcome.source,
                source_url=outcome.source_url,
                as_of=outcome.as_of,
                note=_texts(outcome.texts, "note"),
            )
            for outcome in entry.outcomes
        ],
        cost=cost,
        sources=list(entry.sources),
        images=msgspec.convert(entry.images, list[ImageRef]),
    )


def _store(owner: Any, row_class: type[t.TextRow], source_locale: str, field: str, texts: dict[str, str]) -> None:
    current = fields_of(row for row in owner.texts if row.field == field).get(field)
    if not texts:
        owner.texts[:] = [row for row in owner.texts if row.field != field]
        return
    store_field(owner, row_class, field, revise(current, source_locale, texts))


async def _by_slug(session: AsyncSession, model: Any, slugs: list[str], field: str) -> list[Any]:
    found = {row.slug: row for row in await session.scalars(select(model).where(model.slug.in_(slugs)))}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise InvalidInput(field, f"unknown: {', '.join(missing)}")
    return [found[slug] for slug in slugs]


async def apply_content(session: AsyncSession, entry: Entry, content: Content, source: str | None = None) -> None:
    """Make ``content`` the entry's live content; translations follow :func:`catalogue.content.revise`.

    ``source`` names the source language of an entry that has no texts yet.
    """
    source = source or source_locale_of(entry)
    if isinstance(entry, t.Solution) and isinstance(content, SolutionContent):
        entry.maturity = content.maturity.value
        entry.sdgs = sorted(set(content.sdgs))
        entry.markets = list(dict.fromkeys(content.markets))
        entry.themes = await _by_slug(session, t.Theme, content.themes, "themes")
        entry.images = msgspec.to_builtins(content.images)
        for field in ("title", "summary", "description", "benefits"):
            _store(entry, t.SolutionText, source, field, getattr(content, field))
        return
    assert isinstance(entry, t.CaseResult) and isinstance(content, CaseContent)
    cost, investment = content.cost, content.cost.investment if content.cost else None
    entry.city, entry.country = content.city, content.country
    entry.from_year, entry.to_year = content.from_year, content.to_year
    entry.investment_amount = investment.amount if investment else None
    entry.investment_currency = investment.currency if investment else None
    entry.funding_model = cost.funding_model.value if cost and cost.funding_model else None
    entry.payback_years = cost.payback_years if cost else None
    entry.cost_source = cost.source if cost else None
    entry.cost_as_of = cost.as_of if cost else None
    entry.sources = list(content.sources)
    entry.images = msgspec.to_builtins(content.images)
    entry.solutions = await _by_slug(session, t.Solution, list(dict.fromkeys(content.solutions)), "solutions")
    organisations = await _by_slug(
        session, t.Organisation, [partner.organisation for partner in content.partners], "partners"
    )
    entry.partners = [
        t.CasePartner(organisation=org, role=partner.role.value, position=number)
        for number, (org, partner) in enumerate(zip(organisations, content.partners, strict=True))
    ]
    for field in ("title", "summary", "challenge", "approach", "site"):
        _store(entry, t.CaseText, source, field, getattr(content, field))
    entry.outcomes = [_outcome(entry.outcomes, number, item, source) for number, item in enumerate(content.outcomes)]


def _figures(outcome: t.Outcome | OutcomeContent) -> tuple[Any, ...]:
    return (
        outcome.metric, outcome.unit, outcome.method, outcome.baseline, outcome.result, outcome.result_max,
        outcome.annual, outcome.from_year, outcome.to_year, outcome.source, outcome.source_url, outcome.as_of,
    )  # fmt: skip


def _outcome(current: list[t.Outcome], position: int, item: OutcomeContent, source: str) -> t.Outcome:
    """The stored outcome for ``item``; a figure that did not change keeps its verification."""
    same = next((outcome for outcome in current if _figures(outcome) == _figures(item)), None)
    verification = same.verification if same else Verification.SELF_REPORTED.value
    outcome = outcome_row(item, position, verification)
    previous = current[position] if position < len(current) else None
    for field in ("label", "note"):
        texts = getattr(item, field)
        if not texts:
            continue
        old = fields_of(row for row in previous.texts if row.field == field).get(field) if previous else None
        store_field(outcome, t.OutcomeText, field, revise(old, source, texts))
    return outcome
