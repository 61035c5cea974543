"""Composing a delegation's pack, and checking that every language of it is ready.

A pack belongs to its delegation, so it is loaded through the delegation's owner check. Every
change names the version it was made to, as drafts do.
"""

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import richtext
from catalogue import tables as t
from catalogue.delegations import Delegation
from catalogue.localised import LocalisedText, resolve
from catalogue.packs import Pack, PackContact, PackItem, PackRecord, ProgrammeDay, item_key, pack_problems
from catalogue.texts import fields_of
from catalogue.translation_requests import TranslationRequest
from i18n.locales import Locale
from services import audit
from services.accounts.accounts import Actor
from services.delegations import delegations
from services.editing import editing
from services.errors import InvalidCatalogueData, InvalidInput, PreconditionFailed
from services.transaction import use_case

_MODELS: dict[str, Any] = {"solution": t.Solution, "case": t.CaseResult, "visit_site": t.VisitSite}
_TITLE = {"solution": "title", "case": "title", "visit_site": "name"}


class ItemView(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    slug: str
    title: str
    title_locale: str


class PackView(msgspec.Struct, frozen=True, kw_only=True):
    delegation_id: int
    items: list[ItemView]
    letter: dict[str, str]
    programme: list[ProgrammeDay]
    contacts: list[PackContact]
    left_out: dict[str, list[str]]
    etag: str


class Missing(msgspec.Struct, frozen=True, kw_only=True):
    """An item without an approved translation in a language, and what the reader would see instead."""

    kind: str
    slug: str
    title: str
    shown_in: str
    #: The adviser chose to leave the item out of this language's document.
    left_out: bool = False
    #: Translators were asked for the item in this language.
    requested: bool = False


class LanguageReadiness(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    ready: bool
    missing: list[Missing]


async def titles(session: AsyncSession, items: list[PackItem]) -> dict[tuple[str, str], LocalisedText]:
    """The title of each published item, by kind and slug."""
    found: dict[tuple[str, str], LocalisedText] = {}
    for kind, model in _MODELS.items():
        slugs = [item.slug for item in items if item.kind == kind]
        if not slugs:
            continue
        query = select(model).where(model.slug.in_(slugs)).options(selectinload(model.texts))
        if kind != "visit_site":
            query = query.where(model.is_published)
        for entry in await session.scalars(query):
            found[(kind, entry.slug)] = fields_of(entry.texts)[_TITLE[kind]]
    return found


async def published(session: AsyncSession) -> dict[str, set[str]]:
    return {
        "solution": set(await session.scalars(select(t.Solution.slug).where(t.Solution.is_published))),
        "case": set(await session.scalars(select(t.CaseResult.slug).where(t.CaseResult.is_published))),
        "visit_site": set(await session.scalars(select(t.VisitSite.slug))),
    }


def record_of(pack: Pack | None) -> PackRecord:
    """What a stored pack holds; an empty pack before its first save."""
    return msgspec.convert(pack.composition, PackRecord) if pack else PackRecord()


def _etag(delegation_id: int, pack: Pack | None) -> str:
    return f'"k{delegation_id}-{pack.lock if pack else 0}"'


async def _pack(session: AsyncSession, delegation_id: int) -> Pack | None:
    found: Pack | None = await session.scalar(select(Pack).where(Pack.delegation_id == delegation_id))
    return found


async def view(session: AsyncSession, actor: Actor, delegation_id: int, locale: Locale, now: dt.datetime) -> PackView:
    """The delegation's pack as composed so far (empty before the first save), titles in ``locale``."""
    return await view_of(session, await delegations.load(session, actor, delegation_id, now), locale)


async def stored(session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime) -> PackRecord:
    """The delegation's pack as stored (empty before the first save), for a change to be made to it."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    return record_of(await _pack(session, delegation.id))


async def view_of(session: AsyncSession, delegation: Delegation, locale: Locale) -> PackView:
    """The pack of ``delegation``, for whoever was already allowed to see it."""
    pack = await _pack(session, delegation.id)
    record = record_of(pack)
    found = await titles(session, record.items)
    items = []
    for item in record.items:
        title = found.get((item.kind, item.slug))
        shown = resolve(title, locale) if title else None
        items.append(
            ItemView(kind=item.kind, slug=item.slug, title=shown.text if shown else item.slug,
                     title_locale=shown.locale if shown else "en")
        )  # fmt: skip
    return PackView(
        delegation_id=delegation.id,
        items=items,
        letter=dict(record.letter),
        programme=list(record.programme),
        contacts=list(record.contacts),
        left_out={code: list(keys) for code, keys in record.left_out.items()},
        etag=_etag(delegation.id, pack),
    )


@use_case
async def save(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    record: PackRecord,
    if_match: str | None,
    locale: Locale,
    now: dt.datetime,
) -> PackView:
    """Replace the pack's composition, made to the version ``if_match`` names. Commits."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    pack = await _pack(session, delegation.id)
    current = _etag(delegation.id, pack)
    editing.check_precondition(if_match, current)
    for code, letter in record.letter.items():
        if problem := richtext.nesting_problem(letter):
            raise InvalidInput(f"letter.{code}", problem)
    problems = pack_problems(
        record, delegation.starts_on, delegation.ends_on, list(delegation.languages), await published(session)
    )
    if problems:
        raise InvalidCatalogueData(problems)
    composition = msgspec.to_builtins(record)
    if pack is None:
        session.add(Pack(delegation_id=delegation.id, composition=composition, lock=1))
    else:
        changed = await session.execute(
            update(Pack)
            .where(Pack.id == pack.id, Pack.lock == pack.lock)
            .values(composition=composition, lock=pack.lock + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            await session.rollback()
            raise PreconditionFailed(current)
    audit.record(
        session, "pack-saved", now, actor_id=actor.id, target=f"delegation/{delegation.id}", items=len(record.items)
    )
    try:
        await session.commit()
    except IntegrityError as error:
        # Another save created the pack first.
        await session.rollback()
        raise PreconditionFailed(current) from error
    session.expire_all()
    return await view(session, actor, delegation_id, locale, now)


async def readiness(
    session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime
) -> list[LanguageReadiness]:
    """Per language of the delegation: the items with no approved title in it, and what shows instead."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    pack = await _pack(session, delegation.id)
    record = record_of(pack)
    found = await titles(session, record.items)
    asked = await _requested(session, record.items, list(delegation.languages))
    report = []
    for language in delegation.languages:
        left_out = set(record.left_out.get(language, []))
        missing = []
        for item in record.items:
            title = found.get((item.kind, item.slug))
            if title is None:
                continue
            shown = resolve(title, language)
            if shown.is_fallback or shown.outdated:
                missing.append(
                    Missing(
                        kind=item.kind, slug=item.slug, title=shown.text, shown_in=shown.locale,
                        left_out=item_key(item) in left_out,
                        requested=(item.kind, item.slug, language) in asked,
                    )
                )  # fmt: skip
        # Ready once every item lacking a translation is either translated or left out.
        ready = all(item.left_out for item in missing)
        report.append(LanguageReadiness(language=language, ready=ready, missing=missing))
    return report


async def _requested(session: AsyncSession, items: list[PackItem], languages: list[str]) -> set[tuple[str, str, str]]:
    """The items (kind, slug, language) translators were asked for in one of ``languages``."""
    asked: set[tuple[str, str, str]] = set()
    for kind, model, column in (
        ("solution", t.Solution, TranslationRequest.solution_id),
        ("case", t.CaseResult, TranslationRequest.case_id),
    ):
        slugs = [item.slug for item in items if item.kind == kind]
        if slugs:
            rows = await session.execute(
                select(model.slug, TranslationRequest.language)
                .join(TranslationRequest, column == model.id)
                .where(model.slug.in_(slugs), TranslationRequest.language.in_(languages))
            )
            asked |= {(kind, slug, language) for slug, language in rows.tuples()}
    return asked


async def visit_site_names(session: AsyncSession, locale: Locale) -> list[tuple[str, str]]:
    """Every visit site's slug and name in ``locale``, by name: the choices for a programme stop."""
    slugs = sorted((await published(session))["visit_site"])
    names = await titles(session, [PackItem(kind="visit_site", slug=slug) for slug in slugs])
    return sorted(
        ((slug, resolve(names[("visit_site", slug)], locale).text) for slug in slugs), key=lambda pair: pair[1]
    )
