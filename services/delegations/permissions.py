"""Who may prepare delegations and see where an organisation's entries went.

Export advisers prepare delegations and see their own; administrators see every one. An
organisation's reach is shown to its own editors, and to advisers and administrators.
"""

import datetime as dt

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.delegations import Delegation
from catalogue.vocabulary import Role
from services import audit
from services.accounts.accounts import Actor
from services.errors import Forbidden


def prepares_delegations(actor: Actor) -> bool:
    """Whether ``actor`` prepares delegations and their packs."""
    return actor.role in {Role.ADMINISTRATOR, Role.ADVISER}


async def require_adviser(session: AsyncSession, actor: Actor, now: dt.datetime) -> None:
    """Refuse, and log it, unless ``actor`` :func:`prepares_delegations`."""
    if not prepares_delegations(actor):
        error = Forbidden("delegations are prepared by export advisers")
        await audit.refuse(session, actor.id, error, "delegations", now)


def owned_by(actor: Actor) -> ColumnElement[bool]:
    """The delegations ``actor`` may see and change: their own, or all for an administrator."""
    return true() if actor.role is Role.ADMINISTRATOR else Delegation.owner_id == actor.id


async def require_reach_reader(session: AsyncSession, actor: Actor, slug: str, now: dt.datetime) -> None:
    """Refuse, and log it, a translator asking for the reach of the organisation ``slug``."""
    if actor.role is Role.TRANSLATOR:
        error = Forbidden("an organisation's reach is shown to its editors, advisers and administrators")
        await audit.refuse(session, actor.id, error, f"organisation/{slug}/reach", now)


def reach_visible_to(actor: Actor) -> ColumnElement[bool]:
    """The organisations whose reach ``actor`` sees: an editor's own, or all."""
    return t.Organisation.id == actor.organisation_id if actor.role is Role.EDITOR else true()


def own_organisation(actor: Actor) -> int | None:
    """The organisation whose reach is ``actor``'s own: an editor's organisation; ``None`` for others."""
    return actor.organisation_id if actor.role is Role.EDITOR else None
