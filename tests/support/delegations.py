"""Delegations as the tests drive them: one to create, its pack, and the generations of that pack."""

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.editing import Desk

BUSAN = {
    "name": "Busan smart-city office",
    "country": "KR",
    "city": "Busan",
    "organisations": ["Busan Metropolitan City"],
    "languages": ["ko", "en"],
    "starts_on": "2027-05-10",
    "ends_on": "2027-05-12",
    "group_size": 14,
    "themes": ["lighting", "climate-adaptation"],
    "challenges": "Smart street lighting that saves energy, and protection against cloudbursts in a coastal city.",
}
ROOT = "/api/v1/delegations"
#: Longest wait, in seconds, for a generation to get where a test expects it.
DEADLINE = 40


def create_delegation(desk: Desk, actor: str = "adviser", **changes: Any) -> Any:
    """Create the Busan delegation as ``actor``, with ``changes``; returns the response."""
    return desk(actor, "POST", f"{ROOT}/", {**BUSAN, **changes})


def put_pack(desk: Desk, delegation: dict[str, Any], body: dict[str, Any], etag: str | None = None) -> Any:
    """Save ``body`` as the delegation's pack, with ``etag`` or the current one; returns the response."""
    path = f"{ROOT}/{delegation['id']}/pack"
    if etag is None:
        etag = desk("adviser", "GET", path).headers["etag"]
    return desk("adviser", "PUT", path, body, etag)


def suggested_pack(desk: Desk, delegation: dict[str, Any]) -> dict[str, Any]:
    """A pack of the first suggestions, with a letter, a two-day programme and a contact."""
    found = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/suggestions").json()
    items = [{"kind": "solution", "slug": s["slug"]} for s in found["solutions"][:5]]
    items += [{"kind": "case", "slug": c["slug"]} for c in found["cases"][:2]]
    sites = [s["slug"] for s in found["visit_sites"]] or ["test-harbour-visit"]
    return {
        "items": items,
        "letter": {"en": "Dear guests, welcome to Denmark."},
        "programme": [
            {"date": "2027-05-10", "visits": [{"starts_at": "10:00", "ends_at": "12:00", "visit_site": sites[0]}]},
            {"date": "2027-05-11", "visits": [{"starts_at": "09:30", "title": "Meeting at the ministry"}]},
        ],
        "contacts": [{"name": "Mette Jensen", "role": "Export adviser", "email": "mette@example.org"}],
    }


def delegation_with_pack(desk: Desk, solutions: int = 5) -> dict[str, Any]:
    """A new delegation with a saved pack of ``solutions`` suggested solutions and two cases."""
    delegation = create_delegation(desk).json()
    body = suggested_pack(desk, delegation)
    found = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/suggestions").json()
    body["items"] = [{"kind": "solution", "slug": s["slug"]} for s in found["solutions"][:solutions]]
    body["items"] += [{"kind": "case", "slug": c["slug"]} for c in found["cases"][:2]]
    assert put_pack(desk, delegation, body).status_code == 200
    return dict(delegation)


def wait_for_render(
    desk: Desk,
    delegation: dict[str, Any],
    render_id: int,
    until: Callable[[dict[str, Any]], bool],
    deadline: float = DEADLINE,
) -> Any:
    """Poll the generation until ``until`` holds for it; fail the test after ``deadline`` seconds."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        found = desk("adviser", "GET", f"{ROOT}/{delegation['id']}/renders/{render_id}").json()
        if until(found):
            return found
        time.sleep(0.1)
    pytest.fail(f"generation {render_id} did not get there in {deadline} s: {found}")


def generate_pack(desk: Desk, delegation: dict[str, Any], *languages: str) -> list[dict[str, Any]]:
    """Start generating the delegation's pack in ``languages``; returns the queued generations."""
    started = desk("adviser", "POST", f"{ROOT}/{delegation['id']}/renders", {"languages": list(languages)})
    assert started.status_code == 202, started.text
    return [dict(job) for job in started.json()]


def render_finished(job: dict[str, Any]) -> bool:
    """Whether a generation has ended, done or failed."""
    return job["status"] in ("done", "failed")
