"""Use cases own their transaction: they commit what they did, or leave the session as they found it."""

import functools
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

P = ParamSpec("P")
R = TypeVar("R")


def use_case(
    function: Callable[Concatenate[AsyncSession, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[AsyncSession, P], Coroutine[Any, Any, R]]:
    """Mark ``function`` (which takes the session first) as one use case.

    It commits the changes it keeps itself; when it fails, whatever it left pending is rolled
    back before the error goes on, so the caller may read from the same session at once, to show
    the form again with its problems, and never needs to commit or roll back on its own.
    """

    @functools.wraps(function)
    async def run(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await function(session, *args, **kwargs)
        except Exception:
            await session.rollback()
            raise

    return run
