"""Accounts: passwords, sign-in sessions, invitation and reset links, API tokens.

Secrets handed to people (session cookies, links, tokens) carry 256 random bits; only their
SHA-256 digests are stored, so a copy of the database opens no account.
"""

import datetime as dt
import hashlib
import secrets

import anyio.to_thread
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import tables as t
from catalogue.accounts import ApiToken, LoginFailure, LoginSession, OneTimeToken, UserAccount
from catalogue.vocabulary import Role
from i18n.locales import CONTENT_LOCALES
from services import audit
from services.errors import InvalidInput, LinkInvalid, LoginFailed, LoginThrottled, NotFound
from services.transaction import use_case


class Passwords:
    """Argon2id hashing with one set of parameters."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Compared against when the account does not exist, so that both answers take as long.
        self.unusable = hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """A new hash of ``password``, with a salt of its own."""
        return self.hasher.hash(password)

    def matches(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` is the one ``stored`` was made from; never for a missing or unreadable hash."""
        try:
            return self.hasher.verify(stored or self.unusable, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def outdated(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than these."""
        return self.hasher.check_needs_rehash(stored)


#: Argon2id with the library's defaults (RFC 9106's second recommended option).
PASSWORDS = Passwords(PasswordHasher())
SESSION_LIFETIME = dt.timedelta(hours=12)
LINK_LIFETIMES = {"invitation": dt.timedelta(days=7), "reset": dt.timedelta(hours=1)}
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 10
MAX_FAILURES_PER_CLIENT = 30
RESET_WINDOW = dt.timedelta(hours=1)
MAX_RESETS_PER_WINDOW = 3
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """The account a request acts for, as permission checks need it."""

    id: int
    email: str
    display_name: str
    role: Role
    organisation_id: int | None = None
    locales: tuple[str, ...] = ()


def actor_of(user: UserAccount) -> Actor:
    return Actor(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        locales=tuple(user.locales),
    )


def new_secret() -> str:
    """A secret with 256 random bits, safe in URLs and cookies."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str, email: str) -> None:
    """Refuse a password that is too short, too long or the account's own address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("password", f"use at most {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == normalise_email(email):
        raise InvalidInput("password", "the password must not be the email address")


async def hash_password(password: str) -> str:
    """The Argon2id hash of ``password``, computed off the event loop."""
    return await anyio.to_thread.run_sync(PASSWORDS.hash, password)


async def _password_matches(stored: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(PASSWORDS.matches, stored, password)


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    display_name: str,
    role: Role,
    organisation: str | None = None,
    locales: list[str] | None = None,
    password: str | None = None,
) -> UserAccount:
    """A new account, bound to its organisation (editors) or locales (translators); not committed."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 200 or any(c.isspace() for c in email):
        raise InvalidInput("email", "give a valid email address")
    if not display_name.strip() or len(display_name) > 200:
        raise InvalidInput("display_name", "give a name of 1 to 200 characters")
    if await session.scalar(select(UserAccount.id).where(UserAccount.email == email)) is not None:
        raise InvalidInput("email", "an account with this address exists")
    organisation_id = None
    if role is Role.EDITOR:
        if not organisation:
            raise InvalidInput("organisation", "an editor works for one organisation; name it")
        organisation_id = await session.scalar(select(t.Organisation.id).where(t.Organisation.slug == organisation))
        if organisation_id is None:
            raise InvalidInput("organisation", f"no organisation with the slug {organisation!r}")
    elif organisation:
        raise InvalidInput("organisation", "only editors are bound to an organisation")
    chosen = list(dict.fromkeys(locales or []))
    if role is Role.TRANSLATOR:
        unknown = [code for code in chosen if code not in CONTENT_LOCALES]
        if not chosen or unknown:
            raise InvalidInput("locales", f"a translator needs one or more of {', '.join(CONTENT_LOCALES)}")
    elif chosen:
        raise InvalidInput("locales", "only translators are bound to locales")
    if password is not None:
        check_password_rules(password, email)
    user = UserAccount(
        email=email,
        display_name=display_name.strip(),
        role=role.value,
        organisation_id=organisation_id,
        locales=chosen,
        password_hash=await hash_password(password) if password is not None else None,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user


async def issue_link(session: AsyncSession, user: UserAccount, purpose: str, now: dt.datetime) -> str:
    """A single-use secret for an invitation or a password reset; earlier unused ones stop working."""
    await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user.id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    secret = new_secret()
    session.add(
        OneTimeToken(
            token_digest=digest(secret),
            purpose=purpose,
            user_id=user.id,
            created_at=now,
            expires_at=now + LINK_LIFETIMES[purpose],
        )
    )
    return secret


async def link_owner(session: AsyncSession, secret: str, purpose: str, now: dt.datetime) -> UserAccount:
    """The account a valid, unused link belongs to."""
    row = await session.execute(
        select(OneTimeToken, UserAccount)
        .join(UserAccount, UserAccount.id == OneTimeToken.user_id)
        .where(
            OneTimeToken.token_digest == digest(secret),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
            UserAccount.is_active.is_(True),
        )
    )
    found = row.tuples().first()
    if found is None:
        raise LinkInvalid
    return found[1]


async def end_access(session: AsyncSession, user_id: int, now: dt.datetime) -> None:
    """End every session of the account and revoke its API tokens, without committing.

    A new password must shut out whoever knew the old one, and a token made with it is as good as it.
    """
    await session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    await session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )


@use_case
async def redeem_link(session: AsyncSession, secret: str, purpose: str, password: str, now: dt.datetime) -> UserAccount:
    """Set the password through a link, once; every session of the account ends and its API tokens are revoked.

    Commits.
    """
    user = await link_owner(session, secret, purpose, now)
    check_password_rules(password, user.email)
    used = await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.token_digest == digest(secret), OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkInvalid
    user.password_hash = await hash_password(password)
    await end_access(session, user.id, now)
    audit.record(session, f"{purpose}-accepted", now, actor_id=user.id, target=f"account/{user.id}")
    await session.commit()
    return user


@use_case
async def request_reset(session: AsyncSession, email: str, now: dt.datetime) -> tuple[UserAccount, str] | None:
    """A reset link for the active account at ``email``, or ``None`` when there is none. Commits."""
    user = await session.scalar(
        select(UserAccount).where(UserAccount.email == normalise_email(email), UserAccount.is_active.is_(True))
    )
    if user is None or user.password_hash is None:
        return None
    recent = await session.scalar(
        select(func.count()).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == "reset",
            OneTimeToken.created_at > now - RESET_WINDOW,
        )
    )
    if (recent or 0) >= MAX_RESETS_PER_WINDOW:
        # Enough links are on their way: no more mail to this address for now.
        return None
    secret = await issue_link(session, user, "reset", now)
    audit.record(session, "reset-requested", now, actor_id=user.id, target=f"account/{user.id}")
    await session.commit()
    return user, secret


async def _throttle(session: AsyncSession, account: str, client: str, now: dt.datetime) -> None:
    since = now - FAILURE_WINDOW
    counts = (
        (LoginFailure.account == account, MAX_FAILURES_PER_ACCOUNT),
        (LoginFailure.client == client, MAX_FAILURES_PER_CLIENT),
    )
    for condition, limit in counts:
        failures = (
            await session.execute(
                select(func.count(), func.min(LoginFailure.at)).where(condition, LoginFailure.at > since)
            )
        ).one()
        if failures[0] >= limit:
            oldest: dt.datetime = failures[1]
            raise LoginThrottled(max(1, int((oldest + FAILURE_WINDOW - now).total_seconds()) + 1))


@use_case
async def authenticate(session: AsyncSession, email: str, password: str, client: str, now: dt.datetime) -> UserAccount:
    """The account whose address and password these are; failures are counted and slowed. Commits."""
    account = normalise_email(email)[:200]
    await _throttle(session, account, client, now)
    user = await session.scalar(select(UserAccount).where(UserAccount.email == account))
    usable = user is not None and user.is_active
    if not await _password_matches(user.password_hash if user and usable else None, password[:MAX_PASSWORD_LENGTH]):
        # Failures older than the window count for nothing any more.
        await session.execute(delete(LoginFailure).where(LoginFailure.at <= now - FAILURE_WINDOW))
        session.add(LoginFailure(account=account, client=client[:64], at=now))
        audit.record(session, "login-failed", now, actor_id=user.id if user else None, target=account, client=client)
        await session.commit()
        raise LoginFailed
    assert user is not None
    await session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    if PASSWORDS.outdated(user.password_hash or ""):
        user.password_hash = await hash_password(password)
    return user


@use_case
async def start_session(session: AsyncSession, user: UserAccount, now: dt.datetime, client: str = "") -> str:
    """A new sign-in session for ``user``; returns the cookie's secret. Commits."""
    secret = new_secret()
    session.add(
        LoginSession(
            token_digest=digest(secret),
            user_id=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now))
    audit.record(session, "login", now, actor_id=user.id, target=f"account/{user.id}", client=client)
    await session.commit()
    return secret


def csrf_token(session_secret: str) -> str:
    """The token a session's state-changing requests must carry.

    Derived from the cookie's secret, which other sites cannot read; the stored digest does not
    reveal it.
    """
    return hashlib.sha256(b"csrf\0" + session_secret.encode()).hexdigest()


async def session_actor(session: AsyncSession, secret: str, now: dt.datetime) -> Actor | None:
    """The account of a live session, or ``None``."""
    user = await session.scalar(
        select(UserAccount)
        .join(LoginSession, LoginSession.user_id == UserAccount.id)
        .where(
            LoginSession.token_digest == digest(secret),
            LoginSession.expires_at > now,
            UserAccount.is_active.is_(True),
        )
    )
    return actor_of(user) if user else None


@use_case
async def end_session(session: AsyncSession, secret: str, now: dt.datetime) -> None:
    """Sign the session out; the secret never works again. Commits."""
    user_id = await session.scalar(
        delete(LoginSession).where(LoginSession.token_digest == digest(secret)).returning(LoginSession.user_id)
    )
    if user_id is not None:
        audit.record(session, "logout", now, actor_id=user_id, target=f"account/{user_id}")
    await session.commit()


@use_case
async def change_password(session: AsyncSession, actor: Actor, current: str, new: str, now: dt.datetime) -> None:
    """Replace the password after checking the current one; every session and API token of the account ends.

    Commits.
    """
    user = await session.get(UserAccount, actor.id)
    if user is None:
        raise NotFound("account", str(actor.id))
    if not await _password_matches(user.password_hash, current):
        raise InvalidInput("current_password", "the current password is wrong")
    check_password_rules(new, user.email)
    user.password_hash = await hash_password(new)
    await end_access(session, user.id, now)
    audit.record(session, "password-changed", now, actor_id=user.id, target=f"account/{user.id}")
    await session.commit()


@use_case
async def create_api_token(
    session: AsyncSession, actor: Actor, name: str, now: dt.datetime, lifetime: dt.timedelta | None = None
) -> tuple[ApiToken, str]:
    """A personal API token acting with ``actor``'s permissions; the secret is shown once. Commits."""
    if not name.strip() or len(name) > 100:
        raise InvalidInput("name", "give the token a name of 1 to 100 characters")
    secret = "sdk_" + new_secret()
    token = ApiToken(
        token_digest=digest(secret),
        user_id=actor.id,
        name=name.strip(),
        created_at=now,
        expires_at=now + lifetime if lifetime else None,
    )
    session.add(token)
    audit.record(session, "api-token-created", now, actor_id=actor.id, target=f"account/{actor.id}", name=name)
    await session.commit()
    return token, secret


async def token_actor(session: AsyncSession, secret: str, now: dt.datetime) -> Actor | None:
    """The account a live, unrevoked API token acts for, or ``None``."""
    user = await session.scalar(
        select(UserAccount)
        .join(ApiToken, ApiToken.user_id == UserAccount.id)
        .where(
            ApiToken.token_digest == digest(secret),
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            UserAccount.is_active.is_(True),
        )
    )
    return actor_of(user) if user else None
