"""Who may manage accounts."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.vocabulary import Role
from services import audit
from services.accounts.accounts import Actor
from services.errors import Forbidden


def administers(actor: Actor) -> bool:
    """Whether ``actor`` invites people, sets their roles and (de)activates accounts."""
    return actor.role is Role.ADMINISTRATOR


async def require_administrator(session: AsyncSession, actor: Actor, now: dt.datetime) -> None:
    """Refuse, and log the refusal, unless ``actor`` is an administrator."""
    if not administers(actor):
        await audit.refuse(session, actor.id, Forbidden("only administrators manage accounts"), "accounts", now)
