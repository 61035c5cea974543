"""Loading a catalogue and its demo accounts into a new database: all or nothing, and completed when an
earlier load was cut short."""

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.records import CatalogueFile
from services.accounts import people
from services.accounts.people import DemoAccount
from services.editing.importing import holds, import_catalogue, is_empty
from services.settings import PROJECT_ROOT

#: Demo accounts, one per role, loaded with the demo catalogue.
DEMO_ACCOUNTS = PROJECT_ROOT / "data" / "demo-accounts.toml"


class Seeded(msgspec.Struct, frozen=True, kw_only=True):
    """What a seed added."""

    catalogue: bool
    accounts: int


async def seed(session: AsyncSession, data: CatalogueFile, accounts: list[DemoAccount]) -> Seeded:
    """Load ``data`` into an empty catalogue and add those of ``accounts`` that are missing, in one transaction.
    Commits once; when any part fails, nothing is stored.

    Accounts are added only beside ``data`` itself (loaded now or by an earlier seed that stopped before its
    accounts), never to some other catalogue, and an account that exists is left as it is.
    """
    loaded = await is_empty(session)
    if loaded:
        await import_catalogue(session, data)
    added = 0
    if accounts and (loaded or await holds(session, data)):
        added = await people.add_demo_accounts(session, accounts)
    await session.commit()
    return Seeded(catalogue=loaded, accounts=added)
