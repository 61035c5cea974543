"""Who a request acts for (session cookie or API token), and the CSRF check on every change.

A state-changing request that a browser could send with an ambient cookie must carry a token the
other site cannot know: for a signed-in session, a token derived from the session's secret; for a
form sent before signing in, the value of a separate cookie (double submit). Requests with an API
token in ``Authorization`` carry no ambient credential and need none.
"""

import datetime as dt
import hmac
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.middleware import ASGIMiddleware
from litestar.openapi.spec import SecurityScheme
from litestar.types import ASGIApp, Receive, Scope, Send

from services.accounts import accounts
from services.accounts.accounts import Actor
from services.errors import CatalogueError, NotAuthenticated
from services.web.dependencies import Session

SESSION_COOKIE = "sd_session"
#: How a signed-in request proves who it is, as the OpenAPI document states it.
SECURITY_SCHEMES = {
    "token": SecurityScheme(
        type="http", scheme="bearer", description="A personal API token (`POST /api/v1/me/tokens`)."
    ),
    "session": SecurityScheme(
        type="apiKey",
        security_scheme_in="cookie",
        name=SESSION_COOKIE,
        description="The session cookie of `POST /api/v1/session`; changes also need `X-CSRF-Token`.",
    ),
}
SIGNED_IN: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]
CSRF_COOKIE = "sd_csrf"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Content types a page on another site can send without the browser asking first.
_SIMPLE_TYPES = frozenset({RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART, "text/plain"})


class CsrfRefused(CatalogueError):
    """A state-changing request without the token that proves it came from our own page."""

    def __init__(self) -> None:
        super().__init__("this form has expired or did not come from this site; reload the page and try again")


def session_cookie_name(request: Request[Any, Any, Any]) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and for "/".
    return f"__Host-{SESSION_COOKIE}" if request.app.state.settings.secure_cookies else SESSION_COOKIE


def csrf_cookie_name(request: Request[Any, Any, Any]) -> str:
    return f"__Host-{CSRF_COOKIE}" if request.app.state.settings.secure_cookies else CSRF_COOKIE


def session_cookie(request: Request[Any, Any, Any], secret: str | None) -> Cookie:
    """The session cookie carrying ``secret``, or one that deletes it."""
    secure = request.app.state.settings.secure_cookies
    return Cookie(
        key=session_cookie_name(request),
        value=secret or "",
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()) if secret else 0,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )


def anonymous_csrf(request: Request[Any, Any, Any]) -> tuple[str, Cookie | None]:
    """The token for a form shown before signing in, and the cookie to set when there is none yet."""
    existing = request.cookies.get(csrf_cookie_name(request))
    if existing and len(existing) >= 32:
        return existing, None
    token = accounts.new_secret()
    cookie = Cookie(
        key=csrf_cookie_name(request),
        value=token,
        httponly=True,
        secure=request.app.state.settings.secure_cookies,
        samesite="strict",
        path="/",
    )
    return token, cookie


def page_csrf(request: Request[Any, Any, Any]) -> str | None:
    """The token a signed-in page puts in its forms, or ``None`` without a session."""
    secret = request.cookies.get(session_cookie_name(request))
    return accounts.csrf_token(secret) if secret else None


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    """The API token in a well-formed ``Authorization: Bearer`` header, if there is one."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def _accepted_tokens(request: Request[Any, Any, Any]) -> list[str] | None:
    """The tokens this request may carry (any one will do), or ``None`` when it needs none.

    With a session cookie: the session's token, or the pre-sign-in form token (so that the
    sign-in form still works when the browser holds a session that has ended). Without one, a
    request a page on another site could send (a form) needs the form token; a request with an
    API token and no cookie carries no ambient credential and needs none.
    """
    accepted = []
    anonymous = request.cookies.get(csrf_cookie_name(request), "")
    if len(anonymous) >= 32:
        accepted.append(anonymous)
    if secret := request.cookies.get(session_cookie_name(request)):
        return [accounts.csrf_token(secret), *accepted]
    if bearer_token(request) is not None:
        return None
    return accepted if request.content_type[0] in _SIMPLE_TYPES or "authorization" in request.headers else None


class CsrfMiddleware(ASGIMiddleware):
    """Refuse state-changing requests that carry a cookie but not the matching token."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method", "GET") not in _SAFE_METHODS:
            request: Request[Any, Any, Any] = Request(scope, receive, send)
            accepted = _accepted_tokens(request)
            if accepted is not None:
                given = request.headers.get(CSRF_HEADER)
                if given is None and request.content_type[0] in _SIMPLE_TYPES:
                    field = (await request.form()).get(CSRF_FIELD)
                    given = field if isinstance(field, str) else None
                if not given or not any(hmac.compare_digest(token, given) for token in accepted):
                    raise CsrfRefused
        await next_app(scope, receive, send)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def client_of(request: Request[Any, Any, Any]) -> str:
    """The client address failed logins are counted against."""
    return request.client.host if request.client else "unknown"


async def provide_actor(request: Request[Any, Any, Any], db_session: Session) -> Actor | None:
    """The account the request acts for: an API token in ``Authorization`` wins over the session cookie."""
    if "actor" in request.state:
        return request.state.actor  # type: ignore[no-any-return]
    actor: Actor | None = None
    if "authorization" in request.headers:
        # Any Authorization header means token authentication: the cookie is never consulted.
        secret = bearer_token(request)
        actor = await accounts.token_actor(db_session, secret, now()) if secret else None
        if actor is None:
            raise NotAuthenticated
    elif cookie := request.cookies.get(session_cookie_name(request)):
        actor = await accounts.session_actor(db_session, cookie, now())
    request.state.actor = actor
    return actor


async def provide_signed_in(request: Request[Any, Any, Any], db_session: Session) -> Actor:
    """The account the request acts for; without one the request is refused."""
    actor = await provide_actor(request, db_session)
    if actor is None:
        raise NotAuthenticated
    return actor
