"""Translation requests: an adviser asks for a pack's solution or case in one of the delegation's languages.

A request is made through the delegation, so only its adviser (or an administrator) makes one. It
is fulfilled once the entry's title has an approved translation in the language; that is read from
the entry's texts each time, never stored. Translators of the language and the editors of the
entry's organisation are told by mail.
"""

import datetime as dt
from typing import Any, Literal

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from catalogue import tables as t
from catalogue.accounts import UserAccount
from catalogue.delegations import Delegation
from catalogue.localised import LocalisedText, resolve
from catalogue.packs import Pack
from catalogue.texts import fields_of
from catalogue.translation_requests import TranslationRequest
from i18n import formatting
from i18n.catalogues import translations
from i18n.locales import FALLBACK_LOCALE, INTERFACE_LOCALES, Locale
from services import audit
from services.accounts.accounts import Actor
from services.accounts.people import Mail
from services.delegations import delegations, packs
from services.errors import InvalidInput
from services.transaction import use_case
from services.translation import permissions

RequestKind = Literal["solution", "case"]
_MODELS: dict[str, Any] = {"solution": t.Solution, "case": t.CaseResult}
_SEGMENTS = {"solution": "solutions", "case": "cases"}


class RequestView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    kind: RequestKind
    slug: str
    #: The entry's title in the reader's locale, or the language it fell back to.
    title: str
    title_locale: str
    #: The language the translation is wanted in.
    language: str
    #: The first day of the delegation it was asked for.
    needed_by: dt.date
    #: Whether the title now has an approved translation in ``language``.
    fulfilled: bool


class Requested(msgspec.Struct, frozen=True, kw_only=True):
    request: RequestView
    #: False when the entry already had a request in this language, which is returned instead.
    created: bool


def is_fulfilled(title: LocalisedText, language: str) -> bool:
    """Whether a reader of ``language`` sees an approved title, neither a fallback nor outdated."""
    shown = resolve(title, language)
    return not shown.is_fallback and not shown.outdated


def _view(request: TranslationRequest, kind: RequestKind, entry: Any, locale: Locale) -> RequestView:
    title = fields_of(entry.texts)["title"]
    shown = resolve(title, locale)
    return RequestView(
        id=request.id,
        kind=kind,
        slug=entry.slug,
        title=shown.text,
        title_locale=shown.locale,
        language=request.language,
        needed_by=request.needed_by,
        fulfilled=is_fulfilled(title, request.language),
    )


def _column(kind: RequestKind) -> Any:
    return TranslationRequest.solution_id if kind == "solution" else TranslationRequest.case_id


async def _in_pack(session: AsyncSession, delegation: Delegation, kind: str, slug: str) -> bool:
    pack = await session.scalar(select(Pack).where(Pack.delegation_id == delegation.id))
    record = packs.record_of(pack)
    return any(item.kind == kind and item.slug == slug for item in record.items)


@use_case
async def request_translation(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    kind: str,
    slug: str,
    language: str,
    now: dt.datetime,
    locale: Locale = FALLBACK_LOCALE,
) -> Requested:
    """Ask for the pack's entry ``kind``/``slug`` in ``language``, needed by the delegation's first day. Commits.

    An entry with a request in that language already gets that one back; nothing is stored then.
    """
    try:
        return await _request(session, actor, delegation_id, kind, slug, language, now, locale)
    except IntegrityError:
        # Another request for the entry and language was stored first: asking again finds it.
        await session.rollback()
        return await _request(session, actor, delegation_id, kind, slug, language, now, locale)


async def _request(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    kind: str,
    slug: str,
    language: str,
    now: dt.datetime,
    locale: Locale,
) -> Requested:
    delegation = await delegations.load(session, actor, delegation_id, now)
    if kind not in _MODELS:
        raise InvalidInput("kind", "only solutions and cases are translated on request")
    if language not in delegation.languages:
        raise InvalidInput("language", f"{language!r} is not one of the delegation's languages")
    if not await _in_pack(session, delegation, kind, slug):
        raise InvalidInput("slug", f"the delegation's pack holds no {kind} {slug!r}")
    entry_kind: RequestKind = "solution" if kind == "solution" else "case"
    model = _MODELS[kind]
    entry = await session.scalar(select(model).where(model.slug == slug).options(selectinload(model.texts)))
    if entry is None:
        raise InvalidInput("slug", f"no {kind} {slug!r}")
    existing = await _existing(session, entry_kind, entry.id, language)
    if existing is not None:
        if delegation.starts_on < existing.needed_by:
            # A sooner visit needs it sooner: the request takes the earlier date.
            existing.needed_by = delegation.starts_on
            await session.commit()
        return Requested(request=_view(existing, entry_kind, entry, locale), created=False)
    request = TranslationRequest(
        language=language,
        delegation_id=delegation.id,
        requested_by_id=actor.id,
        requested_at=now,
        needed_by=delegation.starts_on,
        **{f"{kind}_id": entry.id},
    )
    session.add(request)
    audit.record(
        session, "translation-requested", now, actor_id=actor.id, target=f"{kind}/{slug}",
        language=language, delegation=delegation.id,
    )  # fmt: skip
    await session.commit()
    return Requested(request=_view(request, entry_kind, entry, locale), created=True)


async def _existing(
    session: AsyncSession, kind: RequestKind, entry_id: int, language: str
) -> TranslationRequest | None:
    found: TranslationRequest | None = await session.scalar(
        select(TranslationRequest).where(_column(kind) == entry_id, TranslationRequest.language == language)
    )
    return found


async def open_requests(session: AsyncSession, actor: Actor, locale: Locale) -> list[RequestView]:
    """The translation requests ``actor`` sees, unfulfilled first and soonest needed first; titles in ``locale``."""
    rows = await session.execute(
        select(TranslationRequest, t.Solution, t.CaseResult)
        .outerjoin(t.Solution, t.Solution.id == TranslationRequest.solution_id)
        .outerjoin(t.CaseResult, t.CaseResult.id == TranslationRequest.case_id)
        .where(permissions.requests_visible_to(actor))
        .options(selectinload(t.Solution.texts), selectinload(t.CaseResult.texts))
        .order_by(TranslationRequest.needed_by, TranslationRequest.id)
    )
    views = [
        _view(request, "solution", solution, locale) if solution is not None else _view(request, "case", case, locale)
        for request, solution, case in rows.tuples()
    ]
    return sorted(views, key=lambda view: view.fulfilled)


async def notifications(session: AsyncSession, request_id: int, base_url: str) -> list[Mail]:
    """The mail telling the active translators of the request's language and the entry's editors about it."""
    request = await session.get(TranslationRequest, request_id)
    if request is None:
        return []
    kind: RequestKind = "solution" if request.solution_id is not None else "case"
    model = _MODELS[kind]
    entry = await session.scalar(
        select(model).where(model.id == (request.solution_id or request.case_id)).options(selectinload(model.texts))
    )
    if entry is None:
        return []
    organisation_id = entry.provider_id if kind == "solution" else entry.maintainer_id
    people = await session.scalars(
        select(UserAccount)
        .where(
            UserAccount.is_active.is_(True),
            permissions.may_fulfil(organisation_id),
        )
        .order_by(UserAccount.email)
    )
    link = f"{base_url}/edit/{_SEGMENTS[kind]}/{entry.slug}?locale={request.language}"
    title = fields_of(entry.texts)["title"]
    return [
        _mail(person, resolve(title, _locale_of(person)).text, request, link)
        for person in people
        if permissions.fulfils(person, request.language)
    ]


def _locale_of(person: UserAccount) -> str:
    return person.interface_locale if person.interface_locale in INTERFACE_LOCALES else "en"


def _mail(person: UserAccount, title: str, request: TranslationRequest, link: str) -> Mail:
    locale = _locale_of(person)
    _ = translations(locale).gettext
    language = formatting.language(request.language, locale)
    needed_by = formatting.date(request.needed_by, locale)
    return Mail(
        to=person.email,
        subject=_("Translation requested: {title}").format(title=title),
        body=_(
            "An export adviser needs “{title}” in {language} for a delegation visiting from {date}. Translate it here; an adviser approves the translation before it is published:"  # noqa: E501
        ).format(title=title, language=language, date=needed_by)
        + f"\n\n{link}\n",
    )
