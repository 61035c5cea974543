"""Pages for signing in and out, accepting an invitation, resetting and changing a password."""

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import Provide
from litestar.params import FromPath
from litestar.response import Redirect

from catalogue.vocabulary import Role
from services.accounts import accounts, people, permissions
from services.errors import InvalidInput, LinkInvalid, LoginFailed, LoginThrottled, MailFailed
from services.web.auth import (
    anonymous_csrf,
    client_of,
    now,
    provide_signed_in,
    session_cookie,
    session_cookie_name,
)
from services.web.dependencies import Session, SignedIn
from services.web.page_rendering import page_locale, render, signed_in_page
from services.web.request_limits import LARGEST_ID, SMALLEST_ID

NO_STORE = {"Cache-Control": "no-store"}


def to_login(request: Request[Any, Any, Any]) -> Response[Any]:
    """Send a reader who is not signed in to the sign-in page, and back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


def _local(target: str | None) -> str:
    """``target`` when it is a path on this site, else the workspace: never an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return "/workspace"


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _anonymous_page(request: Request[Any, Any, Any], template: str, status: int = 200, **context: Any) -> Response[str]:
    token, cookie = anonymous_csrf(request)
    response = render(request, template, status=status, csrf=token, **context)
    response.headers.update(NO_STORE)
    if cookie is not None:
        response.cookies.append(cookie)
    return response


@get("/login", include_in_schema=False)
async def login_form(request: Request[Any, Any, Any]) -> Response[str]:
    return _anonymous_page(request, "login.html", next=_local(request.query_params.get("next")), error=None, email="")


@post("/login", include_in_schema=False)
async def login(request: Request[Any, Any, Any], db_session: Session) -> Response[Any]:
    form = await _form(request)
    target = _local(form.get("next"))
    email = form.get("email", "")[:200]
    try:
        user = await accounts.authenticate(db_session, email, form.get("password", ""), client_of(request), now())
    except LoginFailed:
        return _anonymous_page(request, "login.html", status=401, next=target, error="failed", email=email)
    except LoginThrottled as error:
        response = _anonymous_page(
            request, "login.html", status=429, next=target, error="throttled", email=email, wait=error.retry_after
        )
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    # A session id the browser arrived with (perhaps planted by someone else) is never kept.
    if planted := request.cookies.get(session_cookie_name(request)):
        await accounts.end_session(db_session, planted, now())
    secret = await accounts.start_session(db_session, user, now(), client_of(request))
    return Redirect(target, status_code=303, cookies=[session_cookie(request, secret)])


@post("/logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any], db_session: Session) -> Response[Any]:
    if secret := request.cookies.get(session_cookie_name(request)):
        await accounts.end_session(db_session, secret, now())
    return Redirect("/", status_code=303, cookies=[session_cookie(request, None)])


@get("/account", include_in_schema=False, dependencies={"actor": Provide(provide_signed_in)})
async def account_page(request: Request[Any, Any, Any], actor: SignedIn) -> Response[str]:
    return signed_in_page(request, "account.html", actor=actor, error=None, done=request.query_params.get("done"))


@post("/account/password", include_in_schema=False, dependencies={"actor": Provide(provide_signed_in)})
async def change_password(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[Any]:
    form = await _form(request)
    if form.get("new_password") != form.get("repeat_password"):
        return signed_in_page(request, "account.html", status=422, actor=actor, error="mismatch", done=None)
    try:
        await accounts.change_password(
            db_session, actor, form.get("current_password", ""), form.get("new_password", ""), now()
        )
    except InvalidInput as error:
        return signed_in_page(request, "account.html", status=422, actor=actor, error=error.field, done=None)
    # Every session ended with the change, this one too: sign in again with the new password.
    return Redirect("/login?changed=1", status_code=303, cookies=[session_cookie(request, None)])


@get("/password-reset", include_in_schema=False)
async def reset_request_form(request: Request[Any, Any, Any]) -> Response[str]:
    return _anonymous_page(request, "reset_request.html", sent=False)


@post("/password-reset", include_in_schema=False)
async def reset_request(request: Request[Any, Any, Any], db_session: Session) -> Response[str]:
    form = await _form(request)
    settings = request.app.state.settings
    locale = page_locale(request)[0]
    mail = await people.reset_mail(db_session, settings.base_url, form.get("email", "")[:200], now(), locale)
    # The same answer whether or not the address has an account; the mail goes out afterwards.
    response = _anonymous_page(request, "reset_request.html", sent=True)
    if mail is not None:
        response.background = BackgroundTask(people.send_quietly, request.app.state.mailer, mail)
    return response


async def _link_page(request: Request[Any, Any, Any], db_session: Session, secret: str, purpose: str) -> Response[str]:
    try:
        user = await accounts.link_owner(db_session, secret, purpose, now())
    except LinkInvalid:
        return _anonymous_page(request, "set_password.html", status=404, purpose=purpose, email=None, error="link")
    return _anonymous_page(request, "set_password.html", purpose=purpose, email=user.email, error=None)


async def _set_password(
    request: Request[Any, Any, Any], db_session: Session, secret: str, purpose: str
) -> Response[Any]:
    form = await _form(request)
    if form.get("new_password") != form.get("repeat_password"):
        return await _link_error(request, db_session, secret, purpose, "mismatch")
    try:
        await accounts.redeem_link(db_session, secret, purpose, form.get("new_password", ""), now())
    except LinkInvalid:
        return _anonymous_page(request, "set_password.html", status=404, purpose=purpose, email=None, error="link")
    except InvalidInput:
        return await _link_error(request, db_session, secret, purpose, "password")
    return Redirect("/login?changed=1", status_code=303, cookies=[session_cookie(request, None)])


async def _link_error(
    request: Request[Any, Any, Any], db_session: Session, secret: str, purpose: str, error: str
) -> Response[str]:
    user = await accounts.link_owner(db_session, secret, purpose, now())
    return _anonymous_page(request, "set_password.html", status=422, purpose=purpose, email=user.email, error=error)


@get("/password-reset/{secret:str}", include_in_schema=False)
async def reset_form(request: Request[Any, Any, Any], db_session: Session, secret: FromPath[str]) -> Response[str]:
    return await _link_page(request, db_session, secret, "reset")


@post("/password-reset/{secret:str}", include_in_schema=False)
async def reset_password(request: Request[Any, Any, Any], db_session: Session, secret: FromPath[str]) -> Response[Any]:
    return await _set_password(request, db_session, secret, "reset")


@get("/invitation/{secret:str}", include_in_schema=False)
async def invitation_form(request: Request[Any, Any, Any], db_session: Session, secret: FromPath[str]) -> Response[str]:
    return await _link_page(request, db_session, secret, "invitation")


@post("/invitation/{secret:str}", include_in_schema=False)
async def accept_invitation(
    request: Request[Any, Any, Any], db_session: Session, secret: FromPath[str]
) -> Response[Any]:
    return await _set_password(request, db_session, secret, "invitation")


ACCOUNT_PAGES = [
    login_form, login, logout, account_page, change_password, reset_request_form, reset_request,
    reset_form, reset_password, invitation_form, accept_invitation,
]  # fmt: skip


@get("/admin/users", include_in_schema=False, dependencies={"actor": Provide(provide_signed_in)})
async def users_page(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[str]:
    await permissions.require_administrator(db_session, actor, now())
    users = await people.all_accounts(db_session)
    organisations = await people.organisation_names(db_session)
    done = request.query_params.get("done")
    return signed_in_page(request, "users.html", users=users, organisations=organisations, done=done, error=None)


@post("/admin/users", include_in_schema=False, dependencies={"actor": Provide(provide_signed_in)})
async def users_action(request: Request[Any, Any, Any], db_session: Session, actor: SignedIn) -> Response[Any]:
    form = await _form(request)
    settings = request.app.state.settings
    try:
        if form.get("action") == "invite":
            await people.invite(
                db_session, actor, request.app.state.mailer, settings.base_url, now(),
                email=form.get("email", ""), display_name=form.get("display_name", ""),
                role=Role(form.get("role", "")) if form.get("role") in {r.value for r in Role} else Role.ADVISER,
                organisation=form.get("organisation") or None,
                locales=[code for code in form.get("locales", "").replace(",", " ").split() if code],
                locale=page_locale(request)[0],
            )  # fmt: skip
            return Redirect("/admin/users?done=invited", status_code=303)
        user_id = int(form.get("user", "0") or 0)
        if not SMALLEST_ID <= user_id <= LARGEST_ID:
            raise InvalidInput("user", "no such account")
        await people.set_active(db_session, actor, user_id, form.get("action") == "activate", now())
    except (InvalidInput, MailFailed, ValueError) as error:
        return signed_in_page(
            request, "users.html", status=422, users=await people.all_accounts(db_session),
            organisations=await people.organisation_names(db_session), done=None, error=str(error),
        )  # fmt: skip
    return Redirect("/admin/users?done=changed", status_code=303)


ACCOUNT_PAGES += [users_page, users_action]
