"""Who may create, change, discard and review solutions and cases.

Editors work on their own organisation's entries; translators change only texts in their own
languages, never the source; advisers and administrators work on every entry and review.
"""

import datetime as dt

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.content import TEXT_FIELDS, Content, EntryKind, diff
from catalogue.vocabulary import Role
from i18n.locales import CONTENT_LOCALES
from services import audit
from services.accounts.accounts import Actor
from services.errors import Forbidden


def editable_by(kind: EntryKind, actor: Actor) -> ColumnElement[bool]:
    """The condition on entries of ``kind`` that ``actor`` may read in draft and edit."""
    if actor.role is Role.EDITOR:
        column = t.Solution.provider_id if kind == "solution" else t.CaseResult.maintainer_id
        return column == actor.organisation_id
    return true()


def own_organisation(actor: Actor) -> int | None:
    """The organisation every entry ``actor`` creates belongs to: an editor's; ``None`` when they name it."""
    return actor.organisation_id if actor.role is Role.EDITOR else None


def shapes_entries(actor: Actor) -> bool:
    """Whether ``actor`` creates entries, changes their figures, structure and images, and discards drafts."""
    return actor.role is not Role.TRANSLATOR


def reviews(actor: Actor) -> bool:
    """Whether ``actor`` reviews and publishes what others submit."""
    return actor.role in {Role.ADMINISTRATOR, Role.ADVISER}


def editable_locales(actor: Actor, source: str) -> list[str]:
    """The locales of an entry written in ``source`` whose texts ``actor`` may change."""
    if actor.role is Role.TRANSLATOR:
        return [code for code in CONTENT_LOCALES if code in actor.locales and code != source]
    return list(CONTENT_LOCALES)


def translator_changes(actor: Actor, kind: EntryKind, source: str, before: Content, after: Content) -> None:
    """Refuse, for a translator, anything but texts in their own locales (never the source)."""
    if actor.role is not Role.TRANSLATOR:
        return
    for change in diff(before, after):
        field = change.field.rsplit(".", 1)[-1]
        is_text = field in TEXT_FIELDS[kind] or field in {"label", "note", "alt"}
        if not is_text or change.locale is None or change.locale not in actor.locales or change.locale == source:
            where = f"{change.field} ({change.locale})" if change.locale else change.field
            raise Forbidden(f"a translator for {', '.join(actor.locales)} may not change {where}")


async def require_shaper(session: AsyncSession, actor: Actor, refusal: str, target: str, now: dt.datetime) -> None:
    """Refuse with ``refusal``, and log it, unless ``actor`` :func:`shapes_entries`."""
    if not shapes_entries(actor):
        await audit.refuse(session, actor.id, Forbidden(refusal), target, now)


async def require_reviewer(session: AsyncSession, actor: Actor, target: str, now: dt.datetime) -> None:
    """Refuse, and log it, unless ``actor`` :func:`reviews`."""
    if not reviews(actor):
        await audit.refuse(session, actor.id, Forbidden("only advisers and administrators review entries"), target, now)


async def require_locale(
    session: AsyncSession, actor: Actor, locale: str, source: str, target: str, now: dt.datetime
) -> None:
    """Refuse, and log it, unless ``actor`` may change the ``locale`` texts of an entry written in ``source``."""
    if locale not in editable_locales(actor, source):
        await audit.refuse(session, actor.id, Forbidden(f"you do not edit {locale!r}"), target, now)
