"""A delegation's pack as a kind of document: load what it shows in one language, build it, lay it out."""

import datetime as dt

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.accounts import UserAccount
from catalogue.delegations import Delegation
from catalogue.packs import Pack, kept_in
from i18n.catalogues import translations
from i18n.locales import Locale
from services.accounts.accounts import Actor
from services.delegations import delegations, packs
from services.delegations.pack import PackContent, build_pack
from services.documents.pipeline import (
    DocumentKind,
    DocumentSource,
    Press,
    RenderedDocument,
    document,
    lay_out_document,
    loading,
)
from services.reading import browsing
from services.reading.brochures import brochure_for
from services.view_cache import cached_view


async def _source(session: AsyncSession, delegation_id: int, locale: Locale, base_url: str) -> DocumentSource:
    delegation = await session.get_one(Delegation, delegation_id)
    pack_lock = await session.scalar(select(Pack.lock).where(Pack.delegation_id == delegation.id))
    owner = await session.scalar(select(UserAccount.display_name).where(UserAccount.id == delegation.owner_id))
    # Every version of the delegation, the pack and the catalogue has its own key: repeated
    # downloads skip loading and laying out the same pack again.
    return await _laid_out(session, delegation.id, delegation.lock, pack_lock or 0, owner or "", locale, base_url)


@cached_view
async def _laid_out(
    session: AsyncSession,
    delegation_id: int,
    _delegation_lock: int,
    _pack_lock: int,
    owner: str,
    locale: Locale,
    base_url: str,
) -> DocumentSource:
    async with loading():
        return await _layout(session, delegation_id, owner, locale, base_url)


async def _layout(
    session: AsyncSession, delegation_id: int, owner: str, locale: Locale, base_url: str
) -> DocumentSource:
    delegation = await session.get_one(Delegation, delegation_id)
    pack = await session.scalar(select(Pack).where(Pack.delegation_id == delegation.id))
    record = packs.record_of(pack)
    # Items left out of this language keep their number in the others, so section numbers agree.
    kept = kept_in(record, locale)
    wanted_sites = {item.slug for item in kept if item.kind == "visit_site"}
    wanted_sites |= {visit.visit_site for day in record.programme for visit in day.visits if visit.visit_site}
    content = PackContent(
        brochures={
            item.slug: await brochure_for(session, item.slug, locale, base_url)
            for item in kept
            if item.kind == "solution"
        },
        cases={item.slug: await browsing.get_case(session, item.slug, locale) for item in kept if item.kind == "case"},
        sites={slug: await browsing.get_visit_site(session, slug, locale) for slug in sorted(wanted_sites)},
        rates=await browsing.list_exchange_rates(session),
    )
    gettext = translations(locale, "documents").gettext
    document = await anyio.to_thread.run_sync(build_pack, delegation, record, content, owner, locale, gettext)
    html = await anyio.to_thread.run_sync(lay_out_document, "pack.html", document, locale)
    return DocumentSource(html=html, images=document.images, title=document.title)


#: A delegation's pack; its subject is the delegation's id, and it is made only for whoever may see it.
PACK = DocumentKind[int](named="the pack of delegation {subject}", source=_source)


async def pack_pdf(
    session: AsyncSession, actor: Actor, delegation_id: int, locale: Locale, press: Press, now: dt.datetime
) -> RenderedDocument:
    """The pack as a tagged PDF from the document cache, rendered first when the cache lacks it."""
    await delegations.load(session, actor, delegation_id, now)
    return await document(session, PACK, delegation_id, locale, "pdfua", press)
