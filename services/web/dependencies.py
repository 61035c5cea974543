"""Dependencies the web handlers receive by name."""

from dataclasses import dataclass, field
from typing import TypeAlias

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state, set_aa_scope_state
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.types import Scope
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue.database import for_reading
from services.accounts.accounts import Actor

#: The request's database session, provided by the Advanced Alchemy plugin.
Session: TypeAlias = NamedDependency[AsyncSession]

#: The account a request acts for, provided where a route requires one.
SignedIn: TypeAlias = NamedDependency[Actor]

#: Methods that change nothing, whose requests only read.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class RequestSessions(SQLAlchemyAsyncConfig):
    """The plugin's configuration, giving each request a session fit for what its method may do.

    A request that may change data (POST, PUT, PATCH, DELETE) gets a session of the engine, whose
    SQLite transactions take the write lock as they begin; one that reads gets a session whose
    transactions never take it, so that pages and downloads never wait for writers or for one another.
    """

    _reading_engine: AsyncEngine | None = field(default=None, init=False, repr=False)

    def provide_session(self, state: State, scope: Scope) -> AsyncSession:
        session: AsyncSession | None = get_aa_scope_state(scope, self.session_scope_key)
        if session is None:
            make: async_sessionmaker[AsyncSession] = state[self.session_maker_app_state_key]
            if scope.get("method") in READING_METHODS:
                if self._reading_engine is None:
                    self._reading_engine = for_reading(self.get_engine())
                session = make(bind=self._reading_engine)
            else:
                session = make()
            set_aa_scope_state(scope, self.session_scope_key, session)
        return session
