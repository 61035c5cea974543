"""Dependencies the web handlers receive by name."""

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

#: The request's database session, provided by the Advanced Alchemy plugin.
Session: TypeAlias = NamedDependency[AsyncSession]
