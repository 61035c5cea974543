"""Signing test clients in: demo accounts, API tokens, sessions and database snapshots; a mailbox for account mail."""

import asyncio
import datetime as dt
import re
from email import message_from_bytes
from typing import Any

import msgspec
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue.accounts import UserAccount
from catalogue.database import async_engine, sync_engine
from catalogue.tables import metadata
from services.accounts import accounts
from services.accounts.people import DemoAccounts
from services.operations.seeding import DEMO_ACCOUNTS
from tests.support.databases import Client

DEMO = {
    account.email: account for account in msgspec.toml.decode(DEMO_ACCOUNTS.read_bytes(), type=DemoAccounts).accounts
}
#: Demo accounts by the part they play in tests.
ACTORS = {
    "admin": "admin@smartdenmark.example",
    "adviser": "adviser@smartdenmark.example",
    "adviser_2": "adviser2@smartdenmark.example",
    "company_a": "editor@regnspejl.example",
    "company_b": "editor@cykelpuls.example",
    "translator": "translator@smartdenmark.example",
}
#: Tables whose rows say nothing about what the catalogue holds: logs of what happened (and which processes ran jobs).
_LOGS = {"audit_event", "login_failure", "login_session", "job_runner"}


async def _tokens(url: str) -> dict[str, str]:
    engine = async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            tokens = {}
            for role, email in ACTORS.items():
                user = await session.scalar(select(UserAccount).where(UserAccount.email == email))
                assert user is not None
                _, secret = await accounts.create_api_token(
                    session, accounts.actor_of(user), f"tests {role}", dt.datetime.now(dt.UTC)
                )
                tokens[role] = secret
            return tokens
    finally:
        await engine.dispose()


def api_tokens(url: str) -> dict[str, str]:
    """An API token for each demo account, by the part it plays."""
    return asyncio.run(_tokens(url))


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def sign_in(client: Client, role: str) -> str:
    """Sign ``client`` in through the API as the demo account of ``role``; returns its CSRF token."""
    email = ACTORS[role]
    response = client.post("/api/v1/session", json={"email": email, "password": DEMO[email].password})
    assert response.status_code == 201, response.text
    return str(response.json()["csrf_token"])


def page_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="_csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def snapshot(url: str) -> dict[str, list[Any]]:
    """Every row of every table but the logs, to show that a refused request changed nothing."""
    engine = sync_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1"))]
                for name in sorted(metadata.tables)
                if name not in _LOGS
            }
    finally:
        engine.dispose()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.messages.append(envelope.content)
        return "250 OK"

    def links(self) -> list[str]:
        found = []
        for raw in self.messages:
            body = message_from_bytes(raw).get_payload(decode=True)
            assert isinstance(body, bytes)
            found += re.findall(r"http://\S+", body.decode())
        return found
