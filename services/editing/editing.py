"""Drafts: an edit makes a draft and its editor submits it; :mod:`services.editing.review` publishes it.

The published version stays live until an adviser approves the next one. Each entry has at most
one open version, and every change to it names the version it was made to (its ETag): a change
made to anything else is refused, so no edit silently overwrites another.
"""

import datetime as dt

import msgspec
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import richtext
from catalogue import tables as t
from catalogue.accounts import UploadedImage
from catalogue.content import (
    CONTENT_TYPES,
    CaseContent,
    Content,
    EntryKind,
    SolutionContent,
    case_record,
    solution_record,
)
from catalogue.records import is_slug
from catalogue.validation import case_problems, solution_problems
from catalogue.versions import EntryVersion
from catalogue.vocabulary import OPEN_STATUSES, VersionStatus
from i18n.locales import CONTENT_LOCALES
from services import audit
from services.accounts.accounts import Actor
from services.editing import permissions
from services.editing.entries import Entry, apply_content, content_of, load_entry, source_locale_of
from services.errors import (
    Conflict,
    Forbidden,
    InvalidCatalogueData,
    InvalidInput,
    PreconditionFailed,
    PreconditionRequired,
)
from services.transaction import use_case


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


def where_entry(kind: EntryKind, entry: Entry) -> object:
    return (EntryVersion.solution_id if kind == "solution" else EntryVersion.case_id) == entry.id


async def versions_of(session: AsyncSession, kind: EntryKind, entry: Entry) -> list[EntryVersion]:
    return list(
        await session.scalars(select(EntryVersion).where(where_entry(kind, entry)).order_by(EntryVersion.number))  # type: ignore[arg-type]
    )


def open_version_of(versions: list[EntryVersion]) -> EntryVersion | None:
    return next((version for version in versions if version.status in OPEN_STATUSES), None)


def published_number(versions: list[EntryVersion]) -> int:
    published = [version.number for version in versions if version.status == VersionStatus.PUBLISHED]
    return published[-1] if published else 0


def etag_of(versions: list[EntryVersion]) -> str:
    """The ETag of an entry's editable state: its open version and that version's saves, or its published number."""
    draft = open_version_of(versions)
    return f'"d{draft.id}-{draft.lock}"' if draft else f'"p{published_number(versions)}"'


def decode_content(kind: EntryKind, data: str | bytes) -> Content:
    return msgspec.json.decode(data, type=CONTENT_TYPES[kind])


def copy_of(kind: EntryKind, entry: Entry, versions: list[EntryVersion]) -> WorkingCopy:
    draft = open_version_of(versions)
    return WorkingCopy(
        kind=kind,
        slug=entry.slug,
        source_locale=source_locale_of(entry),
        content=decode_content(kind, draft.content) if draft else content_of(entry),
        etag=etag_of(versions),
        status=VersionStatus(draft.status) if draft else VersionStatus.PUBLISHED,
        number=draft.number if draft else published_number(versions),
        review_comment=draft.review_comment if draft else None,
    )


async def working_copy(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> WorkingCopy:
    """The entry as ``actor`` edits it; entries ``actor`` may not edit are not found."""
    entry = await load_entry(session, actor, kind, slug)
    return copy_of(kind, entry, await versions_of(session, kind, entry))


async def commit_change(session: AsyncSession, actor: Actor, kind: EntryKind, slug: str) -> WorkingCopy:
    """Commit the change made in ``session`` and return the entry as that change left it.

    The entry is read inside the change's own transaction, before it commits: read afterwards,
    the answer could carry another client's later save and its ETag, and a client continuing
    from it would overwrite an acknowledged save without being refused.
    """
    await session.flush()
    # Updates written as statements bypass the identity map: read the rows again.
    session.expire_all()
    copy = await working_copy(session, actor, kind, slug)
    await session.commit()
    return copy


def check_precondition(if_match: str | None, current: str) -> None:
    if if_match is None:
        raise PreconditionRequired(current)
    if current not in {tag.strip().removeprefix("W/") for tag in if_match.split(",")}:
        raise PreconditionFailed(current)


async def validate(
    session: AsyncSession, kind: EntryKind, entry: Entry, content: Content, source: str | None = None
) -> None:
    source = source or source_locale_of(entry)
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


def checked(kind: EntryKind, content: Content) -> Content:
    """``content`` once more through its declared constraints, however it was put together."""
    try:
        return msgspec.json.decode(msgspec.json.encode(content), type=CONTENT_TYPES[kind])
    except msgspec.ValidationError as error:
        raise InvalidCatalogueData([str(error)]) from error


def sanitised(kind: EntryKind, content: Content) -> Content:
    """``content`` with its rich texts cleaned to the safe subset; plain texts are left as written.

    A rich text nested deeper than :data:`richtext.MAX_NESTING` is refused, naming its field and locale.
    """
    changes = {}
    for field in richtext.RICH_FIELDS[kind]:
        texts: dict[str, str] = getattr(content, field)
        for locale, text in texts.items():
            if problem := richtext.nesting_problem(text):
                raise InvalidInput(f"{field}.{locale}", problem)
        cleaned = {
            locale: richtext.sanitise(text) if richtext.is_rich(text) else text for locale, text in texts.items()
        }
        if cleaned != texts:
            changes[field] = {locale: text for locale, text in cleaned.items() if text}
    return msgspec.structs.replace(content, **changes) if changes else content


@use_case
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
    etag = await store_draft(session, actor, kind, slug, content, if_match, now)
    try:
        return await commit_change(session, actor, kind, slug)
    except IntegrityError as error:
        # Another edit opened a draft between our read and our write.
        await session.rollback()
        raise PreconditionFailed(etag) from error


async def store_draft(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    content: Content,
    if_match: str | None,
    now: dt.datetime,
) -> str:
    """Write ``content`` as the entry's open version without committing; returns the ETag it was made to.

    Callers that store several drafts commit once, so that all of them are kept or none.
    """
    entry = await load_entry(session, actor, kind, slug)
    versions = await versions_of(session, kind, entry)
    current = copy_of(kind, entry, versions)
    target = f"{kind}/{slug}"
    check_precondition(if_match, current.etag)
    try:
        permissions.translator_changes(actor, kind, current.source_locale, current.content, content)
    except Forbidden as error:
        await audit.refuse(session, actor.id, error, target, now)
    content = checked(kind, sanitised(kind, content))
    await validate(session, kind, entry, content)
    encoded = msgspec.json.encode(content).decode()
    draft = open_version_of(versions)
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
    if draft is None:
        try:
            await _start_draft(session, kind, entry, versions, encoded, actor, now)
        except IntegrityError as error:
            await session.rollback()
            raise PreconditionFailed(current.etag) from error
    return current.etag


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
            based_on=published_number(versions) or 1,
            lock=1,
            created_by_id=actor.id,
            created_at=now,
            updated_by_id=actor.id,
            updated_at=now,
        )
    )
    await session.flush()


async def open_version(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None
) -> tuple[Entry, list[EntryVersion], EntryVersion]:
    entry = await load_entry(session, actor, kind, slug)
    versions = await versions_of(session, kind, entry)
    check_precondition(if_match, etag_of(versions))
    draft = open_version_of(versions)
    if draft is None:
        raise Conflict(f"the {kind} {slug!r} has no open draft")
    return entry, versions, draft


async def set_status(session: AsyncSession, draft: EntryVersion, etag: str, **values: object) -> None:
    changed = await session.execute(
        update(EntryVersion)
        .where(EntryVersion.id == draft.id, EntryVersion.lock == draft.lock)
        .values(lock=draft.lock + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise PreconditionFailed(etag)


@use_case
async def submit(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None, now: dt.datetime
) -> WorkingCopy:
    """Send the open draft to review. Commits."""
    _, versions, draft = await open_version(session, actor, kind, slug, if_match)
    if draft.status == VersionStatus.SUBMITTED:
        raise Conflict("the draft is already waiting for review")
    await set_status(session, draft, etag_of(versions), status=VersionStatus.SUBMITTED.value, submitted_at=now)
    audit.record(session, "submit", now, actor_id=actor.id, target=f"{kind}/{slug}", version=draft.number)
    return await commit_change(session, actor, kind, slug)


@use_case
async def withdraw(
    session: AsyncSession, actor: Actor, kind: EntryKind, slug: str, if_match: str | None, now: dt.datetime
) -> WorkingCopy:
    """Discard the open draft; it stays in the history as withdrawn. Commits."""
    target = f"{kind}/{slug}"
    await load_entry(session, actor, kind, slug)
    await permissions.require_shaper(session, actor, "translators do not discard drafts", target, now)
    _, versions, draft = await open_version(session, actor, kind, slug, if_match)
    await set_status(
        session, draft, etag_of(versions), status=VersionStatus.WITHDRAWN.value, updated_by_id=actor.id, updated_at=now
    )
    audit.record(session, "withdraw", now, actor_id=actor.id, target=target, version=draft.number)
    return await commit_change(session, actor, kind, slug)


@use_case
async def create_entry(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    content: Content,
    now: dt.datetime,
    *,
    source_locale: str = "da",
    organisation: str | None = None,
) -> WorkingCopy:
    """A new, unpublished entry whose first version is a draft; readers see it once an adviser approves it.

    Editors create entries of their own organisation; advisers and administrators name the
    organisation (the provider of a solution, the maintainer of a case). Commits.
    """
    target = f"{kind}/{slug}"
    await permissions.require_shaper(session, actor, "translators do not create entries", target, now)
    if not is_slug(slug):
        raise InvalidInput("slug", "use 2 to 80 lower-case letters, digits and single hyphens, such as rain-garden-kit")
    if source_locale not in CONTENT_LOCALES:
        raise InvalidInput("source_locale", f"use one of {', '.join(CONTENT_LOCALES)}")
    model = t.Solution if kind == "solution" else t.CaseResult
    if await session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise Conflict(f"a {kind} with the slug {slug!r} exists")
    owner_id = permissions.own_organisation(actor)
    if owner_id is None:
        if not organisation:
            raise InvalidInput("organisation", "name the organisation the entry belongs to")
        owner_id = await session.scalar(select(t.Organisation.id).where(t.Organisation.slug == organisation))
        if owner_id is None:
            raise InvalidInput("organisation", f"no organisation with the slug {organisation!r}")
    content = checked(kind, sanitised(kind, content))
    entry: Entry
    if isinstance(content, SolutionContent):
        entry = t.Solution(slug=slug, provider_id=owner_id, maturity=content.maturity.value, is_published=False,
                           sdgs=[], markets=[], themes=[], texts=[], images=[])  # fmt: skip
    else:
        assert isinstance(content, CaseContent)
        entry = t.CaseResult(slug=slug, maintainer_id=owner_id, city=content.city, country=content.country,
                             from_year=content.from_year, is_published=False, sources=[], texts=[], images=[],
                             solutions=[], partners=[], outcomes=[])  # fmt: skip
    session.add(entry)
    await session.flush()
    entry = await load_entry(session, actor, kind, slug)
    await validate(session, kind, entry, content, source_locale)
    # Stored at once (unpublished), so that the entry has its source language and owner from the start.
    await apply_content(session, entry, content, source_locale)
    column = {"solution_id": entry.id} if kind == "solution" else {"case_id": entry.id}
    session.add(
        EntryVersion(
            **column,
            number=1,
            status=VersionStatus.DRAFT.value,
            content=msgspec.json.encode(content).decode(),
            lock=1,
            created_by_id=actor.id,
            created_at=now,
            updated_by_id=actor.id,
            updated_at=now,
        )
    )
    audit.record(session, "create", now, actor_id=actor.id, target=target)
    return await commit_change(session, actor, kind, slug)
