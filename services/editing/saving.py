"""Saving the edit form: what was typed in one locale, perhaps sent to review, with translations confirmed."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.content import Content, EntryKind
from catalogue.vocabulary import VersionStatus
from i18n.locales import Locale
from services.accounts.accounts import Actor
from services.editing import editing, permissions
from services.errors import PreconditionFailed
from services.transaction import use_case
from services.translation import translation_work


@use_case
async def save_edit(
    session: AsyncSession,
    actor: Actor,
    kind: EntryKind,
    slug: str,
    locale: Locale,
    content: Content,
    if_match: str,
    now: dt.datetime,
    *,
    submit: bool = False,
    confirmations: list[str] | None = None,
) -> None:
    """Keep what the form of ``locale`` holds, made to the version ``if_match`` names.

    A change (or any form of an entry not yet published) is saved as the draft; with ``submit``
    the draft goes to review; ``confirmations`` name the outdated translations in ``locale``
    that are still right. Each step commits; a refused step leaves the earlier ones kept.
    """
    copy = await editing.working_copy(session, actor, kind, slug)
    await permissions.require_locale(session, actor, locale, copy.source_locale, f"{kind}/{slug}", now)
    if if_match != copy.etag:
        raise PreconditionFailed(copy.etag)
    etag = if_match
    if content != copy.content or copy.status is not VersionStatus.PUBLISHED:
        etag = (await editing.save_draft(session, actor, kind, slug, content, etag, now)).etag
    if submit:
        await editing.submit(session, actor, kind, slug, etag, now)
    if confirmations:
        await translation_work.confirm(session, actor, kind, slug, locale, confirmations, now)
