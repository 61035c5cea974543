"""Managing people: inviting accounts, mailing reset links, the first administrator and the demo accounts."""

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.accounts import ApiToken, AuditEvent, LoginSession, UserAccount
from catalogue.vocabulary import Role
from i18n.catalogues import translations
from services import audit
from services.accounts import accounts
from services.accounts.accounts import Actor
from services.accounts.mail import Mailer
from services.accounts.permissions import require_administrator
from services.errors import InvalidInput, MailFailed, NotFound
from services.transaction import use_case


@use_case
async def invite(
    session: AsyncSession,
    actor: Actor,
    mailer: Mailer,
    base_url: str,
    now: dt.datetime,
    *,
    email: str,
    display_name: str,
    role: Role,
    organisation: str | None = None,
    locales: list[str] | None = None,
    locale: str = "en",
) -> UserAccount:
    """Create an account without a password and mail it a single-use invitation link. Commits."""
    await require_administrator(session, actor, now)
    user = await accounts.create_user(
        session, email=email, display_name=display_name, role=role, organisation=organisation, locales=locales
    )
    secret = await accounts.issue_link(session, user, "invitation", now)
    audit.record(session, "invite", now, actor_id=actor.id, target=f"account/{user.id}", role=role.value)
    # Committed before mailing, so that no write lock is held while the mail server answers.
    await session.commit()
    _ = translations(locale).gettext
    days = accounts.LINK_LIFETIMES["invitation"].days
    try:
        await mailer.send(
            user.email,
            _("Your account in the Smart Denmark catalogue"),
            _(
                "{name} invited you to the Smart Denmark catalogue. Choose your password here (the link works once, for {days} days):"  # noqa: E501
            ).format(name=actor.display_name, days=days)
            + f"\n\n{base_url}/invitation/{secret}\n",
        )
    except MailFailed:
        # Nobody received the link: the account goes again.
        await session.delete(user)
        audit.record(session, "invite-undelivered", now, actor_id=actor.id, target=f"account/{user.id}")
        await session.commit()
        raise
    return user


class Mail(msgspec.Struct, frozen=True):
    to: str
    subject: str
    body: str


async def reset_mail(
    session: AsyncSession, base_url: str, email: str, now: dt.datetime, locale: str = "en"
) -> Mail | None:
    """The reset mail for the active account at ``email``, or ``None`` (no such account, or asked too often). Commits.

    The caller sends it after answering, so that the answer neither waits for the mail server nor
    tells by its timing whether the address has an account.
    """
    issued = await accounts.request_reset(session, email, now)
    if issued is None:
        return None
    user, secret = issued
    _ = translations(locale).gettext
    return Mail(
        to=user.email,
        subject=_("Resetting your password"),
        body=_(
            "Someone asked to reset the password of this account. If it was you, choose a new one here (the link works once, for one hour):"  # noqa: E501
        )
        + f"\n\n{base_url}/password-reset/{secret}\n\n"
        + _("If it was not you, ignore this message: your password stays as it is."),
    )


async def send_quietly(mailer: Mailer, mail: Mail) -> None:
    """Send ``mail``; a failure is logged by the mailer and goes no further."""
    with contextlib.suppress(MailFailed):
        await mailer.send(mail.to, mail.subject, mail.body)


@use_case
async def create_administrator(session: AsyncSession, email: str, display_name: str, password: str) -> UserAccount:
    """An administrator account that can sign in at once (the first one is made this way). Commits."""
    user = await accounts.create_user(
        session, email=email, display_name=display_name, role=Role.ADMINISTRATOR, password=password
    )
    audit.record(session, "administrator-created", dt.datetime.now(dt.UTC), target=f"account/{user.id}")
    await session.commit()
    return user


class DemoAccount(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    email: str
    display_name: str
    role: Role
    password: str
    organisation: str | None = None
    locales: list[str] = []


class DemoAccounts(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    accounts: list[DemoAccount]


def read_demo_accounts(path: Path) -> list[DemoAccount]:
    """The demo accounts listed in the TOML file at ``path``."""
    return msgspec.toml.decode(path.read_bytes(), type=DemoAccounts).accounts


async def add_demo_accounts(session: AsyncSession, listed: list[DemoAccount]) -> int:
    """Add the ``listed`` accounts that do not exist yet, in the session's transaction; returns how many. The
    caller commits."""
    existing = set(await session.scalars(select(UserAccount.email)))
    created = 0
    for account in listed:
        if account.email in existing:
            continue
        await accounts.create_user(
            session,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            organisation=account.organisation,
            locales=account.locales,
            password=account.password,
        )
        created += 1
    await session.flush()
    return created


@use_case
async def set_active(session: AsyncSession, actor: Actor, user_id: int, active: bool, now: dt.datetime) -> UserAccount:
    """Turn an account off (its sessions and tokens stop working at once) or on again. Commits."""
    await require_administrator(session, actor, now)
    user = await session.get(UserAccount, user_id)
    if user is None:
        raise NotFound("account", str(user_id))
    if user.id == actor.id and not active:
        raise InvalidInput("active", "administrators cannot turn off their own account")
    user.is_active = active
    if not active:
        await session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    action = "account-activated" if active else "account-deactivated"
    audit.record(session, action, now, actor_id=actor.id, target=f"account/{user.id}")
    await session.commit()
    return user


async def tokens_of(session: AsyncSession, actor: Actor) -> list[ApiToken]:
    """The account's own API tokens, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
    return list(await session.scalars(query))


@use_case
async def revoke_token(session: AsyncSession, actor: Actor, token_id: int, now: dt.datetime) -> None:
    """Revoke one of the account's own tokens; another account's token is not found. Commits."""
    token = await session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.id))
    if token is None:
        raise NotFound("API token", str(token_id))
    token.revoked_at = token.revoked_at or now
    audit.record(session, "api-token-revoked", now, actor_id=actor.id, target=f"account/{actor.id}", token=token_id)
    await session.commit()


class AccountRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    email: str
    display_name: str
    role: Role
    organisation: str | None
    locales: list[str]
    active: bool
    invitation_pending: bool


async def all_accounts(session: AsyncSession) -> list[AccountRow]:
    """Every account, by address, with the organisation an editor works for."""
    rows = await session.execute(
        select(UserAccount, t.Organisation.name)
        .outerjoin(t.Organisation, t.Organisation.id == UserAccount.organisation_id)
        .order_by(UserAccount.email)
    )
    return [
        AccountRow(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=Role(user.role),
            organisation=name,
            locales=list(user.locales),
            active=user.is_active,
            invitation_pending=user.password_hash is None,
        )
        for user, name in rows.tuples()
    ]


async def organisation_names(session: AsyncSession) -> list[tuple[str, str]]:
    """Every organisation's slug and name, by name: the choices for an editor's organisation."""
    return list(
        (await session.execute(select(t.Organisation.slug, t.Organisation.name).order_by(t.Organisation.name))).tuples()
    )


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: dt.datetime
    actor: str | None
    action: str
    target: str | None
    detail: dict[str, Any]


async def audit_log(session: AsyncSession, actor: Actor, now: dt.datetime, limit: int = 200) -> list[AuditEntry]:
    """The latest events of the audit log, newest first (administrators)."""
    await require_administrator(session, actor, now)
    rows = await session.execute(
        select(AuditEvent, UserAccount.email)
        .outerjoin(UserAccount, UserAccount.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        AuditEntry(at=event.at, actor=email, action=event.action, target=event.target, detail=dict(event.detail))
        for event, email in rows.tuples()
    ]
