"""Views kept in memory for as long as the catalogue revision they were built from is current."""

import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.revision import current_revision
from services.monitoring import VIEW_CACHE

R = TypeVar("R")

#: Most views kept per process; the least recently used go first.
MAX_ENTRIES = 2048


class ViewCache:
    """A bounded map from (revision, question) to the view that answered it."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        if key in self.entries:
            self.entries.move_to_end(key)
            self.hits += 1
            VIEW_CACHE.labels("hit").inc()
            return self.entries[key]
        self.misses += 1
        VIEW_CACHE.labels("miss").inc()
        return None

    def put(self, key: Hashable, value: Any) -> None:
        if self.max_entries <= 0:
            return
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


VIEWS = ViewCache()


def cached_view(function: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
    """Answer repeated questions to ``function`` from memory while the catalogue is unchanged.

    ``function`` takes the session first; its other arguments must be hashable and, with the
    database and its revision, determine the answer. Views are frozen, so sharing them is safe.
    """

    @functools.wraps(function)
    async def wrapper(session: AsyncSession, *args: Hashable) -> R:
        # The database is part of the question: one process may serve (or test) several.
        database = str(session.get_bind().engine.url)
        key = (database, function.__qualname__, await current_revision(session), args)
        found = VIEWS.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        view = await function(session, *args)
        VIEWS.put(key, view)
        return view

    return wrapper
