"""Signing in and out, sessions, CSRF, throttling, invitations and password resets, on both databases."""

import asyncio
import datetime as dt
import re
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.accounts import AuditEvent, UserAccount
from catalogue.database import async_engine
from services.accounts import accounts
from services.errors import LinkInvalid
from services.settings import PROJECT_ROOT
from tests.support.accounts import ACTORS, DEMO, Mailbox, api_tokens, bearer, page_token, sign_in, snapshot
from tests.support.databases import Client, make_client

pytestmark = pytest.mark.slow

T = TypeVar("T")

ADVISER = ACTORS["adviser"]


def _login_page(client: Client) -> str:
    response = client.get("/login")
    assert response.status_code == 200
    return page_token(response.text)


def _login(client: Client, email: str, password: str, token: str | None = None) -> httpx.Response:
    form = {"email": email, "password": password, "next": "/account"}
    if token is not None:
        form["_csrf"] = token
    return client.post("/login", data=form, follow_redirects=False)


def test_signing_in_through_the_page_starts_a_session(fresh_client: Client) -> None:
    response = _login(fresh_client, ADVISER, DEMO[ADVISER].password, _login_page(fresh_client))
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    assert "sd_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = fresh_client.get("/account")
    assert page.status_code == 200 and ADVISER in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_planted_session_cookie_is_not_kept_at_login(fresh_client: Client, fresh_url: str, tmp_path: Path) -> None:
    # Someone signs in on their own account and plants that session id in the victim's browser.
    with make_client(fresh_url, tmp_path / "planter") as planter:
        sign_in(planter, "company_b")
        planted = planter.cookies["sd_session"]
    fresh_client.cookies.set("sd_session", planted)
    assert fresh_client.get("/api/v1/me").json()["email"] == ACTORS["company_b"]
    response = _login(fresh_client, ADVISER, DEMO[ADVISER].password, _login_page(fresh_client))
    assert response.status_code == 303
    fresh_client.cookies.clear()
    fresh_client.cookies.set("sd_session", response.cookies["sd_session"])
    assert response.cookies["sd_session"] != planted
    assert fresh_client.get("/api/v1/me").json()["email"] == ADVISER
    fresh_client.cookies.set("sd_session", planted)
    assert fresh_client.get("/api/v1/me").status_code == 401


def test_logout_ends_the_session(fresh_client: Client) -> None:
    sign_in(fresh_client, "adviser")
    secret = fresh_client.cookies["sd_session"]
    token = page_token(fresh_client.get("/account").text)
    assert fresh_client.post("/logout", data={"_csrf": token}, follow_redirects=False).status_code == 303
    fresh_client.cookies.set("sd_session", secret)
    assert fresh_client.get("/api/v1/me").status_code == 401
    assert fresh_client.get("/account", follow_redirects=False).headers["location"].startswith("/login?next=")


def test_a_password_change_ends_every_session(fresh_client: Client, fresh_url: str, tmp_path: Path) -> None:
    with make_client(fresh_url, tmp_path / "other") as other_browser:
        sign_in(other_browser, "adviser")
        sign_in(fresh_client, "adviser")
        token = page_token(fresh_client.get("/account").text)
        new = "a new and long passphrase"
        response = fresh_client.post(
            "/account/password",
            data={
                "_csrf": token,
                "current_password": DEMO[ADVISER].password,
                "new_password": new,
                "repeat_password": new,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert other_browser.get("/api/v1/me").status_code == 401
        assert fresh_client.get("/api/v1/me").status_code == 401
        signed = fresh_client.post("/api/v1/session", json={"email": ADVISER, "password": new})
        assert signed.status_code == 201


@pytest.mark.parametrize("token", [None, "", "forged-token-value-that-is-long-enough-to-look-real"])
def test_a_form_without_a_valid_csrf_token_is_refused(fresh_client: Client, fresh_url: str, token: str | None) -> None:
    sign_in(fresh_client, "adviser")
    before = snapshot(fresh_url)
    form = {"_csrf": token} if token is not None else {}
    response = fresh_client.post("/logout", data=form, follow_redirects=False)
    assert response.status_code == 403
    assert fresh_client.get("/api/v1/me").status_code == 200
    # A signed-in JSON request needs the header too.
    assert fresh_client.delete("/api/v1/session").status_code == 403
    # Before signing in, the login form is protected the same way.
    fresh_client.cookies.clear()
    assert _login(fresh_client, ADVISER, DEMO[ADVISER].password, token).status_code == 403
    assert snapshot(fresh_url) == before


def test_a_signed_in_json_request_with_the_header_goes_through(fresh_client: Client) -> None:
    csrf = sign_in(fresh_client, "adviser")
    assert fresh_client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert fresh_client.get("/api/v1/me").status_code == 401


def test_the_eleventh_rapid_failed_login_is_answered_429(fresh_client: Client) -> None:
    token = _login_page(fresh_client)
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        assert _login(fresh_client, ADVISER, "wrong password!", token).status_code == 401
    throttled = _login(fresh_client, ADVISER, "wrong password!", token)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    # Even the right password waits, so guessing cannot go on.
    assert _login(fresh_client, ADVISER, DEMO[ADVISER].password, token).status_code == 429
    api = fresh_client.post("/api/v1/session", json={"email": ADVISER, "password": DEMO[ADVISER].password})
    assert api.status_code == 429 and api.headers["content-type"].startswith("application/problem+json")


def test_failures_are_counted_per_client_across_accounts(fresh_url: str) -> None:
    async def attempt() -> list[str]:
        engine = async_engine(fresh_url)
        outcomes = []
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                now = dt.datetime.now(dt.UTC)
                for number in range(accounts.MAX_FAILURES_PER_CLIENT + 1):
                    try:
                        await accounts.authenticate(session, f"nobody{number}@example.org", "x" * 12, "10.0.0.9", now)
                    except Exception as error:  # noqa: BLE001 - the kind of refusal is the result
                        outcomes.append(type(error).__name__)
        finally:
            await engine.dispose()
        return outcomes

    outcomes = asyncio.run(attempt())
    assert outcomes[:-1] == ["LoginFailed"] * accounts.MAX_FAILURES_PER_CLIENT
    assert outcomes[-1] == "LoginThrottled"


def test_an_invitation_link_sets_a_password_once(fresh_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    tokens = api_tokens(fresh_url)
    with make_client(fresh_url, tmp_path, smtp_url=f"smtp://127.0.0.1:{port}") as client:
        invited = client.post(
            "/api/v1/users",
            json={"email": "New.Editor@Example.org", "display_name": "New editor", "role": "editor",
                  "organisation": "regnspejl-demo"},
            headers=bearer(tokens["admin"]),
        )  # fmt: skip
        assert invited.status_code == 201, invited.text
        assert invited.json()["email"] == "new.editor@example.org"
        [link] = box.links()
        path = link.removeprefix("http://127.0.0.1:8000")
        assert re.fullmatch(r"/invitation/[A-Za-z0-9_-]{43}", path)
        form = client.get(path)
        assert form.status_code == 200 and "new.editor@example.org" in form.text
        new = "chosen with care 2026"
        token = page_token(form.text)
        short = client.post(path, data={"_csrf": token, "new_password": "short", "repeat_password": "short"})
        assert short.status_code == 422
        done = client.post(
            path, data={"_csrf": token, "new_password": new, "repeat_password": new}, follow_redirects=False
        )
        assert done.status_code == 303
        assert client.post(path, data={"_csrf": token, "new_password": new, "repeat_password": new}).status_code == 404
        signed = client.post("/api/v1/session", json={"email": "new.editor@example.org", "password": new})
        assert signed.status_code == 201
        assert signed.json()["account"]["role"] == "editor"


def test_an_expired_link_is_refused(fresh_url: str) -> None:
    then = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    secret = _issue_reset_link(fresh_url, ADVISER, then)

    async def redeem(session: AsyncSession) -> None:
        with pytest.raises(LinkInvalid):
            await accounts.redeem_link(session, secret, "reset", "a perfectly good password", dt.datetime.now(dt.UTC))
        with pytest.raises(LinkInvalid):
            await accounts.redeem_link(session, secret, "invitation", "a perfectly good password", then)

    _in_session(fresh_url, redeem)


def test_a_reset_says_the_same_for_unknown_addresses_and_mails_only_real_ones(
    fresh_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    with make_client(fresh_url, tmp_path, smtp_url=f"smtp://127.0.0.1:{port}") as client:
        answers = []
        for email in ("nobody@example.org", ADVISER):
            token = page_token(client.get("/password-reset").text)
            answers.append(client.post("/password-reset", data={"_csrf": token, "email": email}))
        assert [answer.status_code for answer in answers] == [200, 200]
        assert answers[0].text == answers[1].text
        [link] = box.links()
        path = link.removeprefix("http://127.0.0.1:8000")
        sign_in(client, "adviser")
        token = page_token(client.get(path).text)
        new = "reset to something long"
        client.post(path, data={"_csrf": token, "new_password": new, "repeat_password": new})
        assert client.get("/api/v1/me").status_code == 401
        assert client.post("/api/v1/session", json={"email": ADVISER, "password": new}).status_code == 201


def test_logins_refusals_and_edits_are_in_the_audit_log(fresh_client: Client, fresh_url: str) -> None:
    fresh_client.post("/api/v1/session", json={"email": ADVISER, "password": "not the password"})
    sign_in(fresh_client, "adviser")
    fresh_client.get("/api/v1/users")

    async def actions() -> list[str]:
        engine = async_engine(fresh_url)
        try:
            async with async_sessionmaker(engine)() as session:
                return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        finally:
            await engine.dispose()

    logged = asyncio.run(actions())
    assert logged[-3:] == ["login-failed", "login", "refused"]


def test_api_tokens_act_for_their_owner_until_they_expire(fresh_client: Client) -> None:
    csrf = sign_in(fresh_client, "company_a")
    made = fresh_client.post("/api/v1/me/tokens", json={"name": "ERP sync", "days": 30}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    secret = made.json()["token"]
    fresh_client.cookies.clear()
    me = fresh_client.get("/api/v1/me", headers=bearer(secret))
    assert me.json()["email"] == ACTORS["company_a"]
    assert (
        fresh_client.post("/api/v1/me/tokens", json={"name": "x", "ghost": 1}, headers=bearer(secret)).status_code
        == 400
    )


def test_the_first_administrator_is_made_on_the_command_line(fresh_url: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli",
            "create-admin",
            "root@example.org",
            "--name",
            "Root",
            "--password-stdin",
        ],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={"DATABASE_URL": fresh_url, "DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr

    async def stored_hash(session: AsyncSession) -> str | None:
        return await session.scalar(select(UserAccount.password_hash).where(UserAccount.email == "root@example.org"))

    # Outside the suite's own process passwords get the product's parameters, not the suite's cheap ones.
    assert (_in_session(fresh_url, stored_hash) or "").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    with make_client(fresh_url, tmp_path) as client:
        signed = client.post("/api/v1/session", json={"email": "root@example.org", "password": "a long enough secret"})
        assert signed.status_code == 201 and signed.json()["account"]["role"] == "administrator"


def test_an_invitation_the_mail_server_refuses_leaves_no_account(fresh_url: str, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    tokens = api_tokens(fresh_url)
    with make_client(fresh_url, tmp_path, smtp_url=f"smtp://127.0.0.1:{closed_port}") as client:
        before = snapshot(fresh_url)
        invited = client.post(
            "/api/v1/users",
            json={"email": "lost@example.org", "display_name": "Lost", "role": "adviser"},
            headers=bearer(tokens["admin"]),
        )
        assert invited.status_code == 503 and "nothing was changed" in invited.json()["detail"]
        assert snapshot(fresh_url) == before
        # A reset answers as always, so that it never tells whether an address has an account.
        token = page_token(client.get("/password-reset").text)
        assert client.post("/password-reset", data={"_csrf": token, "email": ADVISER}).status_code == 200


def test_cookies_are_secure_and_host_bound_behind_https(fresh_url: str, tmp_path: Path) -> None:
    with make_client(fresh_url, tmp_path, public_url="https://catalogue.example.org") as client:
        response = client.post("/api/v1/session", json={"email": ADVISER, "password": DEMO[ADVISER].password})
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-sd_session=") and "Secure" in cookie and "HttpOnly" in cookie
        assert "Path=/" in cookie and "Domain" not in cookie
        login = client.get("/login").headers["set-cookie"]
        assert login.startswith("__Host-sd_csrf=") and "Secure" in login and "SameSite=strict" in login


def test_signing_in_works_while_the_browser_holds_an_ended_session(fresh_client: Client) -> None:
    sign_in(fresh_client, "company_b")
    ended = fresh_client.cookies["sd_session"]
    fresh_client.delete("/api/v1/session", headers={"X-CSRF-Token": accounts.csrf_token(ended)})
    fresh_client.cookies.set("sd_session", ended)
    page = fresh_client.get("/login").text
    anonymous = page_token(page[page.index('action="/login"') :])
    response = _login(fresh_client, ADVISER, DEMO[ADVISER].password, anonymous)
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("header", ["", "Basic eDp5", "Bearer "])
def test_an_authorization_header_never_lets_a_cookie_skip_the_csrf_check(fresh_client: Client, header: str) -> None:
    sign_in(fresh_client, "adviser")
    response = fresh_client.post("/api/v1/me/tokens", json={"name": "sneaky"}, headers={"Authorization": header})
    assert response.status_code in {401, 403}
    assert fresh_client.post("/logout", headers={"Authorization": "Bearer whatever"}).status_code == 403


def _in_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """What ``work`` gives in a session of its own on the database at ``url``."""

    async def run() -> T:
        engine = async_engine(url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _issue_reset_link(url: str, email: str, at: dt.datetime | None = None) -> str:
    async def issue(session: AsyncSession) -> str:
        user = await session.scalar(select(UserAccount).where(UserAccount.email == email))
        assert user is not None
        secret = await accounts.issue_link(session, user, "reset", at or dt.datetime.now(dt.UTC))
        await session.commit()
        return secret

    return _in_session(url, issue)


def _refused_token(client: Client, secret: str) -> None:
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 401 and "API token" in answer.json()["detail"]


def test_a_password_change_revokes_the_accounts_api_tokens(fresh_client: Client, fresh_url: str) -> None:
    tokens = api_tokens(fresh_url)
    assert fresh_client.get("/api/v1/me", headers=bearer(tokens["adviser"])).json()["email"] == ADVISER
    sign_in(fresh_client, "adviser")
    token = page_token(fresh_client.get("/account").text)
    new = "a new and long passphrase"
    form = {"_csrf": token, "current_password": DEMO[ADVISER].password, "new_password": new, "repeat_password": new}
    assert fresh_client.post("/account/password", data=form, follow_redirects=False).status_code == 303
    fresh_client.cookies.clear()
    _refused_token(fresh_client, tokens["adviser"])
    # Only the account whose password changed loses its tokens.
    other = fresh_client.get("/api/v1/me", headers=bearer(tokens["adviser_2"]))
    assert other.status_code == 200 and other.json()["email"] == ACTORS["adviser_2"]


def test_a_password_reset_revokes_the_accounts_api_tokens(fresh_client: Client, fresh_url: str) -> None:
    tokens = api_tokens(fresh_url)
    assert fresh_client.get("/api/v1/me", headers=bearer(tokens["adviser"])).status_code == 200
    path = f"/password-reset/{_issue_reset_link(fresh_url, ADVISER)}"
    new = "reset to something long"
    form = {"_csrf": page_token(fresh_client.get(path).text), "new_password": new, "repeat_password": new}
    assert fresh_client.post(path, data=form, follow_redirects=False).status_code == 303
    _refused_token(fresh_client, tokens["adviser"])
    assert fresh_client.get("/api/v1/me", headers=bearer(tokens["adviser_2"])).status_code == 200
    assert fresh_client.post("/api/v1/session", json={"email": ADVISER, "password": new}).status_code == 201
