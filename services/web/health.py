"""Liveness and readiness: whether the process answers, and whether it can do its work.

``/healthz`` touches nothing but the event loop, so it answers however busy the database or
the renderers are. ``/readyz`` asks the database (on a connection kept for it alone, never one a
request holds) and the shared queue, each within a short time limit.
"""

import asyncio
from typing import Any

import msgspec
from litestar import Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from catalogue.database import async_engine, for_reading

#: Seconds each readiness check may take before it counts as failed.
CHECK_SECONDS = 2.0


class Liveness(msgspec.Struct, frozen=True):
    status: str


class Readiness(msgspec.Struct, frozen=True):
    #: `ok` when every check passed, else `unavailable`.
    status: str
    #: `ok`, or why the database did not answer.
    database: str
    #: `ok`, `none` when jobs run beside the app, or why the shared queue did not answer.
    queue: str


class Probe:
    """Checks the database on a connection of its own, which no request or render can be holding."""

    def __init__(self, database_url: str) -> None:
        self.engine: AsyncEngine = async_engine(
            database_url, pool_size=1, max_overflow=0, pool_timeout=CHECK_SECONDS, pool_pre_ping=True
        )

    async def database(self) -> str:
        try:
            # Reading only: on SQLite the check never waits for the write lock.
            async with asyncio.timeout(CHECK_SECONDS), for_reading(self.engine).connect() as connection:
                await connection.execute(text("SELECT 1"))
        except TimeoutError:
            return "timeout"
        except Exception as error:  # noqa: BLE001 - any failure means the database is not ready
            return type(error).__name__
        return "ok"

    async def close(self) -> None:
        await self.engine.dispose()


async def _queue_state(jobs: Any) -> str:
    ping = getattr(jobs, "ping", None)
    if ping is None:
        return "none"
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await ping()
    except TimeoutError:
        return "timeout"
    except Exception as error:  # noqa: BLE001 - any failure means the queue is not ready
        return type(error).__name__
    return "ok"


@get("/healthz", tags=["health"])
async def healthz() -> Liveness:
    """Whether the process is alive and its event loop answers; asks nothing of the database."""
    return Liveness(status="ok")


@get(
    "/readyz",
    tags=["health"],
    responses={503: ResponseSpec(Readiness, description="The database or the shared queue did not answer in time.")},
)
async def readyz(request: Request[Any, Any, Any]) -> Response[Readiness]:
    """Whether the service can do its work: the database answers, and the shared queue when there is one."""
    state = request.app.state
    database, queue = await asyncio.gather(state.probe.database(), _queue_state(state.pack_jobs))
    ready = database == "ok" and queue in {"ok", "none"}
    body = Readiness(status="ok" if ready else "unavailable", database=database, queue=queue)
    return Response(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})
