"""Translation requests: an adviser asks for a pack's entry in a delegation language; translators and editors act."""

import asyncio
import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from catalogue import tables as t
from catalogue.accounts import UserAccount
from catalogue.database import async_engine
from catalogue.translation_requests import TranslationRequest
from services.accounts import accounts
from services.translation import translation_requests
from tests.support.accounts import ACTORS, Mailbox, snapshot
from tests.support.databases import Client, make_client
from tests.support.delegations import BUSAN, ROOT
from tests.support.editing import Desk

SOLUTION = "modular-rain-gardens"
CASE = "eksempelby-rain-gardens"
LIST = "/api/v1/translation-requests"


@pytest.fixture
def mailed(fresh_url: str, tmp_path: Path, mailbox: tuple[Mailbox, int]) -> Iterator[tuple[Desk, Mailbox]]:
    """A desk whose application mails through a real local SMTP server."""
    box, port = mailbox
    with make_client(fresh_url, tmp_path / "data", smtp_url=f"smtp://127.0.0.1:{port}") as client:
        yield Desk(client, fresh_url), box


def _delegation(desk: Desk) -> int:
    """A delegation reading Swedish and Korean, with two of Regnspejl's entries, a bicycle solution and a visit."""
    created = desk("adviser", "POST", f"{ROOT}/", {**BUSAN, "languages": ["sv", "ko"]})
    assert created.status_code == 201, created.text
    delegation = int(created.json()["id"])
    items = [("solution", SOLUTION), ("case", CASE), ("solution", "bicycle-counting-sensors"),
             ("visit_site", "cykelpuls-demo-test-route")]  # fmt: skip
    path = f"{ROOT}/{delegation}/pack"
    etag = desk("adviser", "GET", path).headers["etag"]
    saved = desk("adviser", "PUT", path, {"items": [{"kind": k, "slug": s} for k, s in items]}, etag)
    assert saved.status_code == 200, saved.text
    return delegation


def _ask(desk: Desk, delegation: int, kind: str, slug: str, language: str, actor: str = "adviser") -> Any:
    body = {"kind": kind, "slug": slug, "language": language}
    return desk(actor, "POST", f"{ROOT}/{delegation}/pack/translation-requests", body)


def _messages(box: Mailbox) -> list[Message]:
    return [message_from_bytes(raw) for raw in box.messages]


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_a_request_is_stored_once_and_mailed_to_the_languages_translators_and_the_entrys_editors(
    mailed: tuple[Desk, Mailbox],
) -> None:
    desk, box = mailed
    delegation = _delegation(desk)
    made = _ask(desk, delegation, "solution", SOLUTION, "sv")
    assert made.status_code == 201, made.text
    request = made.json()
    assert {key: request[key] for key in ("kind", "slug", "language", "needed_by", "fulfilled")} == {
        "kind": "solution", "slug": SOLUTION, "language": "sv", "needed_by": "2027-05-10", "fulfilled": False,
    }  # fmt: skip
    assert request["title"] == "Modular rain gardens for streets and squares"
    messages = _messages(box)
    assert sorted(message["To"] for message in messages) == [ACTORS["company_a"], ACTORS["translator"]]
    for message in messages:
        assert message["Subject"] == "Translation requested: Modular rain gardens for streets and squares"
        body = _body(message)
        assert "in Swedish" in body and "May 10, 2027" in body
        assert f"/edit/solutions/{SOLUTION}?locale=sv" in body
    # Asking again, even for another delegation, gives the same request back and tells nobody again.
    before = snapshot(desk.url)
    again = _ask(desk, delegation, "solution", SOLUTION, "sv")
    assert again.status_code == 200 and again.json() == request
    assert snapshot(desk.url) == before
    other = _delegation(desk)
    before = snapshot(desk.url)
    assert _ask(desk, other, "solution", SOLUTION, "sv").json()["id"] == request["id"]
    assert snapshot(desk.url) == before and len(box.messages) == 2
    # A delegation that comes sooner moves the date the translation is needed by.
    sooner = desk("adviser", "POST", f"{ROOT}/", {**BUSAN, "languages": ["sv"], "starts_on": "2027-03-01",
                                                   "ends_on": "2027-03-02"}).json()["id"]  # fmt: skip
    etag = desk("adviser", "GET", f"{ROOT}/{sooner}/pack").headers["etag"]
    desk("adviser", "PUT", f"{ROOT}/{sooner}/pack", {"items": [{"kind": "solution", "slug": SOLUTION}]}, etag)
    moved = _ask(desk, sooner, "solution", SOLUTION, "sv")
    assert (moved.status_code, moved.json()["id"], moved.json()["needed_by"]) == (200, request["id"], "2027-03-01")
    assert len(box.messages) == 2
    # A Korean request reaches Regnspejl's editors; no translator works in Korean.
    korean = _ask(desk, delegation, "case", CASE, "ko")
    assert korean.status_code == 201, korean.text
    assert [message["To"] for message in _messages(box)[2:]] == [ACTORS["company_a"]]


def test_each_account_sees_the_requests_it_can_act_on(mailed: tuple[Desk, Mailbox]) -> None:
    desk, _ = mailed
    delegation = _delegation(desk)
    assert _ask(desk, delegation, "solution", SOLUTION, "sv").status_code == 201
    assert _ask(desk, delegation, "case", CASE, "ko").status_code == 201
    assert _ask(desk, delegation, "solution", "bicycle-counting-sensors", "ko").status_code == 201
    seen = {
        actor: sorted((r["slug"], r["language"]) for r in desk(actor, "GET", LIST).json())
        for actor in ("adviser", "adviser_2", "admin", "company_a", "company_b", "translator")
    }
    every = sorted([(SOLUTION, "sv"), (CASE, "ko"), ("bicycle-counting-sensors", "ko")])
    assert seen == {
        "adviser": every,
        "adviser_2": [],
        "admin": every,
        "company_a": sorted([(SOLUTION, "sv"), (CASE, "ko")]),
        "company_b": [("bicycle-counting-sensors", "ko")],
        "translator": [(SOLUTION, "sv")],
    }
    assert desk.client.get(LIST).status_code == 401


@pytest.mark.parametrize(
    ("actor", "kind", "slug", "language", "status", "field"),
    [
        ("adviser", "solution", SOLUTION, "de", 422, "language"),
        ("adviser", "solution", "sewer-level-sensors", "sv", 422, "slug"),
        ("adviser", "case", SOLUTION, "sv", 422, "slug"),
        ("adviser", "visit_site", "cykelpuls-demo-test-route", "sv", 422, "kind"),
        ("adviser", "organisation", SOLUTION, "sv", 422, "kind"),
        ("adviser_2", "solution", SOLUTION, "sv", 404, None),
        ("company_a", "solution", SOLUTION, "sv", 403, None),
        ("translator", "solution", SOLUTION, "sv", 403, None),
    ],
)
def test_a_request_that_breaks_a_rule_is_refused_and_nothing_is_stored_or_mailed(
    mailed: tuple[Desk, Mailbox], actor: str, kind: str, slug: str, language: str, status: int, field: str | None
) -> None:
    desk, box = mailed
    delegation = _delegation(desk)
    before = snapshot(desk.url)
    refused = _ask(desk, delegation, kind, slug, language, actor)
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert [p["name"] for p in refused.json()["invalid_params"]] == [field]
    assert snapshot(desk.url) == before and box.messages == []
    assert desk("adviser", "GET", LIST).json() == []


def test_malformed_and_anonymous_requests_are_refused(mailed: tuple[Desk, Mailbox]) -> None:
    desk, box = mailed
    delegation = _delegation(desk)
    path = f"{ROOT}/{delegation}/pack/translation-requests"
    before = snapshot(desk.url)
    body = {"kind": "solution", "slug": SOLUTION, "language": "sv"}
    assert desk.client.post(path, json=body).status_code == 401
    assert desk("adviser", "POST", path, {**body, "note": "urgent"}).status_code == 400
    assert desk("adviser", "POST", path, {**body, "language": "Swedish"}).status_code == 400
    assert desk("adviser", "POST", f"{ROOT}/999999/pack/translation-requests", body).status_code == 404
    assert snapshot(desk.url) == before and box.messages == []


def test_a_request_is_fulfilled_once_the_title_is_approved_in_the_language(mailed: tuple[Desk, Mailbox]) -> None:
    desk, _ = mailed
    delegation = _delegation(desk)
    assert _ask(desk, delegation, "solution", SOLUTION, "sv").status_code == 201
    page = desk.client.get("/translations?lang=da", headers={"Authorization": f"Bearer {desk.tokens['translator']}"})
    assert page.status_code == 200
    assert "Ønskede oversættelser" in page.text and "10. maj 2027" in page.text and "svensk" in page.text
    assert f"/edit/solutions/{SOLUTION}?locale=sv" in page.text
    workspace = desk.client.get("/workspace?lang=de", headers={"Authorization": f"Bearer {desk.tokens['company_a']}"})
    assert "Erbetene Übersetzungen" in workspace.text and "10.05.2027" in workspace.text
    readiness = desk("adviser", "GET", f"{ROOT}/{delegation}/pack/readiness").json()
    assert SOLUTION in {m["slug"] for m in readiness[0]["missing"]}

    draft = f"/api/v1/solutions/{SOLUTION}/draft"
    copy, _ = desk.copy("translator", draft)
    content = copy["content"]
    content["title"]["sv"] = "Modulära regnbäddar för gator och torg"
    # Saved and submitted but not yet approved: still wanted.
    _, etag = desk.copy("translator", draft)
    saved = desk("translator", "PUT", draft, content, etag)
    assert saved.status_code == 200, saved.text
    assert [r["fulfilled"] for r in desk("translator", "GET", LIST).json()] == [False]
    submitted = desk("translator", "POST", f"{draft}/submit", None, saved.headers["etag"])
    approved = desk("adviser", "POST", f"{draft}/approve", {}, submitted.headers["etag"])
    assert approved.status_code == 200, approved.text

    [request] = desk("translator", "GET", f"{LIST}?lang=sv").json()
    assert request["fulfilled"] is True and request["title"] == "Modulära regnbäddar för gator och torg"
    readiness = desk("adviser", "GET", f"{ROOT}/{delegation}/pack/readiness").json()
    assert SOLUTION not in {m["slug"] for m in readiness[0]["missing"]}
    page = desk.client.get("/translations?lang=da", headers={"Authorization": f"Bearer {desk.tokens['translator']}"})
    assert f"/edit/solutions/{SOLUTION}?locale=sv" not in page.text
    assert "Der er ikke ønsket nogen oversættelser." in page.text
    # A new source title makes the Swedish one outdated: the request is wanted again.
    copy, _ = desk.copy("company_a", draft)
    copy["content"]["title"]["da"] = "Modulære regnbede til gader, pladser og skolegårde"
    desk.publish("company_a", draft, copy["content"])
    assert [r["fulfilled"] for r in desk("translator", "GET", LIST).json()] == [False]


def test_the_openapi_document_names_each_refusal(client: Client) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    made = paths["/api/v1/delegations/{delegation_id}/pack/translation-requests"]["post"]["responses"]
    assert {"200", "201", "401", "403", "404", "422"} <= set(made)
    assert "application/problem+json" in made["422"]["content"]
    assert "401" in paths[LIST]["get"]["responses"]
    reach = paths["/api/v1/organisations/{slug}/reach"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(reach)


def test_two_requests_at_once_store_one(mailed: tuple[Desk, Mailbox]) -> None:
    desk, _ = mailed
    delegation = _delegation(desk)

    async def race() -> tuple[bool, int]:
        engine = async_engine(desk.url)
        try:
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            async with sessions() as first, sessions() as second:
                user = await first.scalar(select(UserAccount).where(UserAccount.email == ACTORS["adviser"]))
                solution = await first.scalar(select(t.Solution.id).where(t.Solution.slug == SOLUTION))
                assert user is not None and solution is not None
                await first.commit()
                # The other request is written but not yet committed when this one looks for it.
                second.add(
                    TranslationRequest(
                        solution_id=solution, language="sv", delegation_id=delegation, requested_by_id=user.id,
                        requested_at=dt.datetime.now(dt.UTC), needed_by=dt.date(2027, 5, 10),
                    )
                )  # fmt: skip
                await second.flush()
                asked = asyncio.create_task(
                    translation_requests.request_translation(
                        first, accounts.actor_of(user), delegation, "solution", SOLUTION, "sv", dt.datetime.now(dt.UTC)
                    )
                )
                await asyncio.sleep(0.5)
                await second.commit()
                made = await asked
                return made.created, made.request.id
        finally:
            await engine.dispose()

    created, request_id = asyncio.run(race())
    assert not created
    assert [r["id"] for r in desk("adviser", "GET", LIST).json()] == [request_id]
