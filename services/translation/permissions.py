"""Who may translate into which language, and who sees and fulfils translation requests.

A translator works in their own languages; an editor in every language of their organisation's
entries; advisers and administrators in every language.
"""

import datetime as dt

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.accounts import UserAccount
from catalogue.translation_requests import TranslationRequest
from catalogue.vocabulary import Role
from services import audit
from services.accounts.accounts import Actor
from services.errors import Forbidden


def translates_into(actor: Actor, target: str) -> bool:
    """Whether ``actor`` may write translations into ``target``."""
    return actor.role is not Role.TRANSLATOR or target in actor.locales


def target_locales(actor: Actor, locales: list[str]) -> list[str]:
    """Those of ``locales`` that ``actor`` translates into."""
    return [code for code in locales if translates_into(actor, code)]


async def require_target(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> None:
    """Refuse, and log it, unless ``actor`` :func:`translates_into` ``target``."""
    if not translates_into(actor, target):
        refusal = Forbidden(f"a translator for {', '.join(actor.locales)} may not translate into {target!r}")
        await audit.refuse(session, actor.id, refusal, f"translations/{target}", now)


def requests_visible_to(actor: Actor) -> ColumnElement[bool]:
    """The requests ``actor`` sees: in their languages, on their organisation's entries, their own, or all."""
    if actor.role is Role.TRANSLATOR:
        return TranslationRequest.language.in_(actor.locales) if actor.locales else false()
    if actor.role is Role.EDITOR:
        return or_(
            t.Solution.provider_id == actor.organisation_id,
            t.CaseResult.maintainer_id == actor.organisation_id,
        )
    if actor.role is Role.ADVISER:
        return TranslationRequest.requested_by_id == actor.id
    return true()


def may_fulfil(organisation_id: int | None) -> ColumnElement[bool]:
    """The accounts that may fulfil a request on an entry of ``organisation_id``, before their languages count."""
    return or_(
        UserAccount.role == Role.TRANSLATOR.value,
        (UserAccount.role == Role.EDITOR.value) & (UserAccount.organisation_id == organisation_id),
    )


def fulfils(person: UserAccount, language: str) -> bool:
    """Whether ``person``, one of :func:`may_fulfil`, writes ``language``."""
    return person.role == Role.EDITOR.value or language in person.locales
