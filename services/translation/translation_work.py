"""Translation work: how complete each entry is per locale, and translation files out and back in.

A translation file holds one unit per translatable text of the entries an account may edit. It
records the fingerprint of each source text, so a file whose sources changed since it was exported
is refused whole, and importing a file changes nothing but drafts, which go through review.
"""

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.content import TEXT_FIELDS, CaseContent, Content, EntryKind
from catalogue.localised import LocalisedText, fingerprint, resolve
from catalogue.revision import current_revision
from catalogue.texts import fields_of
from catalogue.vocabulary import TranslationState
from i18n.locales import CONTENT_LOCALES, Locale
from services import audit
from services.accounts.accounts import Actor
from services.editing import editing
from services.editing.entries import Entry, load_entry
from services.editing.permissions import editable_by
from services.errors import CatalogueError, Conflict, InvalidInput
from services.transaction import use_case
from services.translation import glossary, permissions
from services.translation.translation_files import (
    InvalidTranslationFile,
    TranslationFile,
    TranslationUnit,
    check_sources,
    stale_units,
)


class Unit(msgspec.Struct, frozen=True, kw_only=True):
    """One translatable text of a live entry."""

    id: str
    kind: EntryKind
    slug: str
    title: str
    field: str
    text: LocalisedText
    #: For an outcome's text: the outcome's metric, which tells it apart when outcomes move.
    metric: str | None = None


async def live_units(session: AsyncSession, actor: Actor) -> list[Unit]:
    """Every translatable text of the solutions and cases ``actor`` may edit."""
    units: list[Unit] = []
    solutions = await session.scalars(
        select(t.Solution)
        .where(editable_by("solution", actor))
        .options(selectinload(t.Solution.texts))
        .order_by(t.Solution.slug)
    )
    for solution in solutions:
        fields = fields_of(solution.texts)
        title = fields["title"].source_text
        units += [
            Unit(
                id=f"solution/{solution.slug}/{name}",
                kind="solution",
                slug=solution.slug,
                title=title,
                field=name,
                text=fields[name],
            )
            for name in TEXT_FIELDS["solution"]
            if name in fields
        ]
    cases = await session.scalars(
        select(t.CaseResult)
        .where(editable_by("case", actor))
        .options(selectinload(t.CaseResult.texts), selectinload(t.CaseResult.outcomes).selectinload(t.Outcome.texts))
        .order_by(t.CaseResult.slug)
    )
    for case in cases:
        fields = fields_of(case.texts)
        title = fields["title"].source_text
        units += [
            Unit(id=f"case/{case.slug}/{name}", kind="case", slug=case.slug, title=title, field=name, text=fields[name])
            for name in TEXT_FIELDS["case"]
            if name in fields
        ]
        for number, outcome in enumerate(case.outcomes):
            for name, text in fields_of(outcome.texts).items():
                units.append(
                    Unit(id=f"case/{case.slug}/outcome/{number}/{name}", kind="case", slug=case.slug, title=title,
                         field=f"outcome {number + 1} {name}", text=text, metric=outcome.metric)
                )  # fmt: skip
    return units


class EntryCompleteness(msgspec.Struct, frozen=True, kw_only=True):
    kind: EntryKind
    slug: str
    title: str
    source_locale: str
    #: Per locale, the share of the entry's texts with an approved translation, 0 to 100.
    percent: dict[Locale, int]
    #: Per locale, how many texts are outdated.
    outdated: dict[Locale, int]


class Completeness(msgspec.Struct, frozen=True, kw_only=True):
    locales: list[str]
    entries: list[EntryCompleteness]
    #: Per locale, over every text of every entry listed.
    total: dict[Locale, int]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


async def completeness(session: AsyncSession, actor: Actor, locale: Locale) -> Completeness:
    """How far each entry ``actor`` may edit is translated into every content locale."""
    units = await live_units(session, actor)
    by_entry: dict[tuple[str, str], list[Unit]] = {}
    for unit in units:
        by_entry.setdefault((unit.kind, unit.slug), []).append(unit)
    rows = []
    approved_total = dict.fromkeys(CONTENT_LOCALES, 0)
    for (kind, slug), entry_units in by_entry.items():
        title_unit = next(u for u in entry_units if u.field == "title")
        percent, outdated = {}, {}
        for code in CONTENT_LOCALES:
            states = [u.text.state(code) for u in entry_units]
            approved = states.count(TranslationState.APPROVED)
            approved_total[code] += approved
            percent[code] = _percent(approved, len(states))
            outdated[code] = states.count(TranslationState.OUTDATED)
        rows.append(
            EntryCompleteness(
                kind=kind,  # type: ignore[arg-type]
                slug=slug,
                title=resolve(title_unit.text, locale).text,
                source_locale=title_unit.text.source_locale,
                percent=percent,
                outdated=outdated,
            )
        )
    total = {code: _percent(count, len(units)) for code, count in approved_total.items()}
    return Completeness(locales=list(CONTENT_LOCALES), entries=rows, total=total)


def _unit_for_file(unit: Unit, target: str, terms: glossary.Glossary) -> TranslationUnit | None:
    source_locale = unit.text.source_locale
    if source_locale == target:
        return None
    value = unit.text.values.get(target)
    state = value.state if value else TranslationState.MISSING
    hints = glossary.terms_in(unit.text.source_text, source_locale, target, terms)
    note = f"{unit.title} · {unit.field}"
    if hints:
        note += "\nGlossary: " + "; ".join(f"{use.source_term} → {use.target_term}" for use in hints)
    return TranslationUnit(
        id=unit.id,
        source_text=unit.text.source_text,
        target_text=value.text if value and state is not TranslationState.MISSING else None,
        source_fingerprint=fingerprint(unit.text.source_text),
        state=state.value,
        note=note,
    )


async def _check_locale(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> None:
    if target not in CONTENT_LOCALES:
        raise InvalidInput("target", f"use one of {', '.join(CONTENT_LOCALES)}")
    await permissions.require_target(session, actor, target, now)


async def export_file(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> TranslationFile:
    """Every text ``actor`` may edit whose source is not ``target``, with its translation into ``target``."""
    await _check_locale(session, actor, target, now)
    terms = glossary.load()
    units = [unit for unit in await live_units(session, actor) if unit.text.source_locale != target]
    sources = {unit.text.source_locale for unit in units}
    # A file has one source language; entries written in another are exported in a file of their own.
    source = (
        max(sorted(sources), key=lambda code: sum(u.text.source_locale == code for u in units)) if sources else "da"
    )
    chosen = [
        converted
        for unit in units
        if unit.text.source_locale == source and (converted := _unit_for_file(unit, target, terms))
    ]
    return TranslationFile(
        source_locale=source, target_locale=target, units=chosen, revision=str(await current_revision(session))
    )


class ImportResult(msgspec.Struct, frozen=True, kw_only=True):
    #: Entries that received a draft, as ``kind/slug``.
    entries: list[str]
    #: Texts whose translation changed.
    changed: int


def _replace_text(content: Content, parts: list[str], locale: str, text: str) -> Content:
    if parts[0] == "outcome":
        assert isinstance(content, CaseContent)
        number, name = int(parts[1]), parts[2]
        outcomes = list(content.outcomes)
        outcome = outcomes[number]
        outcomes[number] = msgspec.structs.replace(outcome, **{name: {**getattr(outcome, name), locale: text}})
        return msgspec.structs.replace(content, outcomes=outcomes)
    field = parts[0]
    return msgspec.structs.replace(content, **{field: {**getattr(content, field), locale: text}})


class _Gone:
    """Marks a text whose outcome the draft removed or moved."""


GONE = _Gone()


def _working_text(content: Content, parts: list[str], locale: str, metric: str | None = None) -> str | _Gone | None:
    """The draft's text at a unit path, or :data:`GONE` when the draft has no such outcome in that place."""
    if parts[0] == "outcome":
        assert isinstance(content, CaseContent)
        number = int(parts[1])
        if number >= len(content.outcomes) or (metric is not None and content.outcomes[number].metric != metric):
            return GONE
        texts: dict[str, str] = getattr(content.outcomes[number], parts[2])
    else:
        texts = getattr(content, parts[0])
    return texts.get(locale)


@use_case
async def import_file(session: AsyncSession, actor: Actor, file: TranslationFile, now: dt.datetime) -> ImportResult:
    """Put the file's translations into drafts of their entries; a stale or edited file changes nothing."""
    await _check_locale(session, actor, file.target_locale, now)
    edited = check_sources(file)
    if edited:
        raise InvalidTranslationFile([f"{unit}: the source text was changed in the file" for unit in edited])
    live = {unit.id: unit for unit in await live_units(session, actor)}
    current = {unit_id: fingerprint(unit.text.source_text) for unit_id, unit in live.items()}
    stale = stale_units(file, current)
    if stale:
        raise Conflict("the source changed since the file was exported, or the entry is not yours: " + ", ".join(stale))
    target = file.target_locale
    planned: dict[tuple[EntryKind, str], list[tuple[list[str], str]]] = {}
    conflicts = []
    for unit in file.units:
        item = live[unit.id]
        if unit.target_text is None or item.text.source_locale == target:
            continue
        parts = unit.id.split("/")[2:]
        copy = await editing.working_copy(session, actor, item.kind, item.slug)
        working = _working_text(copy.content, parts, target, item.metric)
        published = item.text.values.get(target)
        published_text = published.text if published else None
        if unit.target_text == working:
            continue
        if isinstance(working, _Gone) or published_text not in (working, unit.target_text):
            conflicts.append(unit.id)
        planned.setdefault((item.kind, item.slug), []).append((parts, unit.target_text))
    if conflicts:
        raise Conflict("a draft changed these texts since the file was exported: " + ", ".join(conflicts))
    try:
        for (kind, slug), changes in planned.items():
            copy = await editing.working_copy(session, actor, kind, slug)
            content = copy.content
            for parts, text in changes:
                content = _replace_text(content, parts, target, text)
            await editing.store_draft(session, actor, kind, slug, content, copy.etag, now)
    except CatalogueError:
        # One entry refused: none of the file's drafts are kept.
        await session.rollback()
        raise
    audit.record(
        session, "translations-imported", now, actor_id=actor.id, target=target, units=sum(map(len, planned.values()))
    )
    await session.commit()
    return ImportResult(
        entries=[f"{kind}/{slug}" for kind, slug in planned], changed=sum(len(c) for c in planned.values())
    )


def _entry_texts(entry: Entry) -> dict[str, LocalisedText]:
    """Every translatable text of a loaded entry, by unit path (``title``, ``outcome/0/label``)."""
    texts = dict(fields_of(entry.texts))
    if isinstance(entry, t.CaseResult):
        for number, outcome in enumerate(entry.outcomes):
            texts |= {f"outcome/{number}/{name}": text for name, text in fields_of(outcome.texts).items()}
    return texts


async def states(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, locale: Locale) -> dict[str, str]:
    """The state of each of the entry's texts in ``locale``: missing, draft, approved or outdated.

    A text the open draft changes is a draft, whatever its published state.
    """
    entry = await load_entry(session, actor, kind, slug)
    copy = await editing.working_copy(session, actor, kind, slug)
    metrics = {number: outcome.metric for number, outcome in enumerate(getattr(entry, "outcomes", []))}
    found = {}
    for path, text in _entry_texts(entry).items():
        parts = path.split("/")
        working = _working_text(copy.content, parts, locale, metrics[int(parts[1])] if parts[0] == "outcome" else None)
        if isinstance(working, _Gone):
            continue
        value = text.values.get(locale)
        published = value.text if value else None
        found[path] = TranslationState.DRAFT.value if working != published else text.state(locale).value
    wanted = list(TEXT_FIELDS[kind])
    if isinstance(copy.content, CaseContent):
        wanted += [f"outcome/{n}/label" for n in range(len(copy.content.outcomes))]
    for path in wanted:
        if path not in found:
            working = _working_text(copy.content, path.split("/"), locale)
            found[path] = TranslationState.DRAFT.value if working else TranslationState.MISSING.value
    return found


@use_case
async def confirm(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, locale: Locale, paths: list[str], now: dt.datetime
) -> list[str]:
    """Mark outdated translations in ``locale`` as still right for the current source. Commits.

    Returns the paths confirmed; texts that were not outdated are left alone.
    """
    await _check_locale(session, actor, locale, now)
    entry = await load_entry(session, actor, kind, slug)
    texts = _entry_texts(entry)
    unknown = [path for path in paths if path not in texts]
    if unknown:
        raise InvalidInput("fields", f"no such text: {', '.join(unknown)}")
    confirmed = []
    for path in paths:
        text = texts[path]
        if locale == text.source_locale or text.state(locale) is not TranslationState.OUTDATED:
            continue
        owner: Any = entry if "/" not in path else entry.outcomes[int(path.split("/")[1])]  # type: ignore[union-attr]
        name = path.rsplit("/", 1)[-1]
        for row in owner.texts:
            if row.field == name and row.locale == locale:
                row.state = TranslationState.APPROVED.value
                row.source_fingerprint = fingerprint(text.source_text)
        confirmed.append(path)
    audit.record(
        session,
        "translations-confirmed",
        now,
        actor_id=actor.id,
        target=f"{kind}/{slug}",
        locale=locale,
        fields=confirmed,
    )
    await session.commit()
    return confirmed
