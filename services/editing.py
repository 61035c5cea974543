"""Drafts and review: an edit makes a draft, its editor submits it, an adviser publishes or returns it.

The published version stays live until an adviser approves the next one. Each entry has at most
one open version, and every change to it names the version it was made to (its ETag): a change
made to anything else is refused, so no edit silently overwrites another.
"""

import datetime as dt

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.accounts import UploadedImage, UserAccount
from catalogue.content import (
    CONTENT_TYPES,
    TEXT_FIELDS,
    CaseContent,
    Change,
    Content,
    EntryKind,
    SolutionContent,
    case_record,
    diff,
    solution_record,
)
from catalogue.localised import resolve
from catalogue.texts import fields_of
from catalogue.validation import case_problems, solution_problems
from catalogue.versions import EntryVersion
from catalogue.vocabulary import OPEN_STATUSES, Role, VersionStatus
from i18n.locales import CONTENT_LOCALES
from services import audit, richtext
from services.accounts import Actor
from services.entries import Entry, apply_content, content_of, editable_by, load_entry, source_locale_of
from services.errors import Conflict, Forbidden, InvalidCatalogueData, PreconditionFailed, PreconditionRequired


class WorkingCopy(msgspec.Struct, frozen=True, kw_only=True):
    """An entry as its editors see it: the open version if there is one, else the published content."""

    kind: EntryKind
    slug: str
    source_locale: str
    content: Content
    etag: str
    status: VersionStatus
    #: Number of the open version, or of the published one when nothing is open.
    number: int
    review_comment: str | None = None


def _where_entry(kind: EntryKind, entry: Entry) -> object:
    return (EntryVersion.solution_id if kind == "solution" else EntryVersion.case_id) == entry.id


async def _versions(session: AsyncSession, kind: EntryKind, entry: Entry) -> list[EntryVersion]:
    return list(
        await session.scalars(select(EntryVersion).where(_where_entry(kind, entry)).order_by(EntryVersion.number))  # type: ignore[arg-type]
    )


def _open(versions: list[EntryVersion]) -> EntryVersion | None:
    return next((version for version in versions if version.status in OPEN_STATUSES), None)


def _published_number(versions: list[EntryVersion]) -> int:
    published = [version.number for version in versions if version.status == VersionStatus.PUBLISHED]
    return published[-1] if published else 0


def etag_of(versions: list[EntryVersion]) -> str:
    """The ETag of an entry's editable state: its open version and that version's saves, or its published number."""
    draft = _open(versions)
    return f'"d{draft.id}-{draft.lock}"' if draft else f'"p{_published_number(versions)}"'


def decode_content(kind: EntryKind, data: str | bytes) -> Content:
    return msgspec.json.decode(data, type=CONTENT_TYPES[kind])


def _working_copy(kind: EntryKind, entry: Entry, versions: list[EntryVersion]) -> WorkingCopy:
    draft = _open(versions)
    return WorkingCopy(
        kind=kind,
        slug=entry.slug,
        source_locale=source_locale_of(entry),
        content=decode_content(kind, draft.content) if draft else content_of(entry),
        etag=etag_of(versions),
        status=VersionStatus(draft.status) if draft else VersionStatus.PUBLISHED,
        number=draft.number if draft else _published_number(versions),
        review_comment=draft.review_comment if draft else None,
    )


async def working_copy(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> WorkingCopy:
    """The entry as ``actor`` edits it; entries ``actor`` may not edit are not found."""
    entry = await load_entry(session, actor, kind, slug)
    return _working_copy(kind, entry, await _versions(session, kind, entry))


def _check_precondition(if_match: str | None, current: str) -> None:
    if if_match is None:
        raise PreconditionRequired(current)
    if current not in {tag.strip().removeprefix("W/") for tag in if_match.split(",")}:
        raise PreconditionFailed(current)


async def _validate(session: AsyncSession, kind: EntryKind, entry: Entry, content: Content) -> None:
    source = source_locale_of(entry)
    themes = set(await session.scalars(select(t.Theme.slug)))
    organisations = set(await session.scalars(select(t.Organisation.slug)))
    if isinstance(entry, t.Solution):
        assert isinstance(content, SolutionContent)
        record = solution_record(entry.slug, entry.provider.slug, source, content)
        problems = solution_problems(record, themes, organisations)
    else:
        assert isinstance(content, CaseContent)
        solutions = set(await session.scalars(select(t.Solution.slug)))
        problems = case_problems(case_record(entry.slug, source, content), organisations, solutions)
    problems += await _image_problems(session, source, content)
    if problems:
        raise InvalidCatalogueData(problems)


async def _image_problems(session: AsyncSession, source: str, content: Content) -> list[str]:
    names = [ref.image for ref in content.images]
    known = set(await session.scalars(select(UploadedImage.name).where(UploadedImage.name.in_(names))))
    problems = [f"image {name!r} was never uploaded" for name in names if name not in known]
    for number, ref in enumerate(content.images, start=1):
        if not ref.alt.get(source, "").strip():
            problems.append(f"image {number} has no alternative text in its source locale {source!r}")
        problems += [f"image {number}: unsupported locale {code!r}" for code in ref.alt if code not in CONTENT_LOCALES]
    return problems


def _translator_changes(actor: Actor, kind: EntryKind, source: str, before: Content, after: Content) -> None:
    """Refuse anything but texts in the translator's own locales (never the source)."""
    for change in diff(before, after):
        field = change.field.rsplit(".", 1)[-1]
        is_text = field in TEXT_FIELDS[kind] or field in {"label", "note", "alt"}
        if not is_text or change.locale is None or change.locale not in actor.locales or change.locale == source:
            where = f"{change.field} ({change.locale})" if change.locale else change.field
            raise Forbidden(f"a translator for {', '.join(actor.locales)} may not change {where}")


#: Long texts that may use the rich-text subset; they are stored sanitised.
RICH_FIELDS: dict[str, tuple[str, ...]] = {"solution": ("description",), "case": ("challenge", "approach")}


def checked(kind: EntryKind, content: Content) -> Content:
    """``content`` once more through its declared constraints, however it was put together."""
    try:
        return msgspec.json.decode(msgspec.json.encode(content), type=CONTENT_TYPES[kind])
    except msgspec.ValidationError as error:
        raise InvalidCatalogueData([str(error)]) from error


def sanitised(kind: EntryKind, content: Content) -> Content:
    """``content`` with its rich texts cleaned to the safe subset; plain texts are left as written."""
    changes = {}
    for field in RICH_FIELDS[kind]:
        texts: dict[str, str] = getattr(content, field)
        cleaned = {
            locale: richtext.sanitise(text) if richtext.is_rich(text) else text for locale, text in texts.items()
        }
        if cleaned != texts:
            changes[field] = {locale: text for locale, text in cleaned.items() if text}
    return msgspec.structs.replace(content, **changes) if changes else content


async def _refuse(session: AsyncSession, actor: Actor, error: Exception, target: str, now: dt.datetime) -> None:
    await audit.record_now(session, "refused", now, actor_id=actor.id, target=target, reason=str(error))
    raise error


async def save_draft(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    content: Content,
    if_match: str | None,
    now: dt.datetime,
) -> WorkingCopy:
    """Store ``content`` as the entry's open version, made to the version ``if_match`` names. Commits."""
    entry = await load_entry(session, actor, kind, slug)
    versions = await _versions(session, kind, entry)
    current = _working_copy(kind, entry, versions)
    target = f"{kind}/{slug}"
    if actor.role is Role.TRANSLATOR:
        try:
            _translator_changes(actor, kind, current.source_locale, current.content, content)
        except Forbidden as error:
            await _refuse(session, actor, error, target, now)
    _check_precondition(if_match, current.etag)
    content = checked(kind, sanitised(kind, content))
    await _validate(session, kind, entry, content)
    encoded = msgspec.json.encode(content).decode()
    draft = _open(versions)
    if draft is not None:
        saved = await session.execute(
            update(EntryVersion)
            .where(EntryVersion.id == draft.id, EntryVersion.lock == draft.lock)
            .values(
                content=encoded,
                lock=draft.lock + 1,
                status=VersionStatus.DRAFT.value,
                updated_by_id=actor.id,
                updated_at=now,
                submitted_at=None,
            )
            .execution_options(synchronize_session=False)
        )
        if saved.rowcount != 1:  # type: ignore[attr-defined]
            await session.rollback()
            raise PreconditionFailed(current.etag)
    audit.record(session, "edit", now, actor_id=actor.id, target=target)
    try:
        if draft is None:
            await _start_draft(session, kind, entry, versions, encoded, actor, now)
        await session.commit()
    except IntegrityError as error:
        # Another edit opened a draft between our read and our write.
        await session.rollback()
        raise PreconditionFailed(current.etag) from error
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


async def _start_draft(
    session: AsyncSession,
    kind: EntryKind,
    entry: Entry,
    versions: list[EntryVersion],
    encoded: str,
    actor: Actor,
    now: dt.datetime,
) -> None:
    column = {"solution_id": entry.id} if kind == "solution" else {"case_id": entry.id}
    number = versions[-1].number if versions else 0
    if not versions:
        # The content that was live before any edit becomes version 1, so it can be restored.
        number = 1
        live = msgspec.json.encode(content_of(entry)).decode()
        session.add(
            EntryVersion(
                **column,
                number=1,
                status=VersionStatus.PUBLISHED.value,
                content=live,
                lock=1,
                created_at=now,
                updated_at=now,
            )
        )
    session.add(
        EntryVersion(
            **column,
            number=number + 1,
            status=VersionStatus.DRAFT.value,
            content=encoded,
            based_on=_published_number(versions) or 1,
            lock=1,
            created_by_id=actor.id,
            created_at=now,
            updated_by_id=actor.id,
            updated_at=now,
        )
    )
    await session.flush()


async def _open_version(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None
) -> tuple[Entry, list[EntryVersion], EntryVersion]:
    entry = await load_entry(session, actor, kind, slug)
    versions = await _versions(session, kind, entry)
    _check_precondition(if_match, etag_of(versions))
    draft = _open(versions)
    if draft is None:
        raise Conflict(f"the {kind} {slug!r} has no open draft")
    return entry, versions, draft


async def _set_status(session: AsyncSession, draft: EntryVersion, etag: str, **values: object) -> None:
    changed = await session.execute(
        update(EntryVersion)
        .where(EntryVersion.id == draft.id, EntryVersion.lock == draft.lock)
        .values(lock=draft.lock + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise PreconditionFailed(etag)


async def submit(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None, now: dt.datetime
) -> WorkingCopy:
    """Send the open draft to review. Commits."""
    _, versions, draft = await _open_version(session, actor, kind, slug, if_match)
    if draft.status == VersionStatus.SUBMITTED:
        raise Conflict("the draft is already waiting for review")
    await _set_status(session, draft, etag_of(versions), status=VersionStatus.SUBMITTED.value, submitted_at=now)
    audit.record(session, "submit", now, actor_id=actor.id, target=f"{kind}/{slug}", version=draft.number)
    await session.commit()
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


async def _publish(session: AsyncSession, kind: EntryKind, entry: Entry, content: Content) -> None:
    """Make ``content`` live and mark the version published until now as superseded."""
    await _validate(session, kind, entry, content)
    await apply_content(session, entry, content)
    await session.execute(
        update(EntryVersion)
        .where(_where_entry(kind, entry), EntryVersion.status == VersionStatus.PUBLISHED.value)  # type: ignore[arg-type]
        .values(status=VersionStatus.SUPERSEDED.value)
        .execution_options(synchronize_session=False)
    )


async def withdraw(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None, now: dt.datetime
) -> WorkingCopy:
    """Discard the open draft; it stays in the history as withdrawn. Commits."""
    target = f"{kind}/{slug}"
    await load_entry(session, actor, kind, slug)
    if actor.role is Role.TRANSLATOR:
        await _refuse(session, actor, Forbidden("translators do not discard drafts"), target, now)
    _, versions, draft = await _open_version(session, actor, kind, slug, if_match)
    await _set_status(
        session, draft, etag_of(versions), status=VersionStatus.WITHDRAWN.value, updated_by_id=actor.id, updated_at=now
    )
    audit.record(session, "withdraw", now, actor_id=actor.id, target=target, version=draft.number)
    await session.commit()
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


async def _reviewer(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> None:
    if not actor.reviews:
        await _refuse(session, actor, Forbidden("only advisers and administrators review entries"), target, now)


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
    entry, versions, draft = await _open_version(session, actor, kind, slug, if_match)
    if draft.status != VersionStatus.SUBMITTED:
        raise Conflict("only a submitted draft can be approved")
    content = decode_content(kind, draft.content)
    await _publish(session, kind, entry, content)
    await _set_status(
        session, draft, etag_of(versions),
        status=VersionStatus.PUBLISHED.value, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment,
    )  # fmt: skip
    audit.record(session, "approve", now, actor_id=actor.id, target=target, version=draft.number)
    await session.commit()
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


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
    _, versions, draft = await _open_version(session, actor, kind, slug, if_match)
    if draft.status != VersionStatus.SUBMITTED:
        raise Conflict("only a submitted draft can be returned")
    await _set_status(
        session, draft, etag_of(versions),
        status=VersionStatus.RETURNED.value, reviewed_by_id=actor.id, reviewed_at=now, review_comment=comment,
    )  # fmt: skip
    audit.record(session, "return", now, actor_id=actor.id, target=target, version=draft.number)
    await session.commit()
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


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
    versions = await _versions(session, kind, entry)
    _check_precondition(if_match, etag_of(versions))
    if _open(versions) is not None:
        raise Conflict("review or withdraw the open draft before restoring an earlier version")
    chosen = next((v for v in versions if v.number == number and v.status != VersionStatus.WITHDRAWN), None)
    if chosen is None or chosen.status not in {VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED}:
        raise Conflict(f"version {number} was never published")
    content = decode_content(kind, chosen.content)
    await _publish(session, kind, entry, content)
    column = {"solution_id": entry.id} if kind == "solution" else {"case_id": entry.id}
    session.add(
        EntryVersion(
            **column,
            number=versions[-1].number + 1,
            status=VersionStatus.PUBLISHED.value,
            content=chosen.content,
            based_on=_published_number(versions),
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
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise PreconditionFailed(etag_of(versions)) from error
    session.expire_all()
    return await working_copy(session, actor, kind, slug)


class Review(msgspec.Struct, frozen=True, kw_only=True):
    """What a reviewer sees of a draft: its state and every change against the published version."""

    copy: WorkingCopy
    changes: list[Change]


async def review(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> Review:
    """The open draft and its field-by-field differences from the live content."""
    entry = await load_entry(session, actor, kind, slug)
    versions = await _versions(session, kind, entry)
    copy = _working_copy(kind, entry, versions)
    return Review(copy=copy, changes=diff(content_of(entry), copy.content))


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
    versions = await _versions(session, kind, entry)
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


async def entries_for(session: AsyncSession, actor: Actor, locale: str) -> list[EntryStatus]:
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
