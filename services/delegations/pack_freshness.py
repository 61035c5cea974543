"""Whether a generated pack still shows the pack as it is: the versions a file was made from, and what changed since."""

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.content import EntryKind, diff
from catalogue.delegations import Delegation
from catalogue.localised import resolve
from catalogue.packs import Pack, PackItem, PackRender, kept_in
from catalogue.versions import EntryVersion
from catalogue.vocabulary import VersionStatus
from i18n.locales import Locale
from services.accounts.accounts import Actor
from services.delegations import delegations
from services.delegations.packs import published, record_of, titles
from services.editing.editing import decode_content


async def latest_done(session: AsyncSession, delegation_id: int, language: str) -> PackRender | None:
    """The newest finished generation of a pack in ``language``."""
    found: PackRender | None = await session.scalar(
        select(PackRender)
        .where(PackRender.delegation_id == delegation_id, PackRender.language == language, PackRender.status == "done")
        .order_by(PackRender.id.desc())
        .limit(1)
    )
    return found


#: The kinds of item that have versions: their table, and the column linking a version to it.
_VERSIONED: dict[str, tuple[Any, Any]] = {
    "solution": (t.Solution, EntryVersion.solution_id),
    "case": (t.CaseResult, EntryVersion.case_id),
}


async def entry_versions(session: AsyncSession, items: list[PackItem]) -> list[dict[str, Any]]:
    """The published version of each item; an entry never edited here is at version 1."""
    numbers: dict[tuple[str, str], int] = {}
    for kind, (model, column) in _VERSIONED.items():
        slugs = [item.slug for item in items if item.kind == kind]
        if slugs:
            rows = await session.execute(
                select(model.slug, EntryVersion.number)
                .join(EntryVersion, column == model.id)
                .where(model.slug.in_(slugs), EntryVersion.status == VersionStatus.PUBLISHED.value)
            )
            numbers |= {(kind, slug): number for slug, number in rows.tuples()}
    return [{"kind": item.kind, "slug": item.slug, "version": numbers.get((item.kind, item.slug), 1)} for item in items]


async def versions_now(session: AsyncSession, delegation: Delegation, language: str) -> dict[str, Any]:
    """The versions of the delegation, its pack and each entry a file in ``language`` made now would show."""
    pack = await session.scalar(select(Pack).where(Pack.delegation_id == delegation.id))
    return {
        "delegation": delegation.lock,
        "pack": pack.lock if pack else 0,
        # Only what this language's file shows: items left out of it are not in it.
        "entries": await entry_versions(session, kept_in(record_of(pack), language)),
    }


class EntryChange(msgspec.Struct, frozen=True, kw_only=True):
    """An item of a generated pack that changed since: its version then and now, and the fields that differ."""

    kind: str
    slug: str
    title: str
    before: int
    #: ``None``: the entry is no longer published.
    after: int | None
    fields: list[str]


class Freshness(msgspec.Struct, frozen=True, kw_only=True):
    """Whether the newest file of a language still shows the pack as it is now."""

    language: str
    render_id: int
    finished_at: dt.datetime | None
    outdated: bool
    #: The adviser changed the pack (items, letter, programme, contacts) after the file was made.
    pack_changed: bool
    #: The delegation's description (name, dates, languages) changed after the file was made.
    delegation_changed: bool
    entries: list[EntryChange]


async def _changed_fields(session: AsyncSession, kind: str, slug: str, before: int, after: int) -> list[str]:
    model, column = _VERSIONED[kind]
    rows = await session.execute(
        select(EntryVersion.number, EntryVersion.content)
        .join(model, column == model.id)
        .where(model.slug == slug, EntryVersion.number.in_([before, after]))
    )
    contents = dict(rows.tuples().all())
    if before not in contents or after not in contents:
        return []
    entry_kind: EntryKind = "solution" if kind == "solution" else "case"
    changes = diff(decode_content(entry_kind, contents[before]), decode_content(entry_kind, contents[after]))
    return list(dict.fromkeys(change.field.split("[", 1)[0] for change in changes))


async def freshness(
    session: AsyncSession, actor: Actor, delegation_id: int, locale: Locale, now: dt.datetime
) -> list[Freshness]:
    """For each language with a finished file: whether it is outdated, and what changed since it was made."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    pack_lock = await session.scalar(select(Pack.lock).where(Pack.delegation_id == delegation.id)) or 0
    live = await published(session)
    report = []
    for language in delegation.languages:
        render = await latest_done(session, delegation.id, language)
        if render is None:
            continue
        recorded = [PackItem(kind=entry["kind"], slug=entry["slug"]) for entry in render.versions.get("entries", [])]
        then = {(entry["kind"], entry["slug"]): entry["version"] for entry in render.versions.get("entries", [])}
        current = {
            (entry["kind"], entry["slug"]): entry["version"] for entry in await entry_versions(session, recorded)
        }
        shown = await titles(session, recorded)
        changes = []
        for item in recorded:
            before = then[(item.kind, item.slug)]
            after = current[(item.kind, item.slug)] if item.slug in live[item.kind] else None
            if after == before:
                continue
            title = shown.get((item.kind, item.slug))
            changes.append(
                EntryChange(
                    kind=item.kind,
                    slug=item.slug,
                    title=resolve(title, locale).text if title else item.slug,
                    before=before,
                    after=after,
                    fields=await _changed_fields(session, item.kind, item.slug, before, after) if after else [],
                )
            )
        pack_changed = render.versions.get("pack") != pack_lock
        delegation_changed = render.versions.get("delegation") != delegation.lock
        report.append(
            Freshness(
                language=language,
                render_id=render.id,
                finished_at=render.finished_at,
                outdated=bool(changes) or pack_changed or delegation_changed,
                pack_changed=pack_changed,
                delegation_changed=delegation_changed,
                entries=changes,
            )
        )
    return report
