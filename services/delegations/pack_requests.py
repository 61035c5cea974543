"""An adviser asks for a pack to be generated: each language joins the job that will make its file, or gets one.

Many requests may come at once (several advisers, a double click): each language ends with one
job however they interleave. A unique index lets at most one job per pack and language wait;
a request inserts its job only if none waits, then reads which one does.
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.delegations import Delegation
from catalogue.packs import PackRender
from services import audit
from services.accounts.accounts import Actor
from services.delegations import delegations
from services.delegations.pack_freshness import versions_now
from services.delegations.pack_jobs import UNFINISHED, RenderView, view_of
from services.errors import Contended, InvalidInput
from services.transaction import use_case

#: How often a request reads again after another one queued the same language at the same moment.
_TRIES = 5


def _abandoned(render: PackRender, now: dt.datetime, timeout: float) -> bool:
    """Whether an unfinished job will not end by itself: queued and never taken, or running far past its timeout."""
    if render.status == "queued":
        return (render.touched_at or render.requested_at) < now - dt.timedelta(seconds=timeout)
    # A running attempt ends at its timeout, or is put back at once when its runner dies.
    return (render.started_at or render.requested_at) < now - dt.timedelta(seconds=2 * timeout)


@use_case
async def request(
    session: AsyncSession, actor: Actor, delegation_id: int, languages: Sequence[str], now: dt.datetime, timeout: float
) -> tuple[list[RenderView], list[int]]:
    """Have the pack generated in each of ``languages``; commits.

    A language joins the job that will make the file asked for now: one still queued (it loads
    the pack when it starts), or one running that started from the delegation, the pack and the
    entries as they are now. Otherwise it gets a new job. A job that will never end by itself is
    marked failed. Returns the views and the ids of the new jobs, which a runner must be given.
    """
    delegation = await delegations.load(session, actor, delegation_id, now)
    unknown = [language for language in languages if language not in delegation.languages]
    if unknown or not languages:
        raise InvalidInput("languages", f"choose among the delegation's languages: {', '.join(delegation.languages)}")
    chosen: list[PackRender] = []
    new: list[PackRender] = []
    for language in dict.fromkeys(languages):
        render, created = await _join_or_queue(session, actor, delegation, language, now, timeout)
        chosen.append(render)
        if created:
            new.append(render)
    audit.record(
        session, "pack-generation-requested", now, actor_id=actor.id, target=f"delegation/{delegation.id}",
        languages=",".join(render.language for render in new),
    )  # fmt: skip
    await session.flush()
    views, new_ids = [view_of(render) for render in chosen], [render.id for render in new]
    await session.commit()
    return views, new_ids


async def _join_or_queue(
    session: AsyncSession, actor: Actor, delegation: Delegation, language: str, now: dt.datetime, timeout: float
) -> tuple[PackRender, bool]:
    """The job that will make ``language``'s file as asked for now, and whether it is new."""
    for _try in range(_TRIES):
        unfinished = list(
            await session.scalars(
                select(PackRender)
                .where(
                    PackRender.delegation_id == delegation.id,
                    PackRender.language == language,
                    PackRender.status.in_(UNFINISHED),
                )
                .order_by(PackRender.id)
                .execution_options(populate_existing=True)
            )
        )
        for render in unfinished:
            if _abandoned(render, now, timeout):
                render.status, render.stage, render.finished_at = "failed", "finished", now
                render.error = "abandoned: nothing has run it for too long"
        await session.flush()
        live = [render for render in unfinished if render.status in UNFINISHED]
        queued = next((render for render in live if render.status == "queued"), None)
        if queued is not None:
            return queued, False
        if live:
            versions = await versions_now(session, delegation, language)
            started_from_now = next((render for render in live if render.versions == versions), None)
            if started_from_now is not None:
                return started_from_now, False
        created = await _queue(session, actor, delegation, language, now)
        if created is not None:
            return created, True
        # Another request queued this language at the same moment and has committed: read again and join it.
    raise Contended


async def _queue(
    session: AsyncSession, actor: Actor, delegation: Delegation, language: str, now: dt.datetime
) -> PackRender | None:
    """A new queued job for ``language``, or ``None`` when one already waits."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {
        "delegation_id": delegation.id, "language": language, "status": "queued", "stage": "waiting", "progress": 0,
        "attempts": 0, "requested_by_id": actor.id, "requested_at": now, "touched_at": now, "versions": {},
    }  # fmt: skip
    inserted = await session.scalar(
        dialect.insert(PackRender)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["delegation_id", "language"], index_where=text("status = 'queued'"))
        .returning(PackRender.id)
    )
    return None if inserted is None else await session.get_one(PackRender, inserted)
