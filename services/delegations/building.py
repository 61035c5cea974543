"""The builder's changes to a pack: one part at a time, and for readiness the translations it asks for."""

import datetime as dt
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.packs import PackRecord
from i18n.locales import FALLBACK_LOCALE, Locale
from services.accounts.accounts import Actor
from services.accounts.people import Mail
from services.delegations import packs
from services.errors import InvalidInput
from services.transaction import use_case
from services.translation import translation_requests


@use_case
async def change_part(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    change: Callable[[PackRecord], PackRecord],
    version: str,
    now: dt.datetime,
    *,
    locale: Locale,
    wanted: tuple[tuple[str, str, str], ...] = (),
    base_url: str = "",
    page_locale: Locale = FALLBACK_LOCALE,
) -> list[Mail]:
    """Apply ``change`` to the pack as stored at ``version`` and save it; ask for each translation ``wanted``.

    ``wanted`` holds (language, kind, slug); each must be one the readiness check offers. Returns
    the mails to send about requests that are new. ``locale`` is the content language the builder
    shows, ``page_locale`` the language of its pages.
    """
    if wanted:
        offered = {
            (language.language, item.kind, item.slug)
            for language in await packs.readiness(session, actor, delegation_id, now)
            for item in language.missing
            if item.kind != "visit_site"
        }
        for language, kind, slug in wanted:
            if (language, kind, slug) not in offered:
                raise InvalidInput(
                    f"choice.{language}.{kind}:{slug}",
                    "only a solution or case of the pack lacking that language can be requested",
                )
    record = change(await packs.stored(session, actor, delegation_id, now))
    await packs.save(session, actor, delegation_id, record, version, locale, now)
    mails: list[Mail] = []
    for language, kind, slug in wanted:
        made = await translation_requests.request_translation(
            session, actor, delegation_id, kind, slug, language, now, page_locale
        )
        if made.created:
            mails += await translation_requests.notifications(session, made.request.id, base_url)
    return mails
