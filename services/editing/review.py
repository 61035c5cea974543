"""Review and history: advisers publish, return or restore versions; everyone sees what changed and when."""

import datetime as dt

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.accounts import UserAccount
from catalogue.content import Change, Content, EntryKind, diff
from catalogue.localised import resolve
from catalogue.texts import fields_of
from catalogue.versions import EntryVersion
from catalogue.vocabulary import OPEN_STATUSES, VersionStatus
from i18n.locales import Locale
from services import audit
from services.accounts.accounts import Actor
from services.editing import editing, permissions
from services.editing.editing import WorkingCopy
from services.editing.entries import Entry, apply_content, content_of, load_entry
from services.editing.permissions import editable_by
from services.errors import Conflict, PreconditionFailed
from services.transaction import use_case


async def _publish(session: AsyncSession, kind: EntryKind, entry: Entry, content: Content) -> None:
    """Make ``content`` live and mark the version published until now as superseded."""
    await editing.validate(session, kind, entry, content)
    await apply_content(session, entry, content)
    entry.is_published = True
    await session.execute(
        update(EntryVersion)
        .where(editing.where_entry(kind, entry), EntryVersion.status == VersionStatus.PUBLISHED.value)  # type: ignore[arg-type]
        .values(status=VersionStatus.SUPERSEDED.value)
        .execution_options(synchronize_session=False)
    )


async def _reviewer(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> None:
    await permissions.require_reviewer(session, actor, target, now)


@use_case
async def approve(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    if_match: str | None,
    now: dt.datetime,
    comment: str | None = None,
) -> WorkingCopy:
    """Publish the submitted draft: its content goes live and the previous version is superseded. Commits."""
    target = f"{kind}/{slug}"
    await load_entry(session, actor, kind, slug)
    await _reviewer(session, actor, target, now)
    entry, versions, draft = await editing.open_version(session, actor, kind, slug, if_match)
    if draft.status != VersionStatus.SUBMITTED:
        raise Conflict("only a submitted draft can be approved")
    content = editing.decode_content(kind, draft.content)
    await _publish(session, kind, entry, content)
    await editing.set_status(
        session, draft, editing.etag_of(versions),
        status=VersionStatus.PUBLISHED.value, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment,
    )  # fmt: skip
    audit.record(session, "approve", now, actor_id=actor.id, target=target, version=draft.number)
    return await editing.commit_change(session, actor, kind, slug)


@use_case
async def return_draft(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    if_match: str | None,
    comment: str,
    now: dt.datetime,
) -> WorkingCopy:
    """Send the submitted draft back to its editors with a comment. Commits."""
    target = f"{kind}/{slug}"
    await load_entry(session, actor, kind, slug)
    await _reviewer(session, actor, target, now)
    _, versions, draft = await editing.open_version(session, actor, kind, slug, if_match)
    if draft.status != VersionStatus.SUBMITTED:
        raise Conflict("only a submitted draft can be returned")
    await editing.set_status(
        session, draft, editing.etag_of(versions),
        status=VersionStatus.RETURNED.value, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment,
    )  # fmt: skip
    audit.record(session, "return", now, actor_id=actor.id, target=target, version=draft.number)
    return await editing.commit_change(session, actor, kind, slug)


@use_case
async def restore(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    number: int,
    if_match: str | None,
    now: dt.datetime,
) -> WorkingCopy:
    """Publish an earlier version's content again, as a new version. Commits."""
    target = f"{kind}/{slug}"
    entry = await load_entry(session, actor, kind, slug)
    await _reviewer(session, actor, target, now)
    versions = await editing.versions_of(session, kind, entry)
    editing.check_precondition(if_match, editing.etag_of(versions))
    if editing.open_version_of(versions) is not None:
        raise Conflict("review or withdraw the open draft before restoring an earlier version")
    chosen = next((v for v in versions if v.number == number and v.status != VersionStatus.WITHDRAWN), None)
    if chosen is None or chosen.status not in {VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED}:
        raise Conflict(f"version {number} was never published")
    content = editing.decode_content(kind, chosen.content)
    await _publish(session, kind, entry, content)
    column = {"solution_id": entry.id} if kind == "solution" else {"case_id": entry.id}
    session.add(
        EntryVersion(
            **column,
            number=versions[-1].number + 1,
            status=VersionStatus.PUBLISHED.value,
            content=chosen.content,
            based_on=editing.published_number(versions),
            lock=1,
            created_by_id=actor.id,
            created_at=now,
            updated_by_id=actor.id,
            updated_at=now,
            reviewed_by_id=actor.id,
            reviewed_at=now,
            restored_from=number,
        )
    )
    audit.record(session, "restore", now, actor_id=actor.id, target=target, version=number)
    try:
        return await editing.commit_change(session, actor, kind, slug)
    except IntegrityError as error:
        await session.rollback()
        raise PreconditionFailed(editing.etag_of(versions)) from error


class Review(msgspec.Struct, frozen=True, kw_only=True):
    """What a reviewer sees of a draft: its state and every change against the published version."""

    copy: WorkingCopy
    changes: list[Change]


async def review(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> Review:
    """The open draft and its field-by-field differences from the live content."""
    entry = await load_entry(session, actor, kind, slug)
    versions = await editing.versions_of(session, kind, entry)
    copy = editing.copy_of(kind, entry, versions)
    published = content_of(entry) if entry.is_published else None
    return Review(copy=copy, changes=diff(published, copy.content))


class VersionInfo(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    status: VersionStatus
    created_at: dt.datetime
    created_by: str | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    review_comment: str | None
    restored_from: int | None


async def history(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> list[VersionInfo]:
    """Every version of the entry, newest first, with who made and reviewed it."""
    entry = await load_entry(session, actor, kind, slug)
    versions = await editing.versions_of(session, kind, entry)
    ids = {v.created_by_id for v in versions} | {v.reviewed_by_id for v in versions}
    rows = await session.execute(select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(ids)))
    # Not dict(result): a result has keys() of its own, so dict() would read it as a mapping.
    names = {user_id: name for user_id, name in rows.tuples()}  # noqa: C416
    return [
        VersionInfo(
            number=v.number,
            status=VersionStatus(v.status),
            created_at=v.created_at,
            created_by=names.get(v.created_by_id) if v.created_by_id else None,
            reviewed_at=v.reviewed_at,
            reviewed_by=names.get(v.reviewed_by_id) if v.reviewed_by_id else None,
            review_comment=v.review_comment,
            restored_from=v.restored_from,
        )
        for v in reversed(versions)
    ]


class QueueItem(msgspec.Struct, frozen=True, kw_only=True):
    kind: EntryKind
    slug: str
    number: int
    submitted_at: dt.datetime | None
    submitted_by: str | None


async def review_queue(session: AsyncSession, actor: Actor, now: dt.datetime) -> list[QueueItem]:
    """Drafts waiting for review, oldest first; only for advisers and administrators."""
    await _reviewer(session, actor, "review-queue", now)
    rows = await session.execute(
        select(EntryVersion, t.Solution.slug, t.CaseResult.slug, UserAccount.display_name)
        .outerjoin(t.Solution, t.Solution.id == EntryVersion.solution_id)
        .outerjoin(t.CaseResult, t.CaseResult.id == EntryVersion.case_id)
        .outerjoin(UserAccount, UserAccount.id == EntryVersion.updated_by_id)
        .where(EntryVersion.status == VersionStatus.SUBMITTED.value)
        .order_by(EntryVersion.submitted_at, EntryVersion.id)
    )
    return [
        QueueItem(
            kind="solution" if version.solution_id else "case",
            slug=solution_slug or case_slug,
            number=version.number,
            submitted_at=version.submitted_at,
            submitted_by=name,
        )
        for version, solution_slug, case_slug, name in rows.tuples()
    ]


class EntryStatus(msgspec.Struct, frozen=True, kw_only=True):
    """An entry in an editor's list: what it is called and where its open version stands."""

    kind: EntryKind
    slug: str
    title: str
    title_locale: str
    #: The open version's status, or ``published`` when nothing is open.
    status: VersionStatus
    published: bool


async def entries_for(session: AsyncSession, actor: Actor, locale: Locale) -> list[EntryStatus]:
    """The solutions and cases ``actor`` may edit, with their review status, titles in ``locale``."""
    found: list[EntryStatus] = []
    for kind, model, column in (
        ("solution", t.Solution, EntryVersion.solution_id),
        ("case", t.CaseResult, EntryVersion.case_id),
    ):
        open_status = (
            select(EntryVersion.status)
            .where(column == model.id, EntryVersion.status.in_([s.value for s in OPEN_STATUSES]))
            .scalar_subquery()
        )
        rows = await session.execute(
            select(model, open_status)
            .where(editable_by(kind, actor))  # type: ignore[arg-type]
            .options(selectinload(model.texts))
            .order_by(model.slug)
        )
        for entry, status in rows.tuples():
            title = resolve(fields_of(entry.texts)["title"], locale)
            found.append(
                EntryStatus(
                    kind=kind,  # type: ignore[arg-type]
                    slug=entry.slug,
                    title=title.text,
                    title_locale=title.locale,
                    status=VersionStatus(status) if status else VersionStatus.PUBLISHED,
                    published=entry.is_published,
                )
            )
    return found
