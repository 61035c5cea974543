"""Dependencies the web handlers receive by name."""

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts import Actor

#: The request's database session, provided by the Advanced Alchemy plugin.
Session: TypeAlias = NamedDependency[AsyncSession]

#: The account a request acts for, provided where a route requires one.
SignedIn: TypeAlias = NamedDependency[Actor]
