"""The audit log: logins, edits, reviews and refusals, with who and when."""

import datetime as dt
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.accounts import AuditEvent


def record(
    session: AsyncSession,
    action: str,
    now: dt.datetime,
    *,
    actor_id: int | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Add an event to the log; it is stored with the caller's transaction."""
    session.add(AuditEvent(at=now, actor_id=actor_id, action=action, target=target, detail=detail))


async def record_now(
    session: AsyncSession,
    action: str,
    now: dt.datetime,
    *,
    actor_id: int | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Store an event at once, on its own: for refusals, which change nothing else."""
    await session.rollback()
    record(session, action, now, actor_id=actor_id, target=target, **detail)
    await session.commit()


async def refuse(session: AsyncSession, actor_id: int, error: Exception, target: str, now: dt.datetime) -> NoReturn:
    """Log that ``actor_id`` was refused ``target``, then raise ``error``."""
    await record_now(session, "refused", now, actor_id=actor_id, target=target, reason=str(error))
    raise error
