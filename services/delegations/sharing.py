"""Share links: a delegation opens its pack by an unguessable link that expires and can be revoked.

A link carries 256 random bits; only their digest is stored. Downloads are counted per pack,
language and day, with nothing about who downloaded.
"""

import datetime as dt
import logging
from pathlib import Path

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.delegations import Delegation
from catalogue.packs import PackDownload, ShareLink
from i18n.locales import Locale
from services import audit
from services.accounts.accounts import Actor, digest, new_secret
from services.delegations import delegations, pack_freshness
from services.delegations.download_counts import DownloadCounts
from services.delegations.pack_service import PACK
from services.documents.pipeline import Press, document
from services.errors import InvalidInput, NotFound
from services.transaction import use_case

logger = logging.getLogger(__name__)

MAX_DAYS = 90


class LinkInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool
    allow_download: bool


class NewLink(msgspec.Struct, frozen=True, kw_only=True):
    info: LinkInfo
    #: Shown once: the address to send the delegation.
    url: str


class DownloadCount(msgspec.Struct, frozen=True, kw_only=True):
    language: str
    day: dt.date
    count: int


def _info(link: ShareLink, now: dt.datetime) -> LinkInfo:
    return LinkInfo(
        id=link.id,
        created_at=link.created_at,
        expires_at=link.expires_at,
        revoked=link.revoked_at is not None or link.expires_at <= now,
        allow_download=link.allow_download,
    )


@use_case
async def create_link(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    days: int,
    allow_download: bool,
    base_url: str,
    now: dt.datetime,
) -> NewLink:
    """A new link to the delegation's pack, valid for ``days``. Commits."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"a link lasts 1 to {MAX_DAYS} days")
    delegation = await delegations.load(session, actor, delegation_id, now)
    secret = new_secret()
    link = ShareLink(
        delegation_id=delegation.id,
        token_digest=digest(secret),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        allow_download=allow_download,
    )
    session.add(link)
    await session.flush()
    audit.record(session, "share-link-created", now, actor_id=actor.id, target=f"delegation/{delegation.id}")
    await session.commit()
    return NewLink(info=_info(link, now), url=f"{base_url}/shared/{secret}")


async def links(session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime) -> list[LinkInfo]:
    """The delegation's links, newest first (never their secrets)."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    rows = await session.scalars(
        select(ShareLink).where(ShareLink.delegation_id == delegation.id).order_by(ShareLink.id.desc())
    )
    return [_info(link, now) for link in rows]


@use_case
async def revoke(session: AsyncSession, actor: Actor, delegation_id: int, link_id: int, now: dt.datetime) -> None:
    """The link stops working at once. Commits."""
    delegation = await delegations.load(session, actor, delegation_id, now)
    changed = await session.execute(
        update(ShareLink)
        .where(ShareLink.id == link_id, ShareLink.delegation_id == delegation.id)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("share link", str(link_id))
    audit.record(session, "share-link-revoked", now, actor_id=actor.id, target=f"delegation/{delegation.id}")
    await session.commit()


async def opened(session: AsyncSession, secret: str, now: dt.datetime) -> tuple[Delegation, ShareLink]:
    """The delegation a live link opens; an unknown, expired or revoked link is not found."""
    found = (
        (
            await session.execute(
                select(Delegation, ShareLink)
                .join(ShareLink, ShareLink.delegation_id == Delegation.id)
                .where(
                    ShareLink.token_digest == digest(secret),
                    ShareLink.revoked_at.is_(None),
                    ShareLink.expires_at > now,
                )
            )
        )
        .tuples()
        .first()
    )
    if found is None:
        raise NotFound("shared pack", "(link)")
    return found


@use_case
async def shared_pack(
    session: AsyncSession, secret: str, locale: Locale, press: Press, counts: DownloadCounts, now: dt.datetime
) -> tuple[Path, bool]:
    """The pack file the link ``secret`` gives in ``locale``, counted as a download, and whether to offer it as one.

    The file the adviser generated last is the one the delegation gets; before any, it is made now.
    """
    delegation, link = await opened(session, secret, now)
    if locale not in delegation.languages:
        raise NotFound("pack language", locale)
    generated = await pack_freshness.latest_done(session, delegation.id, locale)
    path = await press.cache.fetch(generated.document_key) if generated and generated.document_key else None
    if path is None:
        path = (await document(session, PACK, delegation.id, locale, "pdfua", press)).path
    counts.add(delegation.id, locale, now.date())
    return path, link.allow_download


@use_case
async def downloads(
    session: AsyncSession, actor: Actor, delegation_id: int, counts: DownloadCounts, now: dt.datetime
) -> list[DownloadCount]:
    """How often the delegation's pack was opened, per language and day; those of other processes show
    once they have written their ``counts``.

    Ends the session's transaction (nothing is pending in it when counts are shown): on SQLite it may
    hold the write lock the counts of this process need, and a new one sees them once written.
    """
    delegation = await delegations.load(session, actor, delegation_id, now)
    await session.commit()
    try:
        await counts.write()
    except Exception as error:  # noqa: BLE001 - shown as stored so far; the next write tries again
        logger.warning("pack downloads could not be counted yet: %r", error)
    rows = await session.execute(
        select(PackDownload.language, PackDownload.day, PackDownload.count)
        .where(PackDownload.delegation_id == delegation.id)
        .order_by(PackDownload.day, PackDownload.language)
    )
    return [DownloadCount(language=language, day=day, count=count) for language, day, count in rows]
