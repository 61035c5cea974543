"""What administrators change directly: accounts, organisations and themes."""

import msgspec
import pytest

from services.editing.importing import read_catalogue_files
from tests.support.accounts import ACTORS, snapshot
from tests.support.databases import DEMO_DATA, Client
from tests.support.editing import Desk, sign_in_with_form

DEMO = read_catalogue_files(DEMO_DATA.glob("*.toml"))


@pytest.fixture
def desk(fresh_client: Client, fresh_url: str) -> Desk:
    return Desk(fresh_client, fresh_url)


def test_a_turned_off_account_stops_working_at_once(desk: Desk) -> None:
    users = {user["email"]: user["id"] for user in desk("admin", "GET", "/api/v1/users").json()}
    target = users[ACTORS["company_b"]]
    assert desk("company_b", "GET", "/api/v1/me").status_code == 200
    assert desk("admin", "PATCH", f"/api/v1/users/{target}", {"active": False}).json()["active"] is False
    assert desk("company_b", "GET", "/api/v1/me").status_code == 401
    assert desk("admin", "PATCH", f"/api/v1/users/{users[ACTORS['admin']]}", {"active": False}).status_code == 422
    desk("admin", "PATCH", f"/api/v1/users/{target}", {"active": True})
    assert desk("company_b", "GET", "/api/v1/me").status_code == 200


def test_an_organisation_with_an_invalid_cvr_is_refused_and_a_valid_one_added(desk: Desk) -> None:
    record = {"slug": "nyby-demo", "name": "Nyby ApS", "kind": "company", "helix_role": "industry",
              "city": "Vejle", "cvr": "12345678", "description": {"da": "En ny virksomhed."}}  # fmt: skip
    before = snapshot(desk.url)
    refused = desk("admin", "POST", "/api/v1/organisations", record)
    assert refused.status_code == 422 and "CVR" in refused.text
    assert snapshot(desk.url) == before
    del record["cvr"]
    assert desk("admin", "POST", "/api/v1/organisations", record).status_code == 201
    assert desk.client.get("/api/v1/organisations/nyby-demo?lang=da").json()["data"]["name"] == "Nyby ApS"
    assert desk("admin", "POST", "/api/v1/organisations", record).status_code == 422


def test_a_changed_theme_description_outdates_its_translations(desk: Desk) -> None:
    theme = msgspec.to_builtins(DEMO.themes[0])
    theme["description"][theme["source_locale"]] += " Updated."
    assert desk("admin", "PUT", f"/api/v1/themes/{theme['slug']}", theme).status_code == 204
    themes = desk.client.get("/api/v1/themes?lang=da").json()["data"]
    changed = next(item for item in themes if item["slug"] == theme["slug"])
    assert changed["description"]["outdated"] is (changed["description"]["locale"] != theme["source_locale"])
    theme["source_locale"] = "de" if theme["source_locale"] != "de" else "en"
    theme["description"].setdefault(theme["source_locale"], "x")
    theme["label"].setdefault(theme["source_locale"], "x")
    assert desk("admin", "PUT", f"/api/v1/themes/{theme['slug']}", theme).status_code == 422


def test_an_administrator_invites_and_turns_off_accounts_on_the_accounts_page(
    fresh_client: Client, fresh_url: str
) -> None:
    from html import unescape

    sign_in_with_form(fresh_client, "company_a")
    assert fresh_client.get("/admin/users").status_code == 403
    fresh_client.cookies.clear()
    sign_in_with_form(fresh_client, "admin")
    page = fresh_client.get("/admin/users")
    assert page.status_code == 200 and ACTORS["translator"] in page.text
    token = unescape(page.text.split('name="_csrf" value="', 2)[2].split('"', 1)[0])
    invited = fresh_client.post(
        "/admin/users",
        data={"_csrf": token, "action": "invite", "display_name": "Ny oversætter", "email": "ny@example.org",
              "role": "translator", "locales": "fi nl"},
        follow_redirects=False,
    )  # fmt: skip
    assert invited.status_code == 303
    listing = fresh_client.get("/admin/users").text
    assert "ny@example.org" in listing and "Invited" in listing
    refused = fresh_client.post(
        "/admin/users",
        data={"_csrf": token, "action": "invite", "display_name": "X", "email": "x@example.org", "role": "editor"},
    )
    assert refused.status_code == 422 and "organisation" in refused.text


def test_the_audit_log_shows_who_did_what(desk: Desk) -> None:
    copy, etag = desk.copy("company_a")
    desk("company_a", "PUT", "/api/v1/solutions/modular-rain-gardens/draft", copy["content"], etag)
    desk("translator", "GET", "/api/v1/review-queue")
    events = desk("admin", "GET", "/api/v1/audit?limit=5").json()
    assert [(e["action"], e["actor"]) for e in events[:2]] == [
        ("refused", ACTORS["translator"]),
        ("edit", ACTORS["company_a"]),
    ]
    assert events[1]["target"] == "solution/modular-rain-gardens"
