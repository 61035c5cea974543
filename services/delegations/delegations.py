"""Delegations: advisers describe the groups they prepare for; each sees only their own.

Administrators see every delegation. The owner condition is part of every query that loads one,
so another adviser's delegation is not found.
"""

import datetime as dt

import msgspec
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.delegations import Delegation, DelegationRecord, delegation_problems
from services import audit
from services.accounts.accounts import Actor
from services.delegations import permissions
from services.delegations.permissions import owned_by
from services.editing import editing
from services.errors import InvalidCatalogueData, NotFound, PreconditionFailed
from services.transaction import use_case


class DelegationView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    country: str
    city: str | None
    organisations: list[str]
    languages: list[str]
    starts_on: dt.date
    ends_on: dt.date
    group_size: int
    themes: list[str]
    challenges: str
    notes: str
    etag: str


def view_of(delegation: Delegation) -> DelegationView:
    return DelegationView(
        id=delegation.id,
        name=delegation.name,
        country=delegation.country,
        city=delegation.city,
        organisations=list(delegation.organisations),
        languages=list(delegation.languages),
        starts_on=delegation.starts_on,
        ends_on=delegation.ends_on,
        group_size=delegation.group_size,
        themes=list(delegation.themes),
        challenges=delegation.challenges,
        notes=delegation.notes,
        etag=f'"g{delegation.id}-{delegation.lock}"',
    )


async def _checked(session: AsyncSession, record: DelegationRecord) -> None:
    problems = delegation_problems(record, set(await session.scalars(select(t.Theme.slug))))
    if problems:
        raise InvalidCatalogueData(problems)


def _fields(record: DelegationRecord) -> dict[str, object]:
    return {
        "name": record.name.strip(),
        "country": record.country,
        "city": record.city,
        "organisations": list(record.organisations),
        "languages": list(record.languages),
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "group_size": record.group_size,
        "themes": list(dict.fromkeys(record.themes)),
        "challenges": record.challenges.strip(),
        "notes": record.notes.strip(),
    }


@use_case
async def create(session: AsyncSession, actor: Actor, record: DelegationRecord, now: dt.datetime) -> DelegationView:
    """A new delegation owned by ``actor``. Commits."""
    await permissions.require_adviser(session, actor, now)
    await _checked(session, record)
    delegation = Delegation(owner_id=actor.id, lock=1, **_fields(record))
    session.add(delegation)
    await session.flush()
    audit.record(session, "delegation-created", now, actor_id=actor.id, target=f"delegation/{delegation.id}")
    await session.commit()
    return view_of(delegation)


async def load(session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime) -> Delegation:
    """One delegation ``actor`` may see; others are not found."""
    await permissions.require_adviser(session, actor, now)
    found = await session.scalar(select(Delegation).where(Delegation.id == delegation_id, owned_by(actor)))
    if found is None:
        raise NotFound("delegation", str(delegation_id))
    return found


async def listing(session: AsyncSession, actor: Actor, now: dt.datetime) -> list[DelegationView]:
    """The delegations ``actor`` may see, soonest visit first."""
    await permissions.require_adviser(session, actor, now)
    rows = await session.scalars(
        select(Delegation).where(owned_by(actor)).order_by(Delegation.starts_on, Delegation.id)
    )
    return [view_of(delegation) for delegation in rows]


@use_case
async def replace(
    session: AsyncSession,
    actor: Actor,
    delegation_id: int,
    record: DelegationRecord,
    if_match: str | None,
    now: dt.datetime,
) -> DelegationView:
    """Replace a delegation's description, made to the version ``if_match`` names. Commits."""
    delegation = await load(session, actor, delegation_id, now)
    current = view_of(delegation).etag
    editing.check_precondition(if_match, current)
    await _checked(session, record)
    changed = await session.execute(
        update(Delegation)
        .where(Delegation.id == delegation.id, Delegation.lock == delegation.lock)
        .values(lock=delegation.lock + 1, updated_at=now, **_fields(record))
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise PreconditionFailed(current)
    audit.record(session, "delegation-changed", now, actor_id=actor.id, target=f"delegation/{delegation.id}")
    await session.commit()
    session.expire_all()
    return view_of(await load(session, actor, delegation_id, now))


@use_case
async def remove(session: AsyncSession, actor: Actor, delegation_id: int, now: dt.datetime) -> None:
    """Delete a delegation. Commits."""
    delegation = await load(session, actor, delegation_id, now)
    await session.execute(delete(Delegation).where(Delegation.id == delegation.id))
    audit.record(session, "delegation-deleted", now, actor_id=actor.id, target=f"delegation/{delegation.id}")
    await session.commit()
