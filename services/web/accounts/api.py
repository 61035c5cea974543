"""The accounts API: signing in and out, the signed-in account, API tokens, and inviting users."""

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy import select

from catalogue import tables as t
from catalogue.accounts import UserAccount
from catalogue.vocabulary import Role
from services.accounts import accounts, people, permissions
from services.accounts.accounts import Actor
from services.accounts.people import AuditEntry
from services.web.auth import SIGNED_IN, client_of, now, provide_signed_in, session_cookie, session_cookie_name
from services.web.dependencies import Session, SignedIn
from services.web.problems import problem_spec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=200)]


class Credentials(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(max_length=accounts.MAX_PASSWORD_LENGTH)]


class SessionStarted(msgspec.Struct, frozen=True):
    account: Actor
    #: Send this in `X-CSRF-Token` with every state-changing request made with the session cookie.
    csrf_token: str


class TokenRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    #: Days until the token stops working; none: until revoked.
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class NewToken(msgspec.Struct, frozen=True):
    name: str
    #: Shown once: send it as `Authorization: Bearer <token>`.
    token: str
    expires_at: dt.datetime | None


AuditLimit = Annotated[int, QueryParameter(description="How many events, newest first.", ge=1, le=1000)]


class TokenInfo(msgspec.Struct, frozen=True):
    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class AccountChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    active: bool


class Invitation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Email
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Role
    #: Slug of the organisation an editor works for.
    organisation: str | None = None
    #: Content locales a translator works in.
    locales: list[str] = []


class Account(msgspec.Struct, frozen=True):
    id: int
    email: str
    display_name: str
    role: str
    organisation: str | None
    locales: list[str]
    active: bool
    invitation_pending: bool


def _account(user: UserAccount, organisation: str | None) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        organisation=organisation,
        locales=list(user.locales),
        active=user.is_active,
        invitation_pending=user.password_hash is None,
    )


class AccountsApi(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012 - Litestar's declarative form
    # Resolved only by the routes that name an actor: signing in needs none.
    dependencies = {"actor": Provide(provide_signed_in)}  # noqa: RUF012 - Litestar's declarative form

    @post(
        "/session",
        summary="Sign in",
        responses={401: problem_spec("Wrong address or password."), 429: problem_spec("Too many failed logins.")},
    )
    async def sign_in(
        self, request: Request[Any, Any, Any], db_session: Session, data: JSONBody[Credentials]
    ) -> Response[SessionStarted]:
        """Start a session (cookie) for the account; any session the client already had ends."""
        user = await accounts.authenticate(db_session, data.email, data.password, client_of(request), now())
        if planted := request.cookies.get(session_cookie_name(request)):
            await accounts.end_session(db_session, planted, now())
        secret = await accounts.start_session(db_session, user, now(), client_of(request))
        body = SessionStarted(account=accounts.actor_of(user), csrf_token=accounts.csrf_token(secret))
        return Response(
            body, status_code=201, cookies=[session_cookie(request, secret)], headers={"Cache-Control": "no-store"}
        )

    @delete("/session", summary="Sign out", status_code=204)
    async def sign_out(self, request: Request[Any, Any, Any], db_session: Session) -> Response[None]:
        """End the session; its cookie never works again."""
        if secret := request.cookies.get(session_cookie_name(request)):
            await accounts.end_session(db_session, secret, now())
        return Response(None, status_code=204, cookies=[session_cookie(request, None)])

    @get("/me", summary="The signed-in account", security=SIGNED_IN)
    async def me(self, actor: SignedIn) -> Response[Actor]:
        """Who the session or token acts for, and what it is bound to."""
        return Response(actor, headers={"Cache-Control": "no-store"})

    @post("/me/tokens", summary="Create an API token", security=SIGNED_IN)
    async def new_token(self, db_session: Session, actor: SignedIn, data: JSONBody[TokenRequest]) -> Response[NewToken]:
        """A personal token acting with this account's permissions; the secret is shown only here."""
        lifetime = dt.timedelta(days=data.days) if data.days else None
        token, secret = await accounts.create_api_token(db_session, actor, data.name, now(), lifetime)
        return Response(
            NewToken(name=token.name, token=secret, expires_at=token.expires_at),
            status_code=201,
            headers={"Cache-Control": "no-store"},
        )

    @get("/users", summary="Accounts", security=SIGNED_IN)
    async def users(self, db_session: Session, actor: SignedIn) -> Response[list[Account]]:
        """Every account (administrators)."""
        await permissions.require_administrator(db_session, actor, now())
        rows = await db_session.execute(
            select(UserAccount, t.Organisation.slug)
            .outerjoin(t.Organisation, t.Organisation.id == UserAccount.organisation_id)
            .order_by(UserAccount.email)
        )
        return Response(
            [_account(user, org) for user, org in rows.tuples()],
            headers={"Cache-Control": "no-store"},
        )

    @post("/users", summary="Invite a user", security=SIGNED_IN)
    async def invite(
        self, request: Request[Any, Any, Any], db_session: Session, actor: SignedIn, data: JSONBody[Invitation]
    ) -> Response[Account]:
        """Create an account and mail its single-use, expiring invitation link (administrators)."""
        user = await people.invite(
            db_session,
            actor,
            request.app.state.mailer,
            request.app.state.settings.base_url,
            now(),
            email=data.email,
            display_name=data.display_name,
            role=data.role,
            organisation=data.organisation,
            locales=data.locales,
        )
        return Response(_account(user, data.organisation), status_code=201)

    @get("/me/tokens", summary="Your API tokens", security=SIGNED_IN)
    async def tokens(self, db_session: Session, actor: SignedIn) -> Response[list[TokenInfo]]:
        """The account's tokens (never their secrets), newest first."""
        found = await people.tokens_of(db_session, actor)
        return Response(
            [
                TokenInfo(
                    id=t.id, name=t.name, created_at=t.created_at, expires_at=t.expires_at, revoked_at=t.revoked_at
                )
                for t in found
            ],
            headers={"Cache-Control": "no-store"},
        )

    @delete("/me/tokens/{token_id:int}", summary="Revoke an API token", security=SIGNED_IN, status_code=204)
    async def revoke(self, db_session: Session, actor: SignedIn, token_id: FromPath[int]) -> None:
        """The token stops working at once."""
        await people.revoke_token(db_session, actor, token_id, now())

    @patch("/users/{user_id:int}", summary="Turn an account off or on", security=SIGNED_IN)
    async def change_user(
        self, db_session: Session, actor: SignedIn, user_id: FromPath[int], data: JSONBody[AccountChange]
    ) -> Response[Account]:
        """A turned-off account's sessions and tokens stop working at once (administrators)."""
        user = await people.set_active(db_session, actor, user_id, data.active, now())
        return Response(_account(user, None), headers={"Cache-Control": "no-store"})

    @get("/audit", summary="The audit log", security=SIGNED_IN)
    async def audit(self, db_session: Session, actor: SignedIn, limit: AuditLimit = 200) -> Response[list[AuditEntry]]:
        """Logins, edits, reviews and refusals, newest first (administrators)."""
        return Response(await people.audit_log(db_session, actor, now(), limit), headers={"Cache-Control": "no-store"})
